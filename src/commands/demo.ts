import { Command, Option } from 'clipanion';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/root.js';
import { AmuxCommand } from './base.js';
import { getServer } from './context.js';
import { Registry } from '../session/registry.js';
import { loadViews } from '../session/view.js';
import { removeSession } from '../session/lifecycle.js';

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
    const server = await getServer();
    const registry = new Registry();
    const running = (await loadViews(server, registry)).filter((v) => v.record.tags.includes(DEMO_TAG));
    if (this.stop) {
      for (const v of running) await removeSession(server, v, {}, registry);
      this.out(running.length ? `removed ${running.length} demo session(s)` : 'no demo sessions');
      return 0;
    }
    const { loadConfig, expandEnvironment } = await import('../config/load.js');
    const { buildLaunchSpec } = await import('../session/spec.js');
    const { launch } = await import('../session/launcher.js');
    const dir = demoDir();
    const config = loadConfig({ cwd: dir });
    const have = new Set(running.filter((v) => v.state !== 'lost' && v.state !== 'exited').map((v) => v.record.agent));
    const ids = Object.keys(config.agents).filter((id) => id.startsWith('demo-') && !have.has(id));
    for (const v of running) if (v.state === 'lost' || v.state === 'exited') await removeSession(server, v, {}, registry);
    const recs = await Promise.all(
      ids.map((id) =>
        launch(
          server,
          buildLaunchSpec({ config, agent: config.agents[id]!, passthrough: [], extraEnv: {}, expandEnvironment, cwd: dir, workspace: null, tags: [DEMO_TAG] }),
          registry,
        ),
      ),
    );
    const { ensureDaemon } = await import('../state/daemon-client.js');
    await ensureDaemon(server.socket);
    for (const r of recs) this.out(`started ${r.name}`);
    if (ids.length === 0) this.out('the demo is already running');
    if (!this.noTui && process.stdout.isTTY && process.stdin.isTTY) {
      const { runTui } = await import('../tui/app.js');
      return runTui({ server });
    }
    this.out('watch them:   amux ps --watch    (or amux tui)');
    this.out('answer one:   amux keys demo-builder 1');
    this.out('remove them:  amux demo --stop');
    return 0;
  }
}

export const commands = [DemoCommand];
