import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { getSession, renameSession } from '../core/sessions.js';

export class RenameCommand extends AmuxCommand {
  static override paths = [['rename']];
  static override usage = Command.Usage({
    description: 'rename a session',
    details: `
      Gives a session a new name: the amux name, its tmux session (\`amux-NEW\`) and its record change together. Names use 1-63 characters of \`A-Z a-z 0-9 _ -\`; a name another session holds is refused. The session keeps running; its id does not change.
    `,
    examples: [
      ['Rename a session', '$0 rename claude-2 auth-refactor'],
      ['Rename by id prefix and print the result as JSON', '$0 rename 3f2a review --json'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  newName = Option.String({ name: 'NEW' });
  jsonOut = jsonOption('the renamed session');

  async run(): Promise<number> {
    const ctx = await this.core();
    const old = (await getSession(ctx, { session: this.session })).name;
    const s = await renameSession(ctx, { session: this.session, name: this.newName });
    if (this.jsonOut) this.json(s);
    else this.out(old === s.name ? `${s.name}: already named so` : `renamed ${old} → ${s.name}`);
    return 0;
  }
}

export const commands = [RenameCommand];
