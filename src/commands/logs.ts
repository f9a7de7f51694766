import { paneBelongs } from '../session/identity.js';
import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { resolveSession } from './context.js';
import { UsageError } from '../util/errors.js';
import { cleanLine, lastLines, logSize, readFrom } from '../session/logs.js';

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
    const n = parseCount(this.lines);
    const { view } = await resolveSession(this.session);
    const lines = lastLines(view.record.logFile, n, this.raw);
    if (lines.length) this.context.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
}

export class TailCommand extends AmuxCommand {
  static override paths = [['tail']];
  static override usage = Command.Usage({
    description: "follow a session's output as it is written",
    details: `
      Prints the last lines of the log (default 10), then new output as it arrives, until Ctrl-C or until the session's program exits.
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
    const n = parseCount(this.lines);
    const { server, view } = await resolveSession(this.session);
    const file = view.record.logFile;
    const first = lastLines(file, n, this.raw);
    if (first.length) this.context.stdout.write(first.join('\n') + '\n');
    let pos = logSize(file);
    let partial = '';
    let stop = false;
    const onSig = () => (stop = true);
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
    let lastCheck = 0;
    let deadSeen = view.state === 'exited' || view.state === 'lost';
    const flush = (chunk: Buffer) => {
      if (this.raw) return void this.context.stdout.write(chunk);
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop()!;
      if (parts.length) this.context.stdout.write(parts.map(cleanLine).join('\n') + '\n');
    };
    while (!stop) {
      const size = logSize(file);
      if (size < pos) pos = 0; // rotated: the new file starts from zero
      if (size > pos) {
        const chunk = readFrom(file, pos);
        pos += chunk.length;
        flush(chunk);
      } else if (deadSeen) break;
      if (Date.now() - lastCheck > 1000) {
        lastCheck = Date.now();
        const info = await server.pane(view.record.tmux.pane).info();
        // One more read after death so the last bytes are printed.
        if (!paneBelongs(view.record, info) || info.paneDead) deadSeen = true;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    if (partial && !this.raw) this.context.stdout.write(cleanLine(partial) + '\n');
    return 0;
  }
}

export const commands = [LogsCommand, TailCommand];
