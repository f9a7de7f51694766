import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { archiveSession } from '../core/sessions.js';

export class ArchiveCommand extends AmuxCommand {
  static override paths = [['archive']];
  static override usage = Command.Usage({
    description: 'archive sessions: hide them from ps and the TUI, keeping everything',
    details: `
      An archived session keeps running (or stays exited) with its record and logs; it is only hidden from \`amux ps\` and the TUI unless you ask for all (\`amux ps --all\`, \`A\` in the TUI). \`--undo\` brings it back.
    `,
    examples: [
      ['Archive a finished session', '$0 archive claude-auth'],
      ['Bring it back', '$0 archive --undo claude-auth'],
    ],
  });

  sessions = Option.Rest({ name: 'SESSION', required: 1 });
  undo = Option.Boolean('--undo', false, { description: 'Unarchive instead' });
  jsonOut = jsonOption('the sessions');

  async run(): Promise<number> {
    const ctx = await this.core();
    const done = [];
    let failed = 0;
    for (const ref of this.sessions) {
      try {
        done.push(await archiveSession(ctx, { session: ref, archived: !this.undo }));
      } catch (e) {
        this.err(`amux: ${(e as Error).message}`);
        failed++;
      }
    }
    if (this.jsonOut) this.json(done);
    else for (const s of done) this.out(`${this.undo ? 'unarchived' : 'archived'} ${s.name}`);
    return failed ? 1 : 0;
  }
}

export const commands = [ArchiveCommand];
