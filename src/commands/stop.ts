import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { UsageError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';
import { listSessions, stopSession } from '../core/sessions.js';

export class StopCommand extends AmuxCommand {
  static override paths = [['stop']];
  static override usage = Command.Usage({
    description: 'stop a session: C-c, then kill after a grace period',
    details: `
      Sends C-c to the agent and waits up to the grace period (default 5s) for it to exit; then kills the process. The pane, its log and its exit code stay (see amux ps --all) until amux rm.
    `,
    examples: [
      ['Stop a session', '$0 stop claude-auth'],
      ['Give it 30 seconds to finish', '$0 stop claude-auth --grace 30s'],
      ['Kill at once', '$0 stop claude-auth --now'],
      ['Stop every session tagged batch, without asking', '$0 stop --tag batch --yes'],
    ],
  });

  sessions = Option.Rest({ name: 'SESSION' });
  all = Option.Boolean('-a,--all', false, { description: 'Stop every running session of this server' });
  tag = Option.String('--tag', { description: 'Stop every running session with this tag' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Do not ask before stopping several' });
  grace = Option.String('--grace', '5s', { description: 'How long to wait after C-c before killing' });
  now = Option.Boolean('--now', false, { description: 'Kill at once, without C-c' });

  async run(): Promise<number> {
    const graceMs = parseDuration(this.grace);
    if (graceMs === null) throw new UsageError(`--grace takes a duration like 5s or 1m, got "${this.grace}"`);
    const ctx = await this.core();
    const bulk = this.all || this.tag !== undefined;
    if (bulk && this.sessions.length) throw new UsageError('give sessions, or --all / --tag, not both');
    if (!bulk && !this.sessions.length) throw new UsageError('which session? (or --all, --tag T)');
    let refs = this.sessions;
    if (bulk) {
      const { sessions } = await listSessions(ctx, { tag: this.tag, states: ['starting', 'running', 'waiting', 'idle', 'stuck'] });
      if (!(await this.confirmMany('Stop', sessions.map((s) => s.name), this.yes))) return 1;
      if (!sessions.length) this.out('no running sessions to stop');
      refs = sessions.map((s) => s.id);
    }
    let failed = 0;
    for (const ref of refs) {
      try {
        const r = await stopSession(ctx, { session: ref, graceMs: this.now ? 0 : graceMs });
        this.out(`${r.session}: ${r.outcome}`);
      } catch (e) {
        this.err(`amux: ${(e as Error).message}`);
        failed++;
      }
    }
    return failed ? 1 : 0;
  }
}

export const commands = [StopCommand];
