import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { resolveSession } from './context.js';
import { AmuxError, UsageError } from '../util/errors.js';

export class CaptureCommand extends AmuxCommand {
  static override paths = [['capture']];
  static override usage = Command.Usage({
    description: "print a session's screen",
    details: 'Prints what the session shows now, as text (`--ansi` keeps colours). `-n N` prints the last N lines, reaching back into the scrollback when N is larger than the screen.',
    examples: [
      ['The current screen', '$0 capture claude-auth'],
      ['The last 200 lines of screen and scrollback, with colours', '$0 capture claude-auth -n 200 --ansi'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  lines = Option.String('-n,--lines', { description: 'The last N lines (history included)' });
  ansi = Option.Boolean('--ansi', false, { description: 'Keep colours and attributes' });

  async run(): Promise<number> {
    let n: number | undefined;
    if (this.lines !== undefined) {
      n = Number(this.lines);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`-n takes a positive number of lines, got "${this.lines}"`);
    }
    const { server, view } = await resolveSession(this.session);
    if (!view.pane) throw new AmuxError(`${view.record.name} is lost: tmux no longer has it`);
    const pane = server.pane(view.pane.paneId);
    let text: string;
    if (n === undefined) text = await pane.capture({ escapes: this.ansi });
    else {
      const all = (await pane.capture({ escapes: this.ansi, start: -n - view.pane.paneHeight })).replace(/\n+$/, '');
      text = all.split('\n').slice(-n).join('\n') + '\n';
    }
    this.context.stdout.write(n === undefined ? text.replace(/\n+$/, '\n') : text);
    return 0;
  }
}

export const commands = [CaptureCommand];
