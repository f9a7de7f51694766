import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { sendKeys } from '../core/sessions.js';

export class KeysCommand extends AmuxCommand {
  static override paths = [['keys']];
  static override usage = Command.Usage({
    description: 'send key presses to a session (answer dialogs)',
    details: `
      Each KEY is a tmux key name: \`Enter\`, \`Escape\`, \`Tab\`, \`Up\`, \`Down\`, \`C-c\`, \`M-x\`, \`F1\`, or a single character such as \`y\` or \`1\`. To type text, use amux send.
    `,
    examples: [
      ['Approve a permission prompt (option 1)', '$0 keys claude-auth 1'],
      ['Press Escape to cancel a dialog', '$0 keys claude-auth Escape'],
      ['Interrupt', '$0 keys claude-auth C-c'],
      ['Move down and confirm', '$0 keys claude-auth Down Enter'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  keys = Option.Rest({ name: 'KEY', required: 1 });

  async run(): Promise<number> {
    await sendKeys(await this.core(), { session: this.session, keys: this.keys });
    return 0;
  }
}

export const commands = [KeysCommand];
