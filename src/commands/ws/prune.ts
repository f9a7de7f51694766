import { Command } from 'clipanion';
import { AmuxCommand, jsonOption } from '../base.js';
import { pruneWorkspaces } from '../../core/workspaces.js';

/** `amux ws prune`: what git pruned, each workspace forgotten (and its branch's fate), those left alone. */
export class WsPruneCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'prune'],
    ['workspace', 'prune'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: 'forget workspaces whose directories were deleted',
    details: `
      Runs \`git worktree prune\`, then forgets every workspace whose directory is gone. Their branches are deleted when all their commits are on other branches too, and kept (and reported) otherwise.
    `,
    examples: [['Clean up after deleting worktree folders by hand', '$0 ws prune']],
  });

  jsonOut = jsonOption('what was done');

  async run(): Promise<number> {
    const r = await pruneWorkspaces(await this.core({ tmux: false }));
    if (this.jsonOut) {
      this.json(r);
      return 0;
    }
    for (const f of r.forgotten) this.out(`forgot git worktree ${f.worktree} (not an amux workspace): ${f.reason}`);
    for (const w of r.removed) {
      const branch = w.deletedBranch ? `deleted branch ${w.branch}` : w.keptBranch ? `kept branch ${w.branch}: ${w.keptBranch}` : `branch ${w.branch} was already gone`;
      this.out(`pruned workspace ${w.name} (directory ${w.path} was gone); ${branch}`);
    }
    for (const b of r.broken) this.err(`left workspace ${b} alone: its directory is there but git does not know it as a worktree (amux ws rm ${b} --force removes it)`);
    if (r.forgotten.length === 0 && r.removed.length === 0) this.out('nothing to prune');
    return 0;
  }
}

export const commands = [WsPruneCommand];
