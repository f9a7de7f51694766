import { Command, Option } from 'clipanion';
import { AmuxCommand, parseCount } from './base.js';
import { captureSession } from '../core/sessions.js';

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
    const r = await captureSession(await this.core(), { session: this.session, lines: parseCount(this.lines, 1), ansi: this.ansi });
    this.context.stdout.write(r.text);
    return 0;
  }
}

export const commands = [CaptureCommand];
