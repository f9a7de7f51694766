import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption, parseCount } from './base.js';
import { saveSession } from '../core/backup.js';

export class SaveCommand extends AmuxCommand {
  static override paths = [['save']];
  static override usage = Command.Usage({
    description: 'save one session to a file: its record, conversation id and last lines',
    details: `
      Writes a JSON file (0600) that \`amux restore --from FILE\` reads back, here or on another machine. \`-n\` sets how many lines of the transcript it keeps (default 500).
    `,
    examples: [
      ['Save a session', '$0 save claude-auth --to auth.json'],
      ['Bring it back and start it again', '$0 restore --from auth.json --relaunch'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  to = Option.String('--to', { required: true, description: 'The file to write' });
  lines = Option.String('-n,--lines', { description: 'Lines of transcript to keep (default 500)' });
  jsonOut = jsonOption('what was saved');

  async run(): Promise<number> {
    const r = await saveSession(await this.core(), { session: this.session, to: this.to, lines: parseCount(this.lines) });
    if (this.jsonOut) this.json(r);
    else this.out(`saved ${r.session} (${r.lines} lines${r.conversationId ? `, conversation ${r.conversationId}` : ''}) to ${r.file}`);
    return 0;
  }
}

export const commands = [SaveCommand];
