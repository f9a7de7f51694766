import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { resolveSession } from './context.js';
import { AmuxError } from '../util/errors.js';
import { removeSession } from '../session/lifecycle.js';
import { buildViews } from '../session/view.js';

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
    let failed = 0;
    for (const ref of this.sessions) {
      try {
        const { server, registry, view } = await resolveSession(ref);
        const live = view.state !== 'exited' && view.state !== 'lost';
        if (live && !this.force) throw new AmuxError(`${view.record.name} is still running (${view.state}): stop it first (amux stop ${view.record.name}) or use --force`);
        await removeSession(server, view, { keepLogs: this.keepLogs }, registry);
        this.out(`removed ${view.record.name}`);
        const ws = view.record.workspace;
        if (ws && !this.keepWorkspace) {
          // Another session still working there keeps the workspace.
          const others = buildViews(
            registry.list().filter((r) => r.workspace === ws && r.project === view.record.project && r.tmux.socket === server.label),
            await server.listPanes(),
          ).filter((v) => v.state !== 'lost');
          if (others.length > 0) {
            this.err(`kept workspace ${ws}: ${others.length} other session(s) use it`);
            continue;
          }
          const { loadConfig } = await import('../config/load.js');
          const { removeWorkspace } = await import('../workspace/worktrees.js');
          try {
            await removeWorkspace(loadConfig({ cwd: view.record.project }), ws, { force: false });
            this.out(`removed workspace ${ws}`);
          } catch (e) {
            this.err(`kept workspace ${ws}: ${(e as Error).message}`);
          }
        }
      } catch (e) {
        this.err(`amux: ${(e as Error).message}`);
        failed++;
      }
    }
    return failed ? 1 : 0;
  }
}

export const commands = [RmCommand];
