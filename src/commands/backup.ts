import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { backupSessions } from '../core/backup.js';

export class BackupCommand extends AmuxCommand {
  static override paths = [['backup']];
  static override usage = Command.Usage({
    description: 'write every session record and its whole log to one file',
    details: `
      A gzip file (0600) of the registry of this tmux server and every log (all rotations), which \`amux restore-backup FILE\` reads back. Restoring is idempotent: sessions already here are left alone.
    `,
    examples: [
      ['Back up everything', '$0 backup --to amux-backup.gz'],
      ['After a reinstall', '$0 restore-backup amux-backup.gz'],
    ],
  });

  to = Option.String('--to', { required: true, description: 'The file to write' });
  jsonOut = jsonOption('what was written');

  async run(): Promise<number> {
    const r = await backupSessions(await this.core(), { to: this.to });
    if (this.jsonOut) this.json(r);
    else this.out(`backed up ${r.sessions} session(s) to ${r.file}`);
    return 0;
  }
}

export const commands = [BackupCommand];
