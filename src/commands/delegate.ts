import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';
import { delegate } from '../core/delegate.js';
import { TIMEOUT_EXIT } from './await.js';

/** Exit code when the turn ended at a dialog that needs a person (nothing was answered). */
export const WAITING_EXIT = 3;

export class DelegateCommand extends AmuxCommand {
  static override paths = [['delegate']];
  static override usage = Command.Usage({
    description: 'hand one task to an agent in a fresh workspace and print its reply',
    details: `
      Starts AGENT in a new workspace (a git worktree), sends TASK, waits for the turn to end, prints the reply, then removes the session — and the workspace when the agent changed nothing (a changed workspace is kept: \`amux ws diff\`, \`amux ws merge\`). Nothing is answered on the agent's behalf: when the turn ends at a permission dialog, the dialog is printed, the session is kept and the exit code is ${WAITING_EXIT}.

      Exit codes: 0 the turn ended; ${WAITING_EXIT} it waits for a person; ${TIMEOUT_EXIT} the timeout passed (the session is kept); 1 any other failure.
    `,
    examples: [
      ['Ask an agent for one change', "$0 delegate claude 'add a --verbose flag to the CLI'"],
      ['Start from a branch, give it 20 minutes, keep everything', "$0 delegate codex 'fix the flaky test' --base main --timeout 20m --keep"],
      ['For a script: reply, state, workspace and diff stat', "$0 delegate claude 'summarise TODO.md' --json"],
    ],
  });

  agent = Option.String({ name: 'AGENT' });
  task = Option.String({ name: 'TASK' });
  base = Option.String('--base', { description: 'Commit, branch or tag the workspace starts from' });
  keep = Option.Boolean('--keep', false, { description: 'Keep the session and its workspace' });
  timeout = Option.String('--timeout', { description: 'Longest wait for the turn (e.g. 10m)' });
  jsonOut = jsonOption('reply, state, workspace and diff stat');

  async run(): Promise<number> {
    let timeoutMs: number | undefined;
    if (this.timeout !== undefined) {
      const d = parseDuration(this.timeout);
      if (d === null) throw new UsageError(`--timeout takes a duration like 30s or 10m, got "${this.timeout}"`);
      timeoutMs = d;
    }
    const r = await delegate(await this.core(), { agent: this.agent, task: this.task, base: this.base, keep: this.keep, timeoutMs });
    if (this.jsonOut) this.json(r);
    else {
      if (r.reply) this.out(r.reply);
      if (r.dialog) this.err(`amux: ${r.session} waits for a person:\n${r.dialog}`);
      if (r.diffStat) this.err(`changes in workspace ${r.workspace}:\n${r.diffStat}`);
      if (r.kept.session) this.err(`kept session ${r.session} and workspace ${r.workspace}`);
      else if (r.kept.workspace) this.err(`kept workspace ${r.workspace} (amux ws diff ${r.workspace}; amux ws merge ${r.workspace})`);
    }
    if (r.timedOut) return TIMEOUT_EXIT;
    if (r.state === 'waiting') return WAITING_EXIT;
    return r.state === 'idle' ? 0 : 1;
  }
}

export const commands = [DelegateCommand];
