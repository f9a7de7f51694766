/**
 * `amux adopt PANE`: registers an agent already running in any pane of the server (started by
 * plain tmux, or before amux was installed) as an amux session. From then on the monitor tracks
 * its state and a log writer keeps its output; its process and its tmux session stay as they
 * are (an adopted session is not amux's to relaunch: resume refuses it).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreContext } from './context.js';
import { AmuxError, NotFoundError, UsageError } from '../util/errors.js';
import { viewJson } from '../state/model.js';
import { RECORD_SCHEMA, type SessionRecord } from '../session/types.js';
import type { PaneRow } from '../tmux/formats.js';
import type { SessionInfo } from './sessions.js';

export interface AdoptInput {
  /** The pane: its id (`%12`), `SESSION:WINDOW.PANE` (indexes), or a tmux session name with one pane. */
  pane: string;
  /** The agent id (from the config or a preset); else found from the pane's processes. */
  agent?: string;
  name?: string;
  tags?: string[];
}

/** The pane a reference names, among a whole-server read. */
export function findPane(rows: PaneRow[], ref: string): PaneRow {
  if (/^%\d+$/.test(ref)) {
    const row = rows.find((r) => r.paneId === ref);
    if (!row) throw new NotFoundError(`no pane ${ref} on this tmux server`);
    return row;
  }
  const m = /^(.+?)(?::(\d+)(?:\.(\d+))?)?$/.exec(ref);
  const inSession = rows.filter((r) => r.sessionName === m?.[1]);
  if (!m || inSession.length === 0) throw new NotFoundError(`no pane "${ref}" on this tmux server (give %ID, SESSION:WINDOW.PANE, or a session with one pane)`);
  const hits = inSession.filter((r) => (m[2] === undefined || r.windowIndex === Number(m[2])) && (m[3] === undefined || r.paneIndex === Number(m[3])));
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0) throw new NotFoundError(`no pane "${ref}" on this tmux server`);
  throw new AmuxError(`"${ref}" names ${hits.length} panes: give SESSION:WINDOW.PANE or the pane id`, { code: 'ambiguous', hint: hits.map((r) => `${r.paneId} (${r.sessionName}:${r.windowIndex}.${r.paneIndex})`).join(', ') });
}

/** The argv of `pid` and of its descendants, parents first (Linux /proc; empty elsewhere). */
export function processArgvs(pid: number): string[][] {
  const children = new Map<number, number[]>();
  try {
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const stat = readFileSync(join('/proc', e, 'stat'), 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(e));
        children.set(ppid, list);
      } catch {
        /* gone */
      }
    }
  } catch {
    return [];
  }
  const out: string[][] = [];
  const queue = [pid];
  while (queue.length > 0 && out.length < 64) {
    const p = queue.shift()!;
    try {
      const argv = readFileSync(join('/proc', String(p), 'cmdline'), 'utf8').split('\0').filter(Boolean);
      if (argv.length) out.push(argv);
    } catch {
      /* gone */
    }
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

export async function adoptPane(ctx: CoreContext, input: AdoptInput): Promise<SessionInfo> {
  if (!input.pane) throw new UsageError('which pane? e.g. amux adopt %3, amux adopt work:1.0');
  const { validateName, slug } = await import('../tmux/names.js');
  const { validateTag } = await import('../session/edit.js');
  if (input.name !== undefined) validateName(input.name);
  for (const t of input.tags ?? []) validateTag(t);
  const rows = await ctx.server.panes().catch(() => {
    throw new AmuxError('no tmux server is running here: there is no pane to adopt', { code: 'no_server' });
  });
  const row = findPane(rows, input.pane);
  if (row.paneDead) throw new AmuxError(`pane ${row.paneId} has exited: there is no agent to adopt`, { code: 'not_live' });
  const { MONITOR_SESSION } = await import('../tmux/control.js');
  if (row.sessionName === MONITOR_SESSION) throw new UsageError("that is the monitor's own hidden session");
  if (row.opts.id) {
    const owner = ctx.registry.get(row.opts.id);
    if (owner) throw new AmuxError(`pane ${row.paneId} is already the amux session ${owner.name}`, { code: 'conflict', hint: `amux ps shows it` });
  }

  // Which agent: as told, else the first process of the pane that names a known one.
  const { detectorKindFor, kindOfProgram } = await import('../agents/index.js');
  const argvs = processArgvs(row.panePid);
  const found = argvs.find((a) => kindOfProgram(a[0]!) || (a[1] !== undefined && kindOfProgram(a[1]))) ?? null;
  const argv = found ?? argvs[argvs.length - 1] ?? [row.paneCurrentCommand];
  const config = await ctx.config();
  let agentId = input.agent ?? (found ? (kindOfProgram(found[0]!) ?? kindOfProgram(found[1]!)!) : 'command');
  let spec = null;
  if (input.agent !== undefined || agentId !== 'command') {
    const { resolveAgent } = await import('../config/load.js');
    try {
      spec = resolveAgent(config, agentId);
    } catch (e) {
      if (input.agent !== undefined) throw e;
    }
  }
  if (!spec && agentId !== 'command' && input.agent === undefined) agentId = 'command';
  const detector = spec?.detector ?? detectorKindFor(agentId, argv);

  const id = ctx.registry.newId();
  const base = input.name ?? slug(agentId, 30);
  const name = ctx.registry.reserveUnique(base, id, input.name !== undefined);
  const { homeDir } = await import('../util/paths.js');
  const { locateProject } = await import('../config/load.js');
  const { logWriterCommand } = await import('../session/logwriter.js');
  const { logSettings } = await import('../session/rotation.js');
  const logs = logSettings(await ctx.config().catch(() => null));
  const logFile = join(homeDir('logs'), `${id}.log`);
  const cwd = row.paneCurrentPath || ctx.cwd;
  const rec: SessionRecord = {
    schema: RECORD_SCHEMA,
    id,
    name,
    agent: agentId,
    detector,
    argv,
    project: locateProject(cwd).root,
    workspace: null,
    cwd,
    createdAt: new Date().toISOString(),
    tmux: { socket: ctx.server.label, session: row.sessionName, sessionId: row.sessionId, window: row.windowId, pane: row.paneId },
    logFile,
    tags: [...(spec?.tags ?? []), ...(input.tags ?? [])],
    ...(spec?.idleAfter !== undefined ? { idleAfter: spec.idleAfter } : {}),
    ...(spec?.stuckAfter !== undefined ? { stuckAfter: spec.stuckAfter } : {}),
    ...(spec?.patterns ? { patterns: spec.patterns } : {}),
    adopted: true,
  };
  try {
    ctx.registry.put(rec);
    const pane = ctx.server.pane(row.paneId);
    // The stamp makes the pane this record's (identity.ts); remain-on-exit keeps its exit code.
    await pane.setOptions({ '@amux_id': id, '@amux_agent': agentId, 'remain-on-exit': 'on' });
    await pane.pipeIfNone(logWriterCommand(logFile, logs.maxBytes, logs.keep));
  } catch (e) {
    await ctx.registry.remove(id).catch(() => undefined);
    ctx.registry.releaseName(name, id);
    throw e;
  }
  const { invalidateSnapshot } = await import('../state/snapshot.js');
  invalidateSnapshot(ctx.server.socket);
  const { ensureDaemon } = await import('../state/daemon-client.js');
  await ensureDaemon(ctx.server.socket);
  const { readViews } = await import('./sessions.js');
  return viewJson((await readViews(ctx, [rec]))[0]!);
}
