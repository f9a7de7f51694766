import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { getSession, tagSession } from '../core/sessions.js';

export class TagCommand extends AmuxCommand {
  static override paths = [['tag']];
  static override usage = Command.Usage({
    description: 'add or remove tags on a session',
    details: `
      Tags are short labels (\`A-Z a-z 0-9 _ - . : /\`) kept in the session's record. \`amux ps --tag T\` and the TUI's \`/\` filter select by them. With \`--remove\` the given tags are taken off instead.
    `,
    examples: [
      ['Tag a session', '$0 tag claude-auth backend urgent'],
      ['Remove a tag', '$0 tag claude-auth urgent --remove'],
      ["List a session's tags", '$0 tag claude-auth'],
      ['List sessions with a tag', '$0 ps --tag backend'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  tags = Option.Rest({ name: 'TAG' });
  remove = Option.Boolean('-r,--remove', false, { description: 'Remove the tags instead of adding them' });
  jsonOut = jsonOption('the session');

  async run(): Promise<number> {
    const ctx = await this.core();
    // With no tags given, the session's tags are listed.
    const s = this.tags.length === 0 ? await getSession(ctx, { session: this.session }) : await tagSession(ctx, { session: this.session, ...(this.remove ? { remove: this.tags } : { add: this.tags }) });
    if (this.jsonOut) this.json(s);
    else this.out(`${s.name}: ${s.tags.length ? s.tags.join(' ') : '(no tags)'}`);
    return 0;
  }
}

export const commands = [TagCommand];
