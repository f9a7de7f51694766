import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { UsageError } from '../util/errors.js';
import { readTranscript } from '../core/transcript.js';

export class TranscriptCommand extends AmuxCommand {
  static override paths = [['transcript']];
  static override usage = Command.Usage({
    description: "print a session's readable history",
    details: `
      Plays the session's raw log (across rotations) through a terminal emulator, so a full-screen agent's redraws become the lines you saw on screen, once each, instead of the frames glued together that \`amux logs\` shows. Works after the session ended, until \`amux rm\`.

      \`--since\` takes an ISO time or a duration ago (10m, 2h, 1d). \`--raw\` keeps colours and attributes as escape sequences; \`--html\` prints an HTML page.
    `,
    examples: [
      ['What a session showed, as text', '$0 transcript claude-auth'],
      ['The last hour', '$0 transcript claude-auth --since 1h'],
      ['An HTML page with colours', '$0 transcript claude-auth --html > auth.html'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  since = Option.String('--since', { description: 'Only what was drawn since this time (ISO) or duration ago (10m, 2h)' });
  raw = Option.Boolean('--raw', false, { description: 'Keep colours and attributes as escape sequences' });
  html = Option.Boolean('--html', false, { description: 'Print HTML' });

  async run(): Promise<number> {
    if (this.raw && this.html) throw new UsageError('--raw or --html, not both');
    const r = await readTranscript(await this.core(), { session: this.session, since: this.since, format: this.html ? 'html' : this.raw ? 'ansi' : 'text' });
    this.context.stdout.write(r.text);
    return 0;
  }
}

export const commands = [TranscriptCommand];
