import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { UsageError } from '../util/errors.js';
import { followLogs, readLogs } from '../core/logs.js';

function parseCount(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`-n takes a number of lines, got "${v}"`);
  return n;
}

export class LogsCommand extends AmuxCommand {
  static override paths = [['logs']];
  static override usage = Command.Usage({
    description: "print a session's output log",
    details: `
      Prints what the session's program wrote, from its first byte (logs are capped in size: the oldest part is dropped past the cap). ANSI escapes are stripped unless \`--raw\`. Logs outlive the session until amux rm.
    `,
    examples: [
      ['The whole log', '$0 logs claude-auth'],
      ['The last 50 lines', '$0 logs claude-auth -n 50'],
      ['Raw bytes with escapes, for replay', '$0 logs claude-auth --raw > session.log'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  lines = Option.String('-n,--lines', { description: 'Only the last N lines' });
  raw = Option.Boolean('--raw', false, { description: 'Keep escape sequences and control characters' });

  async run(): Promise<number> {
    const r = await readLogs(await this.core(), { session: this.session, lines: parseCount(this.lines), raw: this.raw });
    if (r.lines.length) this.context.stdout.write(r.lines.join('\n') + '\n');
    return 0;
  }
}

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

export const commands = [LogsCommand, TailCommand];
