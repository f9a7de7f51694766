import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { resolveSession } from './context.js';
import { renameSession } from '../session/edit.js';
import { buildViews, viewJson } from '../session/view.js';

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
  jsonOut = Option.Boolean('--json', false, { description: 'Print the renamed session as JSON' });

  async run(): Promise<number> {
    const { server, registry, view } = await resolveSession(this.session);
    const old = view.record.name;
    const rec = await renameSession(server, view.record.id, this.newName, registry);
    if (this.jsonOut) this.json(viewJson(buildViews([rec], await server.listPanes())[0]!));
    else this.out(old === rec.name ? `${rec.name}: already named so` : `renamed ${old} → ${rec.name}`);
    return 0;
  }
}

export const commands = [RenameCommand];
