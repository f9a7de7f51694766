import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { resumeSessions, restartSession, type Resumed } from '../core/resume.js';

const said = (r: Resumed): string =>
  r.how === 'resumed'
    ? `${r.session}: resumed in conversation ${r.conversation}`
    : r.how === 'fresh'
      ? `${r.session}: started with a new conversation${r.conversation ? ` ${r.conversation}` : ''}`
      : `${r.session}: started again (its agent has no conversation to continue)`;

export class ResumeCommand extends AmuxCommand {
  static override paths = [['resume']];
  static override usage = Command.Usage({
    description: 'relaunch lost or hibernated sessions in their conversations',
    details: `
      After the tmux server died or the machine rebooted, \`amux ps --all\` lists the sessions as \`lost\`. \`amux resume\` starts each again in the same folder (its worktree), with the same agent, environment, name and tags, and continues the agent's own conversation by its id: Claude Code with \`--resume ID\` (the id amux assigned, or the one its SessionStart hook last reported, e.g. after /clear), Codex with \`codex resume ID\`.

      When the conversation file is not where the agent will look (deleted, or another CLAUDE_CONFIG_DIR / CODEX_HOME), the session is not resumed: that would start a blank conversation under the old id. \`--fresh\` starts it with a new conversation instead. Agents with no conversation id (a shell, aider) simply start again.
    `,
    examples: [
      ['Resume one session', '$0 resume claude-auth'],
      ['Everything lost or hibernated', '$0 resume --all'],
      ['Every lost session', '$0 resume --lost'],
      ['Start anew when the conversation is gone', '$0 resume claude-auth --fresh'],
    ],
  });

  sessions = Option.Rest({ name: 'SESSION' });
  all = Option.Boolean('-a,--all', false, { description: 'Every lost or hibernated session of this server (not archived ones)' });
  lost = Option.Boolean('--lost', false, { description: 'Every lost session of this server' });
  fresh = Option.Boolean('--fresh', false, { description: 'Start a new conversation when the old one cannot be continued' });
  jsonOut = jsonOption('what was resumed and what failed');

  async run(): Promise<number> {
    const ctx = await this.core();
    const r = await resumeSessions(ctx, { sessions: this.sessions, all: this.all, lost: this.lost, fresh: this.fresh });
    if (this.jsonOut) this.json(r);
    else {
      for (const x of r.resumed) this.out(said(x));
      if (r.resumed.length === 0 && r.failed.length === 0) this.out('nothing to resume (amux ps --all lists every session)');
    }
    for (const f of r.failed) this.err(`amux: ${f.message}${f.hint ? ` (${f.hint})` : ''}`);
    return r.failed.length ? 1 : 0;
  }
}

export class RestartCommand extends AmuxCommand {
  static override paths = [['restart']];
  static override usage = Command.Usage({
    description: 'start an exited session again with the same spec',
    details: `
      Starts an exited (or lost) session again: same folder, agent, environment, name and tags, in the same conversation when the agent still has it, else in a new one (said in the output). \`--fresh\` always starts a new conversation.
    `,
    examples: [
      ['Restart an exited session', '$0 restart claude-auth'],
      ['Restart it with a new conversation', '$0 restart claude-auth --fresh'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  fresh = Option.Boolean('--fresh', false, { description: 'Start a new conversation' });
  jsonOut = jsonOption('the restarted session');

  async run(): Promise<number> {
    const r = await restartSession(await this.core(), { session: this.session, fresh: this.fresh });
    if (this.jsonOut) this.json(r);
    else this.out(said(r));
    return 0;
  }
}

export const commands = [ResumeCommand, RestartCommand];
