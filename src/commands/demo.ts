import { Command, Option } from 'clipanion';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/root.js';
import { AmuxCommand } from './base.js';
import { openContext } from '../core/context.js';
import { listViews, removeSession } from '../core/sessions.js';
import { startSessions } from '../core/start.js';
import { isLive } from '../state/model.js';

export const DEMO_TAG = 'amux-demo';
export const demoDir = () => join(PACKAGE_ROOT, 'examples', 'demo');

export class DemoCommand extends AmuxCommand {
  static override paths = [['demo']];
  static override usage = Command.Usage({
    description: 'see amux at work with scripted demo agents (no API key needed)',
    details: `
      Starts the demo agents of examples/demo: two scripted agents that cycle through working, waiting for an answer and done, and a plain command. Then opens the TUI over them (\`--no-tui\` to skip). \`amux demo --stop\` removes them.
    `,
    examples: [
      ['Start the demo', '$0 demo'],
      ['Start it without the TUI', '$0 demo --no-tui'],
      ['Remove the demo agents', '$0 demo --stop'],
    ],
  });

  stop = Option.Boolean('--stop', false, { description: 'Remove the demo sessions' });
  noTui = Option.Boolean('--no-tui', false, { description: 'Do not open the TUI' });

  async run(): Promise<number> {
    const dir = demoDir();
    const ctx = await openContext({ cwd: dir, observer: { progress: (m) => this.err(m) } });
    const { views } = await listViews(ctx, { all: true, tag: DEMO_TAG });
    if (this.stop) {
      for (const v of views) await removeSession(ctx, { session: v.record.id, force: true });
      this.out(views.length ? `removed ${views.length} demo session(s)` : 'no demo sessions');
      return 0;
    }
    for (const v of views) if (!isLive(v.state)) await removeSession(ctx, { session: v.record.id });
    const have = new Set(views.filter((v) => isLive(v.state)).map((v) => v.record.agent));
    const ids = Object.keys((await ctx.config()).agents).filter((id) => id.startsWith('demo-') && !have.has(id));
    if (ids.length > 0) {
      const res = await startSessions(ctx, { agents: ids, tags: [DEMO_TAG] });
      for (const r of res.started) this.out(`started ${r.name}`);
      for (const f of res.failed) this.err(`amux: ${f.message}`);
    } else this.out('the demo is already running');
    // The demo has a server of its own (its config's tmux.socket): other commands reach it so.
    const sock = ctx.server.socket.name;
    const on = sock && !process.env.AMUX_TMUX_SOCKET ? `AMUX_TMUX_SOCKET=${sock} ` : '';
    const where = sock ? `the tmux server "${sock}"` : 'your tmux server';
    if (!this.noTui && process.stdout.isTTY && process.stdin.isTTY) {
      const { runTui } = await import('../tui/app.js');
      const code = await runTui({ ctx });
      this.out(`The demo agents keep running on ${where}. Stop and remove them with: amux demo --stop`);
      return code;
    }
    this.out(`The demo agents run on ${where}.`);
    this.out(`watch them:   ${on}amux ps --watch    (or ${on}amux tui)`);
    this.out(`answer one:   ${on}amux keys demo-builder 1`);
    this.out('remove them:  amux demo --stop');
    return 0;
  }
}

export const commands = [DemoCommand];
