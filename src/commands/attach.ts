import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { attachView, resolveView } from '../core/sessions.js';

export class AttachCommand extends AmuxCommand {
  static override paths = [['attach'], ['a']];
  static override usage = Command.Usage({
    description: "attach your terminal to a session's tmux session",
    details: `
      Inside tmux (any server) the session opens in a popup over your client, the size of your window: detach as usual (prefix d) to close it and come back where you were. With --switch, inside tmux on the same server, your client switches to the session instead: prefix L (tmux's last-session key) goes back, and prefix d then leaves tmux altogether. Outside tmux it attaches this terminal; detach (prefix d) to come back to your shell.
    `,
    examples: [
      ['Attach to a session by name', '$0 attach claude-auth'],
      ['Attach by id prefix, read-only', '$0 attach 3f2a --read-only'],
      ['Inside tmux: switch your client instead of a popup', '$0 attach claude-auth --switch'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  readOnly = Option.Boolean('-r,--read-only', false, { description: 'Attach read-only (outside tmux or in a popup)' });
  switch = Option.Boolean('--switch', false, { description: 'Inside tmux on the same server: switch your client to the session instead of a popup' });

  async run(): Promise<number> {
    const ctx = await this.core();
    const view = await resolveView(ctx, this.session);
    return (await attachView(ctx, view, { readOnly: this.readOnly, switch: this.switch })).code;
  }
}

export const commands = [AttachCommand];
