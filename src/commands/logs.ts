import { Command, Option } from 'clipanion';
import { AmuxCommand, parseCount } from './base.js';
import { readLogs } from '../core/logs.js';

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

export const commands = [LogsCommand];
