import { Command, Option } from 'clipanion';
import { basename } from 'node:path';
import { AmuxCommand, jsonOption } from './base.js';
import { listSessions, listViews } from '../core/sessions.js';
import { watchSessions } from '../core/watch.js';
import type { CoreContext } from '../core/context.js';
import { viewJson, type SessionView } from '../state/model.js';
import { renderTable, truncate } from '../util/table.js';
import { formatAge } from '../util/duration.js';
import { stateWord, lastOutputText } from '../state/present.js';
import { treeOrder, treeName } from '../core/lineage.js';

export class PsCommand extends AmuxCommand {
  static override paths = [['ps'], ['ls']];
  static override usage = Command.Usage({
    description: 'list amux sessions and their state',
    details: `
      Lists every amux session on the tmux server, whatever project started it. Sessions waiting for a person and stuck ones come first.

      \`--all\` adds exited and lost sessions. \`--here\` keeps this project's sessions only. \`--json\` prints an array of objects (id, name, agent, project, workspace, cwd, state, stateSince, reason, exitCode, createdAt, lastOutputAt, parent, tmux).

      A session that an agent started through \`amux mcp\` is listed under the session that started it, indented (its \`parent\` in \`--json\`).
    `,
    examples: [
      ['List running sessions', '$0 ps'],
      ['Everything, including exited and lost sessions, as JSON', '$0 ps --all --json'],
      ['Sessions of this project in workspace auth', '$0 ps --here -w auth'],
      ['Watch states change live', '$0 ps --watch'],
    ],
  });

  all = Option.Boolean('-a,--all', false, { description: 'Include exited and lost sessions' });
  here = Option.Boolean('--here', false, { description: "Only this project's sessions" });
  workspace = Option.String('-w,--workspace', { description: 'Only sessions in this workspace' });
  agent = Option.String('--agent', { description: 'Only sessions of this agent' });
  tag = Option.String('--tag', { description: 'Only sessions with this tag' });
  watch = Option.Boolean('--watch', false, { description: 'Redraw on every change the monitor pushes (and every second) until interrupted' });
  jsonOut = jsonOption('the sessions');

  async run(): Promise<number> {
    const ctx = await this.core();
    const filter = { all: this.all, here: this.here, workspace: this.workspace, agent: this.agent, tag: this.tag };
    const read = async () => listViews(ctx, filter);
    if (this.watch) return this.watchLoop(ctx, read);
    if (this.jsonOut) {
      const { sessions, damaged } = await listSessions(ctx, filter);
      this.json(sessions);
      for (const d of damaged) this.err(`amux: damaged record ${d.file}: it ${d.problem} (amux rm ${d.id} removes it)`);
    } else {
      const { views, hidden, damaged } = await read();
      this.context.stdout.write(formatPs(views, hidden));
      for (const d of damaged) this.out(`damaged  ${d.id.slice(0, 8)}  ${d.file} ${d.problem} (amux rm ${d.id} removes it)`);
    }
    return 0;
  }

  /**
   * Redraws when the monitor pushes a change (watchSessions), and at least every second for the
   * ages and "last output" columns, and as the fallback while the monitor's socket is unavailable.
   */
  private async watchLoop(ctx: CoreContext, read: () => Promise<{ views: SessionView[]; hidden: number }>): Promise<number> {
    const tty = process.stdout.isTTY;
    let stop = false;
    /** A change arrived since the last read began: redraw without waiting. */
    let changed = false;
    let wake: (() => void) | null = null;
    const poke = () => {
      changed = true;
      wake?.();
    };
    process.once('SIGINT', () => {
      stop = true;
      wake?.();
    });
    // Events of one tick come together: one redraw, after the burst.
    let burst: NodeJS.Timeout | null = null;
    const onEvent = () => (burst ??= setTimeout(() => ((burst = null), poke()), 15));
    const watch = await watchSessions(ctx, onEvent).catch(() => null);
    try {
      while (!stop) {
        changed = false;
        const { views, hidden } = await read();
        const text = this.jsonOut ? JSON.stringify(views.map(viewJson)) + '\n' : formatPs(views, hidden);
        this.context.stdout.write(tty && !this.jsonOut ? `\x1b[H\x1b[2J${new Date().toLocaleTimeString()}  amux ps --watch (Ctrl-C to quit)\n\n${text}` : text);
        if (stop || changed) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => wake?.(), 1000);
          wake = () => {
            wake = null;
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      watch?.close();
      if (burst) clearTimeout(burst);
    }
    return 0;
  }
}

export function formatPs(views: SessionView[], hidden = 0, now = Date.now()): string {
  if (views.length === 0) {
    if (hidden > 0) return `no sessions match (${hidden} hidden: exited, lost, archived or filtered out; amux ps --all shows every one)\n`;
    return 'no amux sessions (start one with: amux run AGENT, or try: amux demo)\n';
  }
  // Sessions an agent started through amux mcp sit under the session that started them.
  const rows = treeOrder(views).map(({ view: v, depth }) => {
    const r = v.record;
    return [
      treeName(truncate(r.name, 32), depth),
      r.id.slice(0, 8),
      truncate(r.agent, 16),
      truncate(basename(r.project), 20),
      truncate(r.workspace ?? '-', 20),
      stateWord(v, now),
      formatAge(now - Date.parse(r.createdAt)),
      lastOutputText(v, now),
      truncate(r.tags.join(','), 30),
    ];
  });
  return renderTable(['NAME', 'ID', 'AGENT', 'PROJECT', 'WORKSPACE', 'STATE', 'AGE', 'LAST OUTPUT', 'TAGS'], rows);
}

export const commands = [PsCommand];
