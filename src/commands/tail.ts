import { Command, Option } from 'clipanion';
import { AmuxCommand, parseCount } from './base.js';
import { followLogs } from '../core/logs.js';

export class TailCommand extends AmuxCommand {
  static override paths = [['tail']];
  static override usage = Command.Usage({
    description: "follow a session's output as it is written",
    details: `
      Prints the last lines of the log (default 10), then new output as it arrives, until Ctrl-C or until the session's program exits. It then says how the program ended and exits 0 if it exited with code 0 (or on Ctrl-C), 1 otherwise.
    `,
    examples: [
      ['Follow a session', '$0 tail claude-auth'],
      ['Start from the last 100 lines, raw', '$0 tail claude-auth -n 100 --raw'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  lines = Option.String('-n,--lines', '10', { description: 'Lines of history to print first' });
  raw = Option.Boolean('--raw', false, { description: 'Keep escape sequences' });

  async run(): Promise<number> {
    const stop = new AbortController();
    const onSig = () => stop.abort();
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
    const r = await followLogs(await this.core(), { session: this.session, lines: parseCount(this.lines), raw: this.raw }, (t) => this.context.stdout.write(t), stop.signal);
    if (r.ended === 'stopped') return 0;
    if (r.ended === 'lost') {
      this.err(`amux: ${r.session} is lost: tmux no longer has it`);
      return 1;
    }
    const how = r.exitSignal ? `was killed by signal ${r.exitSignal}` : r.exitCode === null ? 'exited (exit code not reported)' : `exited with code ${r.exitCode}`;
    this.err(`amux: ${r.session} ${how}`);
    return r.exitCode === 0 && !r.exitSignal ? 0 : 1;
  }
}

export const commands = [TailCommand];
