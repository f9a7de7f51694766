import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { restoreSession } from '../core/backup.js';

export class RestoreCommand extends AmuxCommand {
  static override paths = [['restore']];
  static override usage = Command.Usage({
    description: 'restore a session saved with amux save',
    details: `
      Without \`--relaunch\` the record comes back with its saved lines (\`amux info\`, \`logs\` and \`transcript\` read it; it is listed as lost, its process being gone). With \`--relaunch\` the same agent starts again in the same folder (or workspace) with the same name and tags. Restoring a session that is here already changes nothing.
    `,
    examples: [
      ['Restore the record', '$0 restore --from auth.json'],
      ['Start it again', '$0 restore --from auth.json --relaunch'],
    ],
  });

  from = Option.String('--from', { required: true, description: 'A file written by amux save' });
  relaunch = Option.Boolean('--relaunch', false, { description: 'Start the agent again' });
  jsonOut = jsonOption('what was restored');

  async run(): Promise<number> {
    const r = await restoreSession(await this.core(), { from: this.from, relaunch: this.relaunch });
    if (this.jsonOut) this.json(r);
    else if (r.relaunched) this.out(`relaunched ${r.session}${r.conversationId ? ` (saved conversation ${r.conversationId})` : ''}`);
    else this.out(r.restored ? `restored ${r.session}` : `${r.session} is here already: nothing restored`);
    return 0;
  }
}

export const commands = [RestoreCommand];
