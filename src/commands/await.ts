import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';
import { parseDuration, formatAge } from '../util/duration.js';
import { awaitSession, UNTIL_STATES, type Until } from '../core/observe.js';

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
  jsonOut = jsonOption('the session when done');

  async run(): Promise<number> {
    if (!(UNTIL_STATES as readonly string[]).includes(this.until)) throw new UsageError(`--until takes one of ${UNTIL_STATES.join(', ')}, not "${this.until}"`);
    let timeoutMs: number | undefined;
    if (this.timeout !== undefined) {
      const d = parseDuration(this.timeout);
      if (d === null) throw new UsageError(`--timeout takes a duration like 20s, 5m or a number of seconds, got "${this.timeout}"`);
      timeoutMs = d;
    }
    const res = await awaitSession(await this.core(), { session: this.session, until: this.until as Until, timeoutMs });
    if (this.jsonOut) this.json(res);
    else if (res.matched) this.out(`${res.name}: ${res.state}`);
    if (res.matched) return 0;
    if (res.timedOut) {
      this.err(`amux: ${res.name} is still ${res.state} after ${formatAge(timeoutMs ?? 0)}`);
      return TIMEOUT_EXIT;
    }
    this.err(`amux: ${res.name} ${res.state === 'lost' || res.state === 'hibernated' ? `is ${res.state}` : `exited${res.exitCode !== null ? ` with code ${res.exitCode}` : ''}`} before it was ${this.until}`);
    return 1;
  }
}

export const commands = [AwaitCommand];
