/**
 * Workspace use cases: create, list, show, diff, merge, remove, prune, path. A workspace is a git
 * worktree of the project on its own branch (src/workspace/worktrees.ts does the git work). Each
 * operation takes a context and a typed input and returns JSON-ready output (see schemas.ts);
 * progress (files copied, setup commands and their output) goes to `ctx.observer.progress`, so
 * the CLI shows it on stderr and the TUI on its status line. Refusals are AmuxErrors with a code:
 * `conflict` for a merge conflict, uncommitted work, live sessions or a name in use; `not_found`
 * for an unknown workspace; `usage` for a bad name or bad options.
 */
import type { CoreContext } from './context.js';
import { NotFoundError, UsageError } from '../util/errors.js';
import { validateName } from '../tmux/names.js';
import type { LiveSession, MergeResult, PruneResult, RemoveResult, WorkspaceOptions, WorkspaceState, WorkspaceStatus } from '../workspace/worktrees.js';

/** Loaded on first use: the TUI holds this module from start-up but opens workspaces rarely. */
const worktrees = () => import('../workspace/worktrees.js');

/** Validated before anything is read, so a bad name is a usage error even outside a repository. */
/** A workspace name as every operation checks it (surfaces check a whole list first with it). */
export function checkName(name: string): void {
  validateName(name, 'workspace name');
}

/** A workspace with its status, as every surface shows it (`ws list --json`, `ws show --json`). */
export interface WorkspaceInfo {
  name: string;
  branch: string;
  /** The worktree's top directory. */
  path: string;
  /** Where the project lives inside the worktree: the directory to run agents in. */
  dir: string;
  state: WorkspaceState;
  /** The commit the workspace started from (null for a worktree amux did not create). */
  base: string | null;
  /** The base as the user named it. */
  baseRef: string | null;
  head: string | null;
  /** Uncommitted changes, untracked files included (null when the directory is missing). */
  dirty: boolean | null;
  /** `git status --porcelain` lines of those changes. */
  changes: string[];
  /** Commits since the base. */
  ahead: number | null;
  /** Commits no other branch reaches (lost if the branch is deleted). */
  unmerged: number | null;
  /** How many live amux sessions run there. */
  sessions: number;
  liveSessions: LiveSession[];
  /** Whether removing the workspace deletes its branch. */
  ownsBranch: boolean;
  locked: boolean;
  setup: 'none' | 'ok' | 'failed' | null;
  createdAt: string | null;
}

function info(w: WorkspaceStatus): WorkspaceInfo {
  return {
    name: w.name,
    branch: w.branch,
    path: w.path,
    dir: w.dir,
    state: w.state,
    base: w.base,
    baseRef: w.baseRef,
    head: w.head,
    dirty: w.dirty,
    changes: w.changes,
    ahead: w.ahead,
    unmerged: w.unmerged,
    sessions: w.sessions.length,
    liveSessions: w.sessions,
    ownsBranch: w.ownsBranch,
    locked: w.locked,
    setup: w.setup,
    createdAt: w.createdAt,
  };
}

/**
 * Why `removeWorkspace` would refuse this workspace without `force` (empty when it would not):
 * lets a surface ask for confirmation naming the blockers before it forces the removal.
 */
export async function removalBlockers(w: WorkspaceInfo): Promise<string[]> {
  return (await worktrees()).removalBlockers({ ...w, sessions: w.liveSessions });
}

/**
 * Progress lines and the setup commands' output, both to the observer line by line and in
 * order: a partial output line is flushed before the next progress line.
 */
function progressSink(ctx: CoreContext): Required<Pick<WorkspaceOptions, 'log' | 'output'>> & { flush(): void } {
  let partial = '';
  const say = (line: string) => {
    const text = line.trimEnd();
    if (text.trim()) ctx.observer.progress?.(text);
  };
  const flush = () => {
    say(partial);
    partial = '';
  };
  return {
    log: (line) => {
      flush();
      say(line);
    },
    output: {
      write: (chunk) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) say(l);
        return true;
      },
    },
    flush,
  };
}

export interface CreateWorkspaceInput {
  name: string;
  /** Commit, branch or tag to start from (default: `workspaces.baseBranch`, else the main checkout's HEAD). */
  base?: string;
  /** Branch for the worktree (default `amux/NAME`); an existing branch is checked out as it is. */
  branch?: string;
  /** Return an existing workspace instead of refusing (and restore one whose directory was deleted). */
  reuse?: boolean;
}

export interface CreateWorkspaceOutput {
  workspace: WorkspaceInfo;
  /** False when `reuse` found it already there. */
  created: boolean;
}

/**
 * Creates a workspace: worktree and branch, then the `workspaces.copy` files and the
 * `workspaces.setup` commands. A failing setup command leaves the workspace in place and throws.
 */
