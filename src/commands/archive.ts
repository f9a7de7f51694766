import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { archiveSession } from '../core/sessions.js';

export class ArchiveCommand extends AmuxCommand {
  static override paths = [['archive']];
  static override usage = Command.Usage({
    description: 'archive sessions: hide them from ps and the TUI, keeping everything',
    details: `
      An archived session keeps running (or stays exited) with its record and logs; it is only hidden from \`amux ps\` and the TUI unless you ask for all (\`amux ps --archived\` or \`--all\`, \`A\` in the TUI). \`amux unarchive\` (or \`--undo\`) brings it back.
    `,
    examples: [
      ['Archive a finished session', '$0 archive claude-auth'],
      ['Bring it back', '$0 archive --undo claude-auth'],
    ],
  });

  sessions = Option.Rest({ name: 'SESSION', required: 1 });
  undo = Option.Boolean('--undo', false, { description: 'Unarchive instead' });
  jsonOut = jsonOption('the sessions');

  /** Whether this verb unarchives (`unarchive`, or `archive --undo`). */
  protected get unarchive(): boolean {
    return this.undo;
  }

  async run(): Promise<number> {
    const ctx = await this.core();
    const undo = this.unarchive;
    const done = [];
    let failed = 0;
    for (const ref of this.sessions) {
      try {
        done.push(await archiveSession(ctx, { session: ref, archived: !undo }));
      } catch (e) {
        this.err(`amux: ${(e as Error).message}`);
        failed++;
      }
    }
    if (this.jsonOut) this.json(done);
    else for (const s of done) this.out(`${undo ? 'unarchived' : 'archived'} ${s.name}`);
    return failed ? 1 : 0;
  }
}

export class UnarchiveCommand extends ArchiveCommand {
  static override paths = [['unarchive']];
  static override usage = Command.Usage({
    description: 'bring archived sessions back into ps and the TUI',
    examples: [['Unarchive a session', '$0 unarchive claude-auth']],
  });

  protected override get unarchive(): boolean {
    return true;
  }
}

export const commands = [ArchiveCommand, UnarchiveCommand];
