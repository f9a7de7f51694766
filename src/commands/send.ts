import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { sendPrompt } from '../core/sessions.js';
import { UsageError } from '../util/errors.js';
import { readPromptFile, readPromptStdin } from './prompt-input.js';
import { parseDuration } from '../util/duration.js';
import { TIMEOUT_EXIT } from './await.js';

/** `amux send`'s exit code when the turn ended at a question or a permission dialog. */
export const WAITING_EXIT = 3;

export class SendCommand extends AmuxCommand {
  static override paths = [['send']];
  static override usage = Command.Usage({
    description: 'send a prompt to a session and print the reply',
    details: `
      Waits until the agent can take input (idle), types TEXT literally (newlines kept, bracketed paste; nothing in it is interpreted), presses Enter, confirms the turn started, then waits for the turn to end and prints what the agent wrote. \`--no-wait\` returns once the prompt is delivered.

      Control characters other than tab and newline (ESC, CR, C-c, ...) are refused, never typed: press keys with \`amux keys\`. A file or standard input must be UTF-8.

      The text comes from the argument, from \`--file F\`, or from standard input with \`-\`. Sending to an exited session is an error.

      Exit codes: 0 the turn ended at the prompt; ${WAITING_EXIT} the turn stopped at a question or permission dialog that a person must answer (\`amux keys\`); ${TIMEOUT_EXIT} with \`--timeout\`, the turn did not end in time; 1 the session exited during the turn, or another error.

      To a plain shell, the turn is the command typed: it ends when the shell is back in the foreground, however long the command stays quiet.
    `,
    examples: [
      ['Ask and print the reply', "$0 send claude-auth 'summarise the failing tests'"],
      ['Send a long prompt from a file, do not wait', '$0 send claude-auth --file task.md --no-wait'],
      ['From a pipe', "git diff | $0 send reviewer -"],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  text = Option.String({ name: 'TEXT', required: false });
  file = Option.String('-f,--file', { description: 'Read the prompt from this file' });
  noWait = Option.Boolean('--no-wait', false, { description: 'Return once the prompt is delivered' });
  timeout = Option.String('--timeout', { description: 'Longest wait for readiness and for the reply (default: none for the reply)' });
  jsonOut = jsonOption('{session, state, output}');

  async run(): Promise<number> {
    let text: string;
    if (this.file !== undefined && this.text !== undefined) throw new UsageError('give TEXT or --file, not both');
    if (this.file !== undefined) text = readPromptFile(this.file);
    else if (this.text === '-') text = await readPromptStdin();
    else if (this.text !== undefined) text = this.text;
    else throw new UsageError('what to send? give TEXT, --file F, or - for standard input');
    text = text.replace(/\n+$/, '');
    if (text.length === 0) throw new UsageError('the prompt is empty');
    let timeoutMs: number | undefined;
    if (this.timeout !== undefined) {
      const d = parseDuration(this.timeout);
      if (d === null) throw new UsageError(`--timeout takes a duration like 30s or 5m, got "${this.timeout}"`);
      timeoutMs = d;
    }

    const res = await sendPrompt(await this.core(), { session: this.session, text, wait: !this.noWait, timeoutMs });
    const view = { record: { name: res.session } };
    if (this.jsonOut) this.json(res);
    else if (res.output) this.out(res.output);
    if (res.timedOut) {
      this.err(`amux: ${view.record.name} is still ${res.state}; the reply did not finish in time`);
      return TIMEOUT_EXIT;
    }
    if (res.state === 'waiting' && !this.noWait) {
      this.err(`amux: ${view.record.name} is waiting for an answer (amux capture ${view.record.name}; amux keys ${view.record.name} ...)`);
      return WAITING_EXIT;
    }
    if (res.state === 'exited') {
      this.err(`amux: ${view.record.name} exited during the turn`);
      return 1;
    }
    return 0;
  }
}

export const commands = [SendCommand];
