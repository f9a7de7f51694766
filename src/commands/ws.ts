import { Command, Option } from 'clipanion';
import { relative, isAbsolute } from 'node:path';
import { AmuxCommand } from './base.js';
import { renderTable, truncate } from '../util/table.js';
import type { AmuxConfig } from '../config/types.js';
import type { WorkspaceStatus } from '../workspace/worktrees.js';
import { validateName } from '../tmux/names.js';

const validateWorkspaceName = (name: string) => validateName(name, 'workspace name');

/**
 * `amux ws ...`: git worktree workspaces. The work is in src/workspace/; these classes parse
 * arguments and print.
 */

async function config(): Promise<AmuxConfig> {
  const { loadConfig } = await import('../config/load.js');
  return loadConfig({ cwd: process.cwd() });
}

/** A path as the user would like to read it: relative to the cwd when it lies below it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The public JSON shape of a workspace (list and show). */
export function workspaceJson(w: WorkspaceStatus) {
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

const WORKSPACE_INTRO = `
  A workspace is a git worktree at \`.amux/workspaces/NAME\` (\`workspaces.root\` in .amux/config.yaml) on its own branch \`amux/NAME\`, so several agents can work on one repository side by side. \`amux run AGENT --workspace NAME\` runs an agent in one (creating it when missing).
`;

export class WsCreateCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'create'],
    ['workspace', 'create'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: 'create a workspace: a git worktree on its own branch',
    details: `
      ${WORKSPACE_INTRO.trim()}

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
  jsonOut = Option.Boolean('--json', false, { description: 'Print the new workspace as JSON' });

  async run(): Promise<number> {
    validateWorkspaceName(this.name);
    const { createWorkspace, workspaceStatus } = await import('../workspace/worktrees.js');
    const cfg = await config();
    const res = await createWorkspace(cfg, this.name, {
      base: this.base,
      branch: this.branch,
      log: (l) => this.err(l),
      output: this.context.stderr,
    });
    if (this.jsonOut) this.json(workspaceJson(await workspaceStatus(cfg, res.name)));
    else this.out(res.path);
    return 0;
  }
}

export class WsListCommand extends AmuxCommand {
  static override paths = [['ws', 'list'], ['ws', 'ls'], ['ws'], ['workspace', 'list'], ['workspace']];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: "list the project's workspaces",
    details: `
      ${WORKSPACE_INTRO.trim()}

      Columns: NAME, BRANCH, AHEAD (commits since the base), CHANGES (uncommitted files, untracked included), SESSIONS (live amux sessions there), STATE and PATH. STATE is \`ok\`, \`missing\` (the directory was deleted by hand: \`amux ws prune\` or \`amux ws rm\` cleans it up) or \`broken\` (the directory is there but git does not know it as a worktree).

      \`--json\` prints an array of objects: name, branch, path, dir, state, base, baseRef, head, dirty, changes, ahead, unmerged, sessions (a count), liveSessions, ownsBranch, locked, setup, createdAt.
    `,
    examples: [
      ['List workspaces', '$0 ws list'],
      ['As JSON, for scripts', '$0 ws list --json'],
    ],
  });

  jsonOut = Option.Boolean('--json', false, { description: 'Print JSON' });

  async run(): Promise<number> {
    const { listWorkspaceStatus } = await import('../workspace/worktrees.js');
    const all = await listWorkspaceStatus(await config());
    if (this.jsonOut) {
      this.json(all.map(workspaceJson));
      return 0;
    }
    if (all.length === 0) {
      this.err('no workspaces (create one with amux ws create NAME, or amux run AGENT --workspace NAME)');
      return 0;
    }
    const rows = all.map((w) => [
      w.name,
      truncate(w.branch, 30),
      w.ahead === null ? '-' : String(w.ahead),
      w.dirty === null ? '-' : String(w.changes.length),
      String(w.sessions.length),
      w.state,
      shown(w.path),
    ]);
    this.context.stdout.write(renderTable(['NAME', 'BRANCH', 'AHEAD', 'CHANGES', 'SESSIONS', 'STATE', 'PATH'], rows));
    return 0;
  }
}

