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
      ['Attach to a session on host buildbox (over ssh -t)', '$0 attach buildbox:claude-auth'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  readOnly = Option.Boolean('-r,--read-only', false, { description: 'Attach read-only (outside tmux or in a popup)' });

  async run(): Promise<number> {
    if (this.session.includes(':')) {
      const [{ attachHost }, { openContext }] = await Promise.all([import('../core/hosts.js'), import('../core/context.js')]);
      return attachHost(await openContext({ skipVersionCheck: true }), this.session, { readOnly: this.readOnly });
    }
    const { server, view } = await resolveSession(this.session);
    if (view.state === 'lost') throw new AmuxError(`${view.record.name} is lost: tmux no longer has it (amux rm ${view.record.name} to forget it)`);
    return attachTo(server, view.record, { readOnly: this.readOnly });
  }
}

export const commands = [AttachCommand];
