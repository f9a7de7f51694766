import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { AmuxError } from '../util/errors.js';
import { removeSession } from '../core/sessions.js';

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
    ],
  });

  sessions = Option.Rest({ name: 'SESSION', required: 1 });
  force = Option.Boolean('-f,--force', false, { description: 'Remove live sessions too (kills them)' });
  keepWorkspace = Option.Boolean('--keep-workspace', false, { description: "Keep the session's workspace" });
  keepLogs = Option.Boolean('--keep-logs', false, { description: 'Keep the log file' });

  async run(): Promise<number> {
    const ctx = await this.core();
    let failed = 0;
    for (const ref of this.sessions) {
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