export async function createWorkspace(ctx: CoreContext, input: CreateWorkspaceInput): Promise<CreateWorkspaceOutput> {
  checkName(input.name);
  const config = await ctx.config();
  const wt = await worktrees();
  const sink = progressSink(ctx);
  const opts: WorkspaceOptions = { base: input.base, branch: input.branch, log: sink.log, output: sink.output };
  try {
    const res = input.reuse ? await wt.ensureWorkspace(config, input.name, opts) : await wt.createWorkspace(config, input.name, opts);
    return { workspace: info(await wt.workspaceStatus(config, res.name)), created: res.created };
  } finally {
    sink.flush();
  }
}

/** Every workspace of the project with its status; one tmux read for the live sessions of all. */
export async function listWorkspaces(ctx: CoreContext): Promise<{ workspaces: WorkspaceInfo[] }> {
  const wt = await worktrees();
  return { workspaces: (await wt.listWorkspaceStatus(await ctx.config())).map(info) };
}

export async function showWorkspace(ctx: CoreContext, input: { name: string }): Promise<WorkspaceInfo> {
  checkName(input.name);
  const wt = await worktrees();
  return info(await wt.workspaceStatus(await ctx.config(), input.name));
}

export interface WorkspacePathOutput {
  name: string;
  /** The worktree's top directory. */
  path: string;
  /** The project's directory inside it (where to `cd`). */
  dir: string;
  /** Anything but `ok` means the directory is not a usable worktree. */
  state: WorkspaceState;
}

/** Where a workspace lives, without reading its status (cheap enough for `cd "$(amux ws path W)"`). */
export async function workspacePath(ctx: CoreContext, input: { name: string }): Promise<WorkspacePathOutput> {
  checkName(input.name);
  const wt = await worktrees();
  const w = await wt.getWorkspace(await ctx.config(), input.name);
  if (!w) throw new NotFoundError(`no workspace "${input.name}" (see amux ws list)`);
  return { name: w.name, path: w.path, dir: w.dir, state: w.state };
}

export interface DiffWorkspaceInput {
  name: string;
  /** A diffstat instead of the patch. */
  stat?: boolean;
  /** Colour escapes in the diff (for a terminal). */
  color?: boolean;
}

export interface DiffWorkspaceOutput {
  workspace: string;
  /** The commit the diff is taken against: the merge base of the base and the workspace. */
  against: string;
  /** `git diff` output: committed and uncommitted changes to tracked files. */
  diff: string;
  /** Untracked files, relative to the worktree (files copied in and left unchanged are not listed). */
  untracked: string[];
}

export async function diffWorkspace(ctx: CoreContext, input: DiffWorkspaceInput): Promise<DiffWorkspaceOutput> {
  checkName(input.name);
  const wt = await worktrees();
  const d = await wt.workspaceDiff(await ctx.config(), input.name, { stat: input.stat, color: input.color });
  return { workspace: d.workspace.name, against: d.against, diff: d.diff, untracked: d.untracked };
}

export interface MergeWorkspaceInput {
  name: string;
  /** Branch to merge into (default: the main checkout's current branch). */
  into?: string;
  /** One commit of all the workspace's changes. */
  squash?: boolean;
  /** Always a merge commit, even when a fast-forward would do. */
  noFf?: boolean;
}

/**
 * Merges the workspace's branch back. Refused (`conflict`) when either side has uncommitted
 * changes; a merge conflict is aborted, so nothing is left half done, and thrown as `conflict`.
 */
export async function mergeWorkspace(ctx: CoreContext, input: MergeWorkspaceInput): Promise<MergeResult> {
  checkName(input.name);
  if (input.squash && input.noFf) throw new UsageError('--squash and --no-ff do not go together');
  const wt = await worktrees();
  return wt.mergeWorkspace(await ctx.config(), input.name, { into: input.into, squash: input.squash, noFf: input.noFf });
}

/**
 * Removes a workspace: worktree, the branch amux created for it, and its record. Refused
 * (`conflict`) while it has live sessions, uncommitted changes or commits on no other branch,
 * unless `force` (live sessions are then left running in a deleted directory: see `warnings`).
 */
export async function removeWorkspace(ctx: CoreContext, input: { name: string; force?: boolean }): Promise<RemoveResult> {
  checkName(input.name);
  const wt = await worktrees();
  return wt.removeWorkspace(await ctx.config(), input.name, { force: input.force });
}

/** `git worktree prune`, then forgets workspaces whose directories are gone (their branches kept when they hold unmerged commits). */
export async function pruneWorkspaces(ctx: CoreContext): Promise<PruneResult> {
  const wt = await worktrees();
  return wt.pruneWorkspaces(await ctx.config());
}
