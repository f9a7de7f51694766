import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { resolveSession } from './context.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { invalidateSnapshot } from '../state/snapshot.js';

/** tmux key names amux passes through: named keys, modifiers, and single characters. */
const KEY = /^((C-|M-|S-)*([A-Za-z0-9]|F([1-9]|1[0-2])|Enter|Escape|Tab|BTab|Space|BSpace|Up|Down|Left|Right|Home|End|PageUp|PageDown|PPage|NPage|DC|IC|Delete|Insert))$/;

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
    for (const k of this.keys) if (!KEY.test(k)) throw new UsageError(`not a key name: "${k}" (use Enter, Escape, C-c, Up, y, ...; to type text use amux send)`);
    const { server, view } = await resolveSession(this.session);
    if (!view.pane || view.pane.paneDead) throw new AmuxError(`${view.record.name} is ${view.state}: it takes no keys`);
    await server.pane(view.pane.paneId).sendKeys(this.keys);
    invalidateSnapshot(server.socket);
    return 0;
  }
}

export const commands = [KeysCommand];