export class WsShowCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'show'],
    ['workspace', 'show'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: 'show one workspace: branch, base, changes, sessions',
    details: `
      Shows the workspace's path, branch, base, state, commits since the base, commits that no other branch has (deleting the branch would lose them), uncommitted files and live sessions. \`--json\` prints the same object as one element of \`amux ws list --json\`.
    `,
    examples: [
      ['Show workspace auth', '$0 ws show auth'],
      ['As JSON', '$0 ws show auth --json'],
    ],
  });

  name = Option.String({ name: 'NAME' });
  jsonOut = Option.Boolean('--json', false, { description: 'Print JSON' });

  async run(): Promise<number> {
    validateWorkspaceName(this.name);
    const { workspaceStatus } = await import('../workspace/worktrees.js');
    const w = await workspaceStatus(await config(), this.name);
    if (this.jsonOut) {
      this.json(workspaceJson(w));
      return 0;
    }
    const lines = [
      `name:      ${w.name}`,
      `state:     ${w.state}${w.state === 'missing' ? ' (directory deleted: amux ws prune or amux ws rm cleans it up)' : ''}`,
      `path:      ${w.path}`,
      `branch:    ${w.branch}${w.ownsBranch ? '' : ' (not created by amux: kept on removal)'}`,
      `base:      ${w.base ? `${w.baseRef && w.baseRef !== w.base ? `${w.baseRef} ` : ''}${w.base.slice(0, 12)}` : '-'}`,
      `ahead:     ${w.ahead ?? '-'} commit(s) since the base`,
      `unmerged:  ${w.unmerged ?? '-'} commit(s) on no other branch`,
      `changes:   ${w.dirty === null ? '-' : w.changes.length ? `${w.changes.length} uncommitted file(s)` : 'none'}`,
      ...w.changes.map((c) => `  ${c}`),
      `sessions:  ${w.sessions.length ? w.sessions.map((s) => `${s.name} (${s.agent})`).join(', ') : 'none'}`,
      `setup:     ${w.setup ?? '-'}`,
      `created:   ${w.createdAt ?? '-'}`,
    ];
    if (w.locked) lines.push('locked:    yes (git worktree unlock)');
    this.out(lines.join('\n'));
    return 0;
  }
}

export class WsPathCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'path'],
    ['workspace', 'path'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: "print a workspace's directory",
    examples: [['Go to workspace auth', 'cd "$($0 ws path auth)"']],
  });

  name = Option.String({ name: 'NAME' });

  async run(): Promise<number> {
    validateWorkspaceName(this.name);
    const { getWorkspace } = await import('../workspace/worktrees.js');
    const w = await getWorkspace(await config(), this.name);
    if (!w) {
      const { NotFoundError } = await import('../util/errors.js');
      throw new NotFoundError(`no workspace "${this.name}" (see amux ws list)`);
    }
    this.out(w.dir);
    return w.state === 'ok' ? 0 : 1;
  }
}

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
    for (const n of this.names) validateWorkspaceName(n);
    const { removeWorkspace } = await import('../workspace/worktrees.js');
    const cfg = await config();
    let failed = 0;
    for (const n of this.names) {
      try {
        const r = await removeWorkspace(cfg, n, { force: this.force });
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

  jsonOut = Option.Boolean('--json', false, { description: 'Print what was done as JSON' });

  async run(): Promise<number> {
    const { pruneWorkspaces } = await import('../workspace/worktrees.js');
    const r = await pruneWorkspaces(await config());
    if (this.jsonOut) {
      this.json(r);
      return 0;
    }
    for (const l of r.git) this.out(`git: ${l}`);
    for (const w of r.removed) {
      const branch = w.deletedBranch ? `deleted branch ${w.branch}` : w.keptBranch ? `kept branch ${w.branch}: ${w.keptBranch}` : `branch ${w.branch} was already gone`;
      this.out(`pruned workspace ${w.name} (directory ${w.path} was gone); ${branch}`);
    }
    for (const b of r.broken) this.err(`left workspace ${b} alone: its directory is there but git does not know it as a worktree (amux ws rm ${b} --force removes it)`);
    if (r.git.length === 0 && r.removed.length === 0) this.out('nothing to prune');
    return 0;
  }
}

export class WsDiffCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'diff'],
    ['workspace', 'diff'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: 'show what a workspace changed against its base',
    details: `
      Shows every change the workspace made since its base, committed or not: \`git diff\` from the merge base of the base and the workspace to its working tree, followed by the untracked files (files copied in at creation and left unchanged are not listed).
    `,
    examples: [
      ['The full patch', '$0 ws diff auth'],
      ['Just the files and line counts', '$0 ws diff auth --stat'],
    ],
  });

  name = Option.String({ name: 'NAME' });
  stat = Option.Boolean('--stat', false, { description: 'Show a diffstat instead of the patch' });

  async run(): Promise<number> {
    validateWorkspaceName(this.name);
    const { workspaceDiff } = await import('../workspace/worktrees.js');
    const color = !process.env.NO_COLOR && process.stdout.isTTY === true && process.env.TERM !== 'dumb';
    const d = await workspaceDiff(await config(), this.name, { stat: this.stat, color });
    if (d.diff) this.context.stdout.write(d.diff.endsWith('\n') ? d.diff : d.diff + '\n');
    if (d.untracked.length) {
      this.out(`${d.diff ? '\n' : ''}Untracked files:`);
      for (const f of d.untracked) this.out(`  ${f}`);
    }
    if (!d.diff && !d.untracked.length) this.err(`workspace ${this.name} has no changes against ${d.against.slice(0, 12)}`);
    return 0;
  }
}

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
  jsonOut = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async run(): Promise<number> {
    validateWorkspaceName(this.name);
    if (this.squash && this.noFf) {
      const { UsageError } = await import('../util/errors.js');
      throw new UsageError('--squash and --no-ff do not go together');
    }
    const { mergeWorkspace } = await import('../workspace/worktrees.js');
    const r = await mergeWorkspace(await config(), this.name, { into: this.into, squash: this.squash, noFf: this.noFf });
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

export const commands = [WsCreateCommand, WsListCommand, WsShowCommand, WsPathCommand, WsRmCommand, WsPruneCommand, WsDiffCommand, WsMergeCommand];
