import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from '../base.js';
import { mergeWorkspace } from '../../core/workspaces.js';

/** `amux ws merge NAME`: one line saying what happened to the target branch. */
export class WsMergeCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'merge'],
    ['workspace', 'merge'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: "merge a workspace's branch back",
    details: `
      Merges the workspace's branch into the main checkout's current branch, or into \`--into BRANCH\`. Refused when the workspace has uncommitted changes (commit them first) or when the checkout being merged into has uncommitted changes or a merge in progress.

      On a conflict the merge is aborted, so nothing is left half done, and the conflicting files are listed (exit 1). A target branch that is checked out nowhere is merged without touching any files (\`git merge-tree\`).
    `,
    examples: [
      ['Merge workspace auth into the current branch', '$0 ws merge auth'],
      ['Squash it into one commit on main', '$0 ws merge auth --into main --squash'],
    ],
  });

  name = Option.String({ name: 'NAME' });
  into = Option.String('--into', { description: "Branch to merge into (default: the main checkout's current branch)" });
  squash = Option.Boolean('--squash', false, { description: 'Make one commit of all the workspace changes' });
  noFf = Option.Boolean('--no-ff', false, { description: 'Always create a merge commit' });
  jsonOut = jsonOption('the result');

  async run(): Promise<number> {
    const r = await mergeWorkspace(await this.core({ tmux: false }), { name: this.name, into: this.into, squash: this.squash, noFf: this.noFf });
    if (this.jsonOut) {
      this.json(r);
      return 0;
    }
    const where = r.checkout ? '' : ' (not checked out: updated the branch only)';
    const what = {
      'up-to-date': `${r.into} already has everything from ${r.branch}`,
      'fast-forward': `fast-forwarded ${r.into} to ${r.branch} (${r.commit.slice(0, 8)})${where}`,
      merge: `merged ${r.branch} into ${r.into} (${r.commit.slice(0, 8)})${where}`,
      squash: `squash-merged ${r.branch} into ${r.into} (${r.commit.slice(0, 8)})${where}`,
    }[r.how];
    this.out(what);
    return 0;
  }
}

export const commands = [WsMergeCommand];
