import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { listSessions, removeSession } from '../core/sessions.js';
import { isLive, type State } from '../state/model.js';

export class RmCommand extends AmuxCommand {
  static override paths = [['rm']];
  static override usage = Command.Usage({
    description: 'remove a session: its tmux session, record and logs (and its workspace when nothing else needs it)',
    details: `
      A live session is refused unless \`--force\` (stop it first with amux stop). The session's workspace is removed too when no other session uses it and it holds no uncommitted changes or unmerged commits; otherwise it is kept and you are told why. \`--keep-workspace\` always keeps it; \`--keep-logs\` keeps the log file.
    `,
    examples: [
      ['Remove an exited session', '$0 rm claude-auth'],
      ['Kill and remove a live session, keeping its worktree', '$0 rm claude-auth --force --keep-workspace'],
      ['Clean up every exited and lost session, without asking', '$0 rm --exited --lost --yes'],
    ],
  });

  sessions = Option.Rest({ name: 'SESSION' });
  exited = Option.Boolean('--exited', false, { description: 'Remove every exited session' });
  lost = Option.Boolean('--lost', false, { description: 'Remove every lost session' });
  tag = Option.String('--tag', { description: 'Remove every session with this tag (live ones need --force)' });
  all = Option.Boolean('-a,--all', false, { description: 'Remove every session of this server (live ones need --force)' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Do not ask before removing several' });
  force = Option.Boolean('-f,--force', false, { description: 'Remove live sessions too (kills them)' });
  keepWorkspace = Option.Boolean('--keep-workspace', false, { description: "Keep the session's workspace" });
  keepLogs = Option.Boolean('--keep-logs', false, { description: 'Keep the log file' });

  async run(): Promise<number> {
    const ctx = await this.core();
    const bulk = this.exited || this.lost || this.all || this.tag !== undefined;
    if (bulk && this.sessions.length) throw new UsageError('give sessions, or --exited / --lost / --tag / --all, not both');
    if (!bulk && !this.sessions.length) throw new UsageError('which session? (or --exited, --lost, --tag T, --all)');
    let refs = this.sessions;
    if (bulk) {
      const states: State[] | undefined = this.exited || this.lost ? [...(this.exited ? (['exited'] as const) : []), ...(this.lost ? (['lost'] as const) : [])] : undefined;
      const { sessions } = await listSessions(ctx, { all: true, tag: this.tag, states });
      // Without --force a live one would be refused anyway: say so once, and leave it out.
      const live = sessions.filter((s) => isLive(s.state));
      const chosen = this.force ? sessions : sessions.filter((s) => !isLive(s.state));
      if (live.length && !this.force) this.err(`amux: keeping ${live.length} live session(s) (${live.map((s) => s.name).join(', ')}): --force removes them too`);
      if (!(await this.confirmMany('Remove', chosen.map((s) => s.name), this.yes))) return 1;
      if (!chosen.length) this.out('no sessions to remove');
      refs = chosen.map((s) => s.id);
    }
    let failed = 0;
    for (const ref of refs) {
      try {
        const r = await removeSession(ctx, { session: ref, force: this.force, keepWorkspace: this.keepWorkspace, keepLogs: this.keepLogs });
        this.out(`removed ${r.session}`);
        if (r.workspace?.removed) this.out(`removed workspace ${r.workspace.name}`);
        else if (r.workspace && !this.keepWorkspace) this.err(`kept workspace ${r.workspace.name}: ${r.workspace.reason}`);
      } catch (e) {
        this.err(`amux: ${(e as Error).message}${e instanceof AmuxError && e.hint ? ` (${e.hint})` : ''}`);
        failed++;
      }
    }
    return failed ? 1 : 0;
  }
}

export const commands = [RmCommand];
