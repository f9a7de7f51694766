import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from '../base.js';
import { createWorkspace } from '../../core/workspaces.js';
import { WORKSPACE_INTRO } from './intro.js';

/** `amux ws create NAME`: a new worktree; progress and setup output on stderr, the path on stdout. */
export class WsCreateCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'create'],
    ['workspace', 'create'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: 'create a workspace: a git worktree on its own branch',
    details: `
      ${WORKSPACE_INTRO}

      The worktree starts from \`--base\` (a branch, tag or commit), else \`workspaces.baseBranch\`, else the main checkout's HEAD. Files matching the \`workspaces.copy\` globs (git-ignored ones such as \`.env\` included) are copied in from the main checkout, then each \`workspaces.setup\` command runs in the new worktree with its output shown. If a setup command fails, the workspace is kept and the command and its exit code are reported.

      With \`--branch\`, an existing branch is checked out as it is; a new one is created from the base.
    `,
    examples: [
      ['Create workspace auth on branch amux/auth from HEAD', '$0 ws create auth'],
      ['Start from the develop branch', '$0 ws create auth --base develop'],
      ['Use a branch name of your own', '$0 ws create auth --branch feature/auth'],
    ],
  });

  name = Option.String({ name: 'NAME' });
  base = Option.String('--base', { description: 'Commit, branch or tag to start from (default: workspaces.baseBranch, else HEAD)' });
  branch = Option.String('-b,--branch', { description: 'Branch for the worktree (default: amux/NAME)' });
  jsonOut = jsonOption('the new workspace');

  async run(): Promise<number> {
    const ctx = await this.core({ tmux: false });
    const { workspace } = await createWorkspace(ctx, { name: this.name, base: this.base, branch: this.branch });
    if (this.jsonOut) this.json(workspace);
    else this.out(workspace.path);
    return 0;
  }
}

export const commands = [WsCreateCommand];
