/** What a workspace is: the opening of `amux ws create --help` and `amux ws list --help`. */
export const WORKSPACE_INTRO =
  'A workspace is a git worktree at `.amux/workspaces/NAME` (`workspaces.root` in .amux/config.yaml) on its own branch `amux/NAME`, so several agents can work on one repository side by side. `amux run AGENT --workspace NAME` runs an agent in one (creating it when missing).';
