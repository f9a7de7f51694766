import { Command } from 'clipanion';
import { AmuxCommand } from './base.js';
import { AmuxError } from '../util/errors.js';
import { helpText } from '../tui/keys.js';

const keysHelp = helpText;

export class TuiCommand extends AmuxCommand {
  static override paths = [['tui']];
  static override usage = Command.Usage({
    description: 'open the dashboard: every session, its state and a live preview',
    details: `
      A full-screen view of every amux session on the tmux server: state (waiting and stuck first) with time in state, last output, and a live preview of the selected session's screen with its colours.

      Keys (\`?\` shows them in the TUI):

${keysHelp()}

      The config (.amux/config.yaml) is watched: edits to agents apply at once; an invalid edit shows its error and the last good config stays in use.
    `,
    examples: [
      ['Open the dashboard', '$0 tui'],
      ['Watch the sessions of another tmux server', 'AMUX_TMUX_SOCKET=work $0 tui'],
    ],
  });

  async run(): Promise<number> {
    if (!process.stdout.isTTY || !process.stdin.isTTY) throw new AmuxError('amux tui needs a terminal (use amux ps --watch in scripts)');
    const ctx = await this.core();
    const { runTui } = await import('../tui/app.js');
    return runTui({ ctx });
  }
}

export const commands = [TuiCommand];
