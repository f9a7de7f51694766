import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { resolveSession } from './context.js';
import { UsageError } from '../util/errors.js';
import { parseDuration, formatAge } from '../util/duration.js';
import { UNTIL, waitForView, type Until } from '../state/watch.js';
import { viewJson } from '../state/model.js';

/** Exit code when the wait timed out (as GNU timeout). */
export const TIMEOUT_EXIT = 124;

export class AwaitCommand extends AmuxCommand {
  static override paths = [['await']];
  static override usage = Command.Usage({
    description: 'wait until a session reaches a state',
    details: `
      Blocks until the session's state matches \`--until\`: idle (the turn is over), waiting (it asks a person), exited, running, stuck, or any (idle, waiting, stuck or exited: anything but working; the default).

      Exit codes: 0 the state matched; ${TIMEOUT_EXIT} the timeout passed first; 1 the session ended (exited or lost) before matching, or another error.
    `,
    examples: [
      ['Wait for the current turn to finish', '$0 await claude-auth --until idle'],
      ['Wait at most 5 minutes for anything that needs you', '$0 await claude-auth --timeout 5m'],
      ['In a script', '$0 await worker-1 --until idle --timeout 20m || echo "worker-1 did not finish"'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  until = Option.String('--until', 'any', { description: 'idle | waiting | exited | running | stuck | any' });
  timeout = Option.String('--timeout', { description: 'Give up after this long (20s, 5m, or seconds)' });
  jsonOut = Option.Boolean('--json', false, { description: 'Print the session as JSON when done' });

  async run(): Promise<number> {
    if (!(this.until in UNTIL)) throw new UsageError(`--until takes one of ${Object.keys(UNTIL).join(', ')}, not "${this.until}"`);
    let timeoutMs: number | undefined;
    if (this.timeout !== undefined) {
      const d = parseDuration(this.timeout);
      if (d === null) throw new UsageError(`--timeout takes a duration like 20s, 5m or a number of seconds, got "${this.timeout}"`);
      timeoutMs = d;
    }
    const { server, view } = await resolveSession(this.session);
    const { ensureMonitor } = await import('../state/daemon-client.js');
    await ensureMonitor(server);
    const wanted = UNTIL[this.until as Until] as readonly string[];
    const res = await waitForView(server, view.record, (v) => wanted.includes(v.state), { timeoutMs });
    const v = res.view;
    if (this.jsonOut) this.json({ ...viewJson(v), matched: res.matched, timedOut: res.timedOut });
    else if (res.matched) this.out(`${v.record.name}: ${v.state}`);
    if (res.matched) return 0;
    if (res.timedOut) {
      this.err(`amux: ${v.record.name} is still ${v.state} after ${formatAge(timeoutMs ?? 0)}`);
      return TIMEOUT_EXIT;
    }
    this.err(`amux: ${v.record.name} ${v.state === 'lost' ? 'is lost' : `exited${v.exitCode !== null ? ` with code ${v.exitCode}` : ''}`} before it was ${this.until}`);
    return 1;
  }
}

export const commands = [AwaitCommand];
