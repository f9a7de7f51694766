import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { infoRows, sessionInfo } from '../core/organise.js';

export class InfoCommand extends AmuxCommand {
  static override paths = [['info']];
  static override usage = Command.Usage({
    description: "show a session's full record",
    details: `
      Agent, command, folder, workspace and branch, conversation id, the names (never the values) of the variables set for it, tags, times, exit code, log files and tmux ids.
    `,
    examples: [
      ['Everything about a session', '$0 info claude-auth'],
      ['As JSON', '$0 info claude-auth --json'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  jsonOut = jsonOption('the record');

  async run(): Promise<number> {
    const i = await sessionInfo(await this.core(), { session: this.session });
    if (this.jsonOut) {
      this.json(i);
      return 0;
    }
    const rows = infoRows(i);
    const w = Math.max(...rows.map(([k]) => k.length));
    this.context.stdout.write(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}\n`).join(''));
    return 0;
  }
}

export const commands = [InfoCommand];
