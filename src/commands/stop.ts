import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { UsageError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';
import { stopSession } from '../core/sessions.js';

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
    ],
  });

  sessions = Option.Rest({ name: 'SESSION', required: 1 });
  grace = Option.String('--grace', '5s', { description: 'How long to wait after C-c before killing' });
  now = Option.Boolean('--now', false, { description: 'Kill at once, without C-c' });

  async run(): Promise<number> {
    const graceMs = parseDuration(this.grace);
    if (graceMs === null) throw new UsageError(`--grace takes a duration like 5s or 1m, got "${this.grace}"`);
    const ctx = await this.core();
    let failed = 0;
    for (const ref of this.sessions) {
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
