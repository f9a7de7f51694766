import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { tagSession } from '../core/sessions.js';

export class UntagCommand extends AmuxCommand {
  static override paths = [['untag']];
  static override usage = Command.Usage({
    description: 'remove tags from a session',
    examples: [['Remove a tag', '$0 untag claude-auth urgent']],
  });

  session = Option.String({ name: 'SESSION' });
  tags = Option.Rest({ name: 'TAG', required: 1 });
  jsonOut = jsonOption('the session');

  async run(): Promise<number> {
    const s = await tagSession(await this.core(), { session: this.session, remove: this.tags });
    if (this.jsonOut) this.json(s);
    else this.out(`${s.name}: ${s.tags.length ? s.tags.join(' ') : '(no tags)'}`);
    return 0;
  }
}

export const commands = [UntagCommand];
