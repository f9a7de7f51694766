import { Command, Option } from 'clipanion';
import { AmuxCommand } from '../base.js';
import { removeWorkspace, checkName } from '../../core/workspaces.js';

/** `amux ws rm NAME...`: each removed or refused on its own; exit 1 when any was refused. */
export class WsRmCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'rm'],
    ['ws', 'remove'],
    ['workspace', 'rm'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: 'remove a workspace: its worktree and its branch',
    details: `
      Removes the worktree, deletes the branch amux created for it and forgets the workspace. Refused while the workspace has live amux sessions, uncommitted changes (untracked files included) or commits that no other branch has; \`--force\` removes it anyway (commits only on its branch are then lost, and live sessions are left running in a deleted directory).

      A workspace whose directory was deleted by hand is cleaned up (its branch is kept if it holds unmerged commits, unless \`--force\`). A branch that existed before the workspace (\`ws create --branch\`) is never deleted.
    `,
    examples: [
      ['Remove workspace auth', '$0 ws rm auth'],
      ['Remove it even with unmerged work', '$0 ws rm auth --force'],
    ],
  });

  names = Option.Rest({ name: 'NAME', required: 1 });
  force = Option.Boolean('-f,--force', false, { description: 'Remove despite live sessions, uncommitted changes or unmerged commits' });

  async run(): Promise<number> {
    // Every name is checked before anything is removed: one typo must not leave a half-done batch.
    for (const n of this.names) checkName(n);
    const ctx = await this.core({ tmux: false });
    let failed = 0;
    for (const n of this.names) {
      try {
        const r = await removeWorkspace(ctx, { name: n, force: this.force });
        for (const w of r.warnings) this.err(`warning: ${w}`);
        const branch = r.deletedBranch ? `deleted branch ${r.branch}` : r.keptBranch ? `kept branch ${r.branch}: ${r.keptBranch}` : '';
        this.out(`removed workspace ${r.name}${r.removedDir ? '' : ' (its directory was already gone)'}${branch ? `; ${branch}` : ''}`);
      } catch (e) {
        if (this.names.length === 1) throw e;
        this.err(`amux: ${(e as Error).message}`);
        failed++;
      }
    }
    return failed ? 1 : 0;
  }
}

export const commands = [WsRmCommand];
