import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { restoreBackup } from '../core/backup.js';

export class RestoreBackupCommand extends AmuxCommand {
  static override paths = [['restore-backup']];
  static override usage = Command.Usage({
    description: 'restore the sessions of an amux backup',
    details: `
      Every session of the backup that is not here already (by id) comes back with its logs; its process is gone, so it is listed as lost. Running it again changes nothing.
    `,
    examples: [['Restore a backup', '$0 restore-backup amux-backup.gz']],
  });

  file = Option.String({ name: 'FILE' });
  jsonOut = jsonOption('what was restored');

  async run(): Promise<number> {
    const r = await restoreBackup(await this.core(), { file: this.file });
    if (this.jsonOut) this.json(r);
    else this.out(`restored ${r.restored.length} session(s)${r.restored.length ? `: ${r.restored.join(', ')}` : ''}; ${r.skipped.length} here already`);
    return 0;
  }
}

export const commands = [RestoreBackupCommand];
