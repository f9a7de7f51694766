import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { getServer } from './context.js';
import { UsageError } from '../util/errors.js';

export class DaemonCommand extends AmuxCommand {
  static override paths = [['daemon']];
  static override usage = Command.Usage({
    description: 'manage the state monitor of the tmux server',
    details: `
      One monitor runs per tmux server; amux run and amux ps start it on demand. It watches every amux session, decides its state and publishes it for ps, the status bar, the TUI and notifications. Stopping it loses nothing: the next command restarts it and it rebuilds every state from tmux.

      \`start\` starts it (if needed), \`stop\` stops it, \`status\` reports it (\`--json\`), \`run\` runs it in the foreground (what start launches in the background).
    `,
    examples: [
      ['Is the monitor running?', '$0 daemon status'],
      ['Restart it', '$0 daemon stop && $0 daemon start'],
    ],
  });

  action = Option.String({ name: 'start|stop|status|run' });
  jsonOut = jsonOption('the status');

  async run(): Promise<number> {
    const client = await import('../state/daemon-client.js');
    if (this.action === 'run') {
      const { runDaemon } = await import('../state/daemon.js');
      return runDaemon();
    }
    const server = await getServer();
    switch (this.action) {
      case 'start': {
        const { info, started } = await client.ensureDaemon(server.socket);
        if (!info) {
          this.err(`amux: the monitor did not start (see ${client.daemonPaths(server.socket).log})`);
          return 1;
        }
        this.out(started ? `started (pid ${info.pid})` : `already running (pid ${info.pid})`);
        return 0;
      }
      case 'stop': {
        const stopped = await client.stopDaemon(server.socket);
        // Nothing of amux's own stays behind: the monitor's hidden session would be what a plain
        // `tmux attach` lands in.
        const { MONITOR_SESSION } = await import('../tmux/control.js');
        if (!client.readDaemon(server.socket)) await server.killSessionNamed(MONITOR_SESSION).catch(() => undefined);
        this.out(stopped ? 'stopped' : 'not running');
        return 0;
      }
      case 'status': {
        const info = client.readDaemon(server.socket);
        // A live process that stopped ticking is not a running monitor: the next command replaces it.
        const hung = !!info && client.isHung(server.socket);
        const { log, events } = client.daemonPaths(server.socket);
        if (this.jsonOut) this.json({ running: !!info && !hung, hung, ...(info ?? {}), server: server.label, log, events });
        else if (hung) this.out(`hung: pid ${info.pid} has not ticked for over ${client.HUNG_AFTER_MS / 1000} s (the next amux command replaces it), server ${server.description}, log ${log}`);
        else this.out(info ? `running: pid ${info.pid}, amux ${info.version}, since ${info.startedAt}, server ${server.description}, log ${log}` : `not running (server ${server.description})`);
        return info && !hung ? 0 : 1;
      }
      default:
        throw new UsageError(`daemon takes start, stop, status or run, not "${this.action}"`);
    }
  }
}

export const commands = [DaemonCommand];
