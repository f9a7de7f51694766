import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { resolveSession } from './context.js';
import { AmuxError } from '../util/errors.js';
import { attachTo } from '../session/attach.js';

export class AttachCommand extends AmuxCommand {
  static override paths = [['attach'], ['a']];
  static override usage = Command.Usage({
    description: "attach your terminal to a session's tmux session",
    details: `
      Inside tmux on the same server this switches your client to the session; inside tmux on another server it opens a popup with the session; outside tmux it attaches. Detach as usual (prefix d) to come back.
    `,
    examples: [
      ['Attach to a session by name', '$0 attach claude-auth'],
      ['Attach by id prefix, read-only', '$0 attach 3f2a --read-only'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  readOnly = Option.Boolean('-r,--read-only', false, { description: 'Attach read-only (outside tmux or in a popup)' });

  async run(): Promise<number> {
    const found = await resolveSession(this.session);
    const { server } = found;
    let view = found.view;
    if (view.state === 'hibernated') {
      // Wakes it: its conversation is resumed in a new tmux session, then the terminal attaches.
      const { wakeView } = await import('../core/resume.js');
      view = await wakeView(await this.core(), view);
    }
    if (view.state === 'lost') throw new AmuxError(`${view.record.name} is lost: tmux no longer has it (amux rm ${view.record.name} to forget it)`);
    return attachTo(server, view.record, { readOnly: this.readOnly });
  }
}

export const commands = [AttachCommand];
