import { existsSync, realpathSync, readFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep, dirname } from 'node:path';
import type { AmuxConfig } from '../config/types.js';
import { AmuxError } from '../util/errors.js';
import { git, gitOk } from './git.js';

/**
 * Where a project's workspaces live, worked out from git: the main checkout (the repository's
 * first worktree), the shared git directory and the absolute workspaces root. When amux runs
 * inside one of the workspaces (a linked worktree), everything maps back to the main checkout,
 * so workspaces never nest.
 */
export interface RepoContext {
  config: AmuxConfig;
  /** The project directory in the main checkout (the config's projectRoot, mapped there). */
  projectRoot: string;
  /** Top level of the main checkout. */
  mainTop: string;
  /** `projectRoot` relative to `mainTop` ('' when the project is the whole repository). */
  subdir: string;
  /** The absolute git common directory (`.git` of the main checkout). */
  commonDir: string;
  /** Absolute directory holding the workspaces (`<projectRoot>/<workspaces.root>`). */
  root: string;
}

export function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // A path that does not exist (yet): resolve its nearest existing parent.
    const parent = dirname(p);
    if (parent === p) return p;
    return join(realOrResolved(parent), p.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
  }
}

/** True when `child` is `parent` or lies under it. */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Short branch name, null when detached. */
  branch: string | null;
  bare: boolean;
  locked: boolean;
  prunable: boolean;
}

/** `git worktree list --porcelain`, parsed. The first entry is the main worktree. */
export async function listWorktrees(cwd: string): Promise<WorktreeEntry[]> {
  const out = await gitOk(cwd, ['worktree', 'list', '--porcelain'], 'git worktree list');
  const entries: WorktreeEntry[] = [];
  let cur: WorktreeEntry | null = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('worktree ')) {
      cur = { path: line.slice(9), head: null, branch: null, bare: false, locked: false, prunable: false };
      entries.push(cur);
    } else if (!cur) continue;
    else if (line.startsWith('HEAD ')) cur.head = line.slice(5);
    else if (line.startsWith('branch ')) cur.branch = line.slice(7).replace(/^refs\/heads\//, '');
    else if (line === 'bare') cur.bare = true;
    else if (line === 'locked' || line.startsWith('locked ')) cur.locked = true;
    else if (line === 'prunable' || line.startsWith('prunable ')) cur.prunable = true;
  }
  return entries;
}

/** Resolves the repository of the project; not being in one is a one-line error. */
export async function repoContext(config: AmuxConfig): Promise<RepoContext> {
  const start = realOrResolved(config.projectRoot);
  if (!existsSync(start)) throw new AmuxError(`not a git repository: ${start} (the directory does not exist)`);
  const top = await git(start, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0 || !top.stdout.trim()) throw new AmuxError(`not a git repository: ${start}`);
  const currentTop = realOrResolved(top.stdout.trim());
  const common = (await gitOk(start, ['rev-parse', '--git-common-dir'], 'git rev-parse')).trim();
  const commonDir = realOrResolved(resolve(start, common));

  const worktrees = await listWorktrees(start);
  const main = worktrees[0];
  const mainTop = main && !main.bare ? realOrResolved(main.path) : currentTop;
  // Inside a linked worktree (e.g. one of our workspaces), map the project to the main checkout.
  let projectRoot = start;
  if (mainTop !== currentTop && isInside(start, currentTop)) projectRoot = join(mainTop, relative(currentTop, start));
  const subdir = relative(mainTop, projectRoot);
  const root = realOrResolved(resolve(projectRoot, config.workspaces?.root || '.amux/workspaces'));
  if (root === projectRoot || isInside(projectRoot, root)) throw new AmuxError(`workspaces.root "${config.workspaces.root}" must be a directory below the project, not the project itself`);
  return { config, projectRoot, mainTop, subdir, commonDir, root };
}

/**
 * Keeps worktrees inside the main checkout out of its `git status`, through the repository's
 * own `info/exclude` (never the project's tracked `.gitignore`).
 */
export function excludeWorkspaceRoot(ctx: RepoContext): void {
  if (!isInside(ctx.root, ctx.mainTop)) return;
  const rel = relative(ctx.mainTop, ctx.root).split(sep).join('/');
  const line = `/${rel}/`;
  const file = join(ctx.commonDir, 'info', 'exclude');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    /* no file yet */
  }
  if (text.split('\n').some((l) => l.trim() === line)) return;
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${text && !text.endsWith('\n') ? '\n' : ''}# amux workspaces (git worktrees)\n${line}\n`);
}
