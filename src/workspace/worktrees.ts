import { spawn } from 'node:child_process';
import { copyFileSync, constants as fsConstants, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { AmuxConfig } from '../config/types.js';
import { AmuxError, NotFoundError, UsageError } from '../util/errors.js';
import { validateName } from '../tmux/names.js';
import { branchExists, git, gitLine, gitMessage, gitOk, gitEnv, isValidBranchName, resolveCommit, statusEntries } from './git.js';
import { excludeWorkspaceRoot, isInside, listWorktrees, realOrResolved, repoContext, type RepoContext, type WorktreeEntry } from './project.js';
import { deleteRecord, readRecords, sha256, withWorkspaceLock, writeRecord, type WorkspaceRecord } from './records.js';
import { liveSessionFinder, type LiveSession } from './sessions.js';

export { repoContext, type RepoContext } from './project.js';
export type { LiveSession } from './sessions.js';

/**
 * Workspaces: a NAME is a git worktree at `<projectRoot>/<workspaces.root>/NAME` on branch
 * `amux/NAME` (or one given with --branch), made from a base commit that is remembered so
 * `ws diff` can show what the workspace changed. Everything here drives git with argv arrays;
 * only the user's own `workspaces.setup` commands go through a shell.
 */

/**
 * ok: the worktree is there. missing: its directory was deleted by hand (`ws rm` / `ws prune`
 * clean it up). broken: the directory exists but git does not know it as a worktree.
 */
export type WorkspaceState = 'ok' | 'missing' | 'broken';

export interface Workspace {
  name: string;
  branch: string;
  /** The worktree's top directory. */
  path: string;
  /** Where the project lives inside the worktree (== path unless the project is a subfolder). */
  dir: string;
  /** The commit the workspace started from (null for a worktree amux did not create). */
  base: string | null;
  /** The base as the user named it (`main`, `HEAD`, a tag...). */
  baseRef: string | null;
  /** The commit the worktree has checked out (null when missing). */
  head: string | null;
  /** Whether removing the workspace may delete its branch (amux created it / it is `amux/NAME`). */
  ownsBranch: boolean;
  createdAt: string | null;
  setup: 'none' | 'ok' | 'failed' | null;
  locked: boolean;
  state: WorkspaceState;
  /** amux's record of it (null for a worktree found under the root without one). */
  record: WorkspaceRecord | null;
}

export interface WorkspaceStatus extends Workspace {
  /** Uncommitted changes, untracked files included (null when the directory is missing). */
  dirty: boolean | null;
  /** `git status --porcelain` lines of those changes (files copied in at creation and left unchanged do not count). */
  changes: string[];
  /** Commits on the workspace since its base. */
  ahead: number | null;
  /** Commits on the workspace reachable from no other branch (lost if the branch is deleted). */
  unmerged: number | null;
  /** Live amux sessions running in the workspace. */
  sessions: LiveSession[];
}

export interface WorkspaceOptions {
  /** Base commit-ish (default: `workspaces.baseBranch`, else the main checkout's HEAD). */
  base?: string;
  /** Branch to use instead of `amux/NAME` (an existing branch is checked out as is). */
  branch?: string;
  /** Progress lines ("copied .env", "$ npm install"); default: stderr. */
  log?: (line: string) => void;
  /** Where setup commands' output goes; default: this process's stderr. */
  output?: { write(chunk: Buffer | string): unknown };
}

export function defaultBranch(name: string): string {
  return `amux/${name}`;
}

export function validateWorkspaceName(name: string): string {
  return validateName(name, 'workspace name');
}

const stderrLog = (line: string) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

// ------------------------------------------------------------------------------------------
// Reading

function stateOf(path: string, wt: WorktreeEntry | undefined): WorkspaceState {
  if (!existsSync(path)) return 'missing';
  if (!wt || !existsSync(join(path, '.git'))) return 'broken';
  return 'ok';
}

function fromParts(ctx: RepoContext, name: string, rec: WorkspaceRecord | null, wt: WorktreeEntry | undefined): Workspace {
  const path = rec?.path ?? join(ctx.root, name);
  const branch = rec?.branch ?? wt?.branch ?? defaultBranch(name);
  const state = stateOf(path, wt);
  return {
    name,
    branch,
    path,
    dir: ctx.subdir ? join(path, ctx.subdir) : path,
    base: rec?.base ?? null,
    baseRef: rec?.baseRef ?? null,
    head: state === 'ok' ? (wt?.head ?? null) : null,
    ownsBranch: rec ? rec.ownsBranch : branch === defaultBranch(name),
    createdAt: rec?.createdAt ?? null,
    setup: rec?.setup ?? null,
    locked: wt?.locked ?? false,
    state,
    record: rec,
  };
}

/** Every workspace of the project: amux's records plus worktrees found under the root. */
export async function readWorkspaces(ctx: RepoContext): Promise<Workspace[]> {
  const worktrees = await listWorktrees(ctx.mainTop);
  const byPath = new Map<string, WorktreeEntry>();
  for (const w of worktrees) byPath.set(realOrResolved(w.path), w);
  const out = new Map<string, Workspace>();
  for (const rec of readRecords(ctx.commonDir)) {
    if (realOrResolved(dirname(rec.path)) !== ctx.root) continue; // another project's workspace in this repository
    out.set(rec.name, fromParts(ctx, rec.name, rec, byPath.get(realOrResolved(rec.path))));
  }
  for (const [p, w] of byPath) {
    if (dirname(p) !== ctx.root) continue;
    const name = basename(p);
    if (out.has(name)) continue;
    try {
      validateWorkspaceName(name);
    } catch {
      continue;
    }
    out.set(name, fromParts(ctx, name, null, w));
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function readWorkspace(ctx: RepoContext, name: string): Promise<Workspace | null> {
  return (await readWorkspaces(ctx)).find((w) => w.name === name) ?? null;
}

/** Every workspace of the config's project (cheap: no status). */
export async function listWorkspaces(config: AmuxConfig): Promise<Workspace[]> {
  return readWorkspaces(await repoContext(config));
}

/** One workspace, or null when there is none of that name. */
export async function getWorkspace(config: AmuxConfig, name: string): Promise<Workspace | null> {
  validateWorkspaceName(name);
  return readWorkspace(await repoContext(config), name);
}

async function requireWorkspace(ctx: RepoContext, name: string): Promise<Workspace> {
  validateWorkspaceName(name);
  const ws = await readWorkspace(ctx, name);
  if (!ws) throw new NotFoundError(`no workspace "${name}" (see amux ws list)`);
  return ws;
}

/** Uncommitted changes of a worktree, minus files copied in at creation and left as they were. */
export async function uncommittedChanges(ws: Workspace): Promise<string[]> {
  if (ws.state !== 'ok') return [];
  const copied = ws.record?.copied ?? {};
  const out: string[] = [];
  for (const e of await statusEntries(ws.path)) {
    if (e.xy === '??' && copied[e.path] !== undefined) {
      try {
        if (sha256(readFileSync(join(ws.path, e.path))) === copied[e.path]) continue;
      } catch {
        /* unreadable: count it */
      }
    }
    out.push(`${e.xy} ${e.path}`);
  }
  return out;
}

/** Commits of the workspace that no other branch (local or remote) reaches. */
export async function unmergedCommits(ctx: RepoContext, ws: Workspace): Promise<number | null> {
  const tips: string[] = [];
  const owned = ws.ownsBranch && (await branchExists(ctx.mainTop, ws.branch));
  if (owned) tips.push(`refs/heads/${ws.branch}`);
  if (ws.head) tips.push(ws.head);
  if (tips.length === 0) return null;
  const args = ['rev-list', '--count', ...tips, '--not'];
  if (owned) args.push(`--exclude=${ws.branch}`);
  args.push('--branches', '--remotes');
  const n = await gitLine(ctx.mainTop, args);
  return n === null ? null : Number.parseInt(n, 10);
}

async function aheadOfBase(ctx: RepoContext, ws: Workspace): Promise<number | null> {
  if (!ws.base) return null;
  const tip = ws.head ?? ((await branchExists(ctx.mainTop, ws.branch)) ? `refs/heads/${ws.branch}` : null);
  if (!tip) return null;
  const n = await gitLine(ctx.mainTop, ['rev-list', '--count', `${ws.base}..${tip}`]);
  return n === null ? null : Number.parseInt(n, 10);
}

async function withStatus(ctx: RepoContext, ws: Workspace, sessionsOf: (ws: Workspace) => LiveSession[]): Promise<WorkspaceStatus> {
  const [changes, ahead, unmerged] = await Promise.all([uncommittedChanges(ws), aheadOfBase(ctx, ws), unmergedCommits(ctx, ws)]);
  return { ...ws, dirty: ws.state === 'ok' ? changes.length > 0 : null, changes, ahead, unmerged, sessions: sessionsOf(ws) };
}

/** Every workspace with its status (dirty, ahead, unmerged, live sessions): one tmux read in all. */
export async function listWorkspaceStatus(config: AmuxConfig): Promise<WorkspaceStatus[]> {
  const ctx = await repoContext(config);
  const all = await readWorkspaces(ctx);
  const sessionsOf = await liveSessionFinder(ctx);
  return Promise.all(all.map((ws) => withStatus(ctx, ws, sessionsOf)));
}

export async function workspaceStatus(config: AmuxConfig, name: string): Promise<WorkspaceStatus> {
  const ctx = await repoContext(config);
  const ws = await requireWorkspace(ctx, name);
  return withStatus(ctx, ws, await liveSessionFinder(ctx));
}

// ------------------------------------------------------------------------------------------
// Creating

export interface EnsureResult {
  name: string;
  path: string;
  /** Where the project lives inside the worktree: the directory to run agents in. */
  dir: string;
  branch: string;
  base: string | null;
  created: boolean;
}

/**
 * Creates workspace `name` (worktree, branch, copied files, setup commands). Fails when it
 * already exists.
 */
export async function createWorkspace(config: AmuxConfig, name: string, opts: WorkspaceOptions = {}): Promise<EnsureResult> {
  return makeWorkspace(config, name, opts, false);
}

/**
 * The workspace `name`, created when missing (or restored from its branch when its directory
 * was deleted by hand); an existing one is returned as is, with `created: false`.
 * This is what `amux run --workspace W` uses.
 */
export async function ensureWorkspace(config: AmuxConfig, name: string, opts: WorkspaceOptions = {}): Promise<EnsureResult> {
  return makeWorkspace(config, name, opts, true);
}

function resultOf(ws: Workspace, created: boolean): EnsureResult {
  return { name: ws.name, path: ws.path, dir: ws.dir, branch: ws.branch, base: ws.base, created };
}

async function makeWorkspace(config: AmuxConfig, name: string, opts: WorkspaceOptions, reuse: boolean): Promise<EnsureResult> {
  validateWorkspaceName(name);
  const log = opts.log ?? stderrLog;
  const ctx = await repoContext(config);
  if (opts.branch !== undefined && !(await isValidBranchName(ctx.mainTop, opts.branch))) {
    throw new UsageError(`invalid branch name ${JSON.stringify(opts.branch)}`);
  }
  // Quick path without the lock: an existing, healthy workspace.
  const before = await readWorkspace(ctx, name);
  if (before?.state === 'ok') {
    if (!reuse) throw new AmuxError(`workspace ${name} already exists at ${before.path} (branch ${before.branch})`, { code: 'conflict' });
    return resultOf(before, false);
  }
  return withWorkspaceLock(ctx.commonDir, name, async () => {
    const existing = await readWorkspace(ctx, name);
    if (existing?.state === 'ok') {
      if (!reuse) throw new AmuxError(`workspace ${name} already exists at ${existing.path} (branch ${existing.branch})`, { code: 'conflict' });
      return resultOf(existing, false);
    }
    if (existing?.state === 'broken') {
      throw new AmuxError(`${existing.path} exists but is not a git worktree: move it away or remove it with amux ws rm ${name} --force`, { code: 'conflict' });
    }
    if (existing?.state === 'missing') return restoreWorkspace(ctx, existing, opts, log);
    return freshWorkspace(ctx, name, opts, log);
  });
}

function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 8) : '?';
}

async function freshWorkspace(ctx: RepoContext, name: string, opts: WorkspaceOptions, log: (s: string) => void): Promise<EnsureResult> {
  const path = join(ctx.root, name);
  if (existsSync(path)) throw new AmuxError(`${path} already exists and is not a workspace: move it away or pick another name`, { code: 'conflict' });
  const branch = opts.branch ?? defaultBranch(name);
  if (!(await isValidBranchName(ctx.mainTop, branch))) throw new UsageError(`invalid branch name ${JSON.stringify(branch)}`);
  const fromConfig = opts.base === undefined && ctx.config.workspaces?.baseBranch !== undefined;
  let baseRef = opts.base ?? ctx.config.workspaces?.baseBranch ?? 'HEAD';
  if (baseRef.startsWith('-')) throw new UsageError(`invalid base ${JSON.stringify(baseRef)}`);
  const baseSha = await resolveCommit(ctx.mainTop, baseRef);
  if (!baseSha) {
    const what = fromConfig ? ` (workspaces.baseBranch in ${ctx.config.file ?? 'the config'})` : '';
    if (baseRef === 'HEAD') throw new AmuxError(`the main checkout ${ctx.mainTop} has no commits yet: commit something first`);
    throw new AmuxError(`unknown base "${baseRef}"${what}: no such branch, tag or commit`, { code: 'not_found' });
  }

  if (baseRef === 'HEAD') baseRef = (await gitLine(ctx.mainTop, ['symbolic-ref', '--quiet', '--short', 'HEAD'])) || 'HEAD';
  const exists = await branchExists(ctx.mainTop, branch);
  let base = baseSha;
  if (exists && opts.base !== undefined) {
    throw new AmuxError(`branch ${branch} already exists: drop --base to check it out as it is, or choose another --branch`, { code: 'conflict' });
  }
  excludeWorkspaceRoot(ctx);
  mkdirSync(ctx.root, { recursive: true });
  const args = exists ? ['worktree', 'add', path, branch] : ['worktree', 'add', '--no-track', '-b', branch, path, baseSha];
  const r = await git(ctx.mainTop, args);
  if (r.code !== 0) throw new AmuxError(`could not create workspace ${name}: ${gitMessage(r)}`);
  if (exists) base = (await gitLine(ctx.mainTop, ['merge-base', baseSha, `refs/heads/${branch}`])) ?? baseSha;

  const rec: WorkspaceRecord = {
    schema: 1,
    name,
    path,
    branch,
    ownsBranch: !exists || branch === defaultBranch(name),
    base,
    baseRef,
    createdAt: new Date().toISOString(),
    copied: {},
    setup: 'none',
  };
  writeRecord(ctx.commonDir, rec);
  log(
    exists
      ? `created workspace ${name} at ${path} on existing branch ${branch}`
      : `created workspace ${name} at ${path} (branch ${branch} from ${baseRef === baseSha ? shortSha(baseSha) : `${baseRef} ${shortSha(baseSha)}`})`,
  );
  await populate(ctx, rec, opts, log);
  const ws = await readWorkspace(ctx, name);
  return resultOf(ws ?? fromParts(ctx, name, rec, undefined), true);
}

/** A workspace whose directory was deleted by hand: check its branch out again (or start anew). */
async function restoreWorkspace(ctx: RepoContext, ws: Workspace, opts: WorkspaceOptions, log: (s: string) => void): Promise<EnsureResult> {
  await git(ctx.mainTop, ['worktree', 'prune']);
  if (!(await branchExists(ctx.mainTop, ws.branch))) {
    deleteRecord(ctx.commonDir, ws.name);
    log(`workspace ${ws.name}: its directory and branch ${ws.branch} were gone; creating it anew`);
    return freshWorkspace(ctx, ws.name, opts, log);
  }
  if (opts.base !== undefined || (opts.branch !== undefined && opts.branch !== ws.branch)) {
    throw new AmuxError(`workspace ${ws.name} already exists on branch ${ws.branch} (its directory was deleted): run without --base/--branch to restore it, or remove it with amux ws rm ${ws.name}`, { code: 'conflict' });
  }
  excludeWorkspaceRoot(ctx);
  mkdirSync(ctx.root, { recursive: true });
  const r = await git(ctx.mainTop, ['worktree', 'add', ws.path, ws.branch]);
  if (r.code !== 0) throw new AmuxError(`could not restore workspace ${ws.name}: ${gitMessage(r)}`);
  const rec: WorkspaceRecord = ws.record ?? {
    schema: 1,
    name: ws.name,
    path: ws.path,
    branch: ws.branch,
    ownsBranch: ws.ownsBranch,
    base: (await resolveCommit(ctx.mainTop, `refs/heads/${ws.branch}`)) ?? '',
    baseRef: ws.branch,
    createdAt: new Date().toISOString(),
    copied: {},
    setup: 'none',
  };
  rec.copied = {};
  rec.setup = 'none';
  writeRecord(ctx.commonDir, rec);
  log(`restored workspace ${ws.name} at ${ws.path} from branch ${ws.branch} (its directory had been deleted)`);
  await populate(ctx, rec, opts, log);
  const now = await readWorkspace(ctx, ws.name);
  return resultOf(now ?? ws, true);
}

/** Copies `workspaces.copy` files in, then runs `workspaces.setup`; the record follows along. */
async function populate(ctx: RepoContext, rec: WorkspaceRecord, opts: WorkspaceOptions, log: (s: string) => void): Promise<void> {
  const dir = ctx.subdir ? join(rec.path, ctx.subdir) : rec.path;
  rec.copied = await copyFiles(ctx, rec.path, dir, ctx.config.workspaces?.copy ?? [], log);
  writeRecord(ctx.commonDir, rec);
  const setup = ctx.config.workspaces?.setup ?? [];
  if (setup.length === 0) return;
  try {
    await runSetup(rec, dir, setup, opts, log);
    rec.setup = 'ok';
  } catch (e) {
    rec.setup = 'failed';
    throw e;
  } finally {
    writeRecord(ctx.commonDir, rec);
  }
}

/**
 * Copies files matching the globs from the main checkout's project directory into the
 * workspace, at the same relative paths. Files the checkout already has (tracked ones) are left
 * alone. Returns what was copied (paths relative to the worktree → sha256).
 */
export async function copyFiles(ctx: RepoContext, worktree: string, dir: string, patterns: string[], log: (s: string) => void): Promise<Record<string, string>> {
  const copied: Record<string, string> = {};
  if (patterns.length === 0) return copied;
  const fg = (await import('fast-glob')).default;
  const ignore = ['**/.git', '**/.git/**'];
  if (isInside(ctx.root, ctx.projectRoot)) {
    const rel = relative(ctx.projectRoot, ctx.root).split(sep).join('/');
    ignore.push(`${fg.escapePath(rel)}/**`);
  }
  for (const pattern of patterns) {
    const files = await fg(pattern, { cwd: ctx.projectRoot, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore, unique: true });
    if (files.length === 0) {
      log(`copy: nothing matches ${pattern}`);
      continue;
    }
    for (const f of files.sort()) {
      const rel = normalize(f);
      if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
        log(`copy: skipped ${f} (outside the project)`);
        continue;
      }
      const src = join(ctx.projectRoot, rel);
      const dst = join(dir, rel);
      const key = relative(worktree, dst).split(sep).join('/');
      if (copied[key] !== undefined) continue;
      let exists = false;
      try {
        lstatSync(dst);
        exists = true;
      } catch {
        /* not there: copy it */
      }
      if (exists) continue; // the checkout has it (a tracked file): keep the committed version
      try {
        if (!statSync(src).isFile()) continue;
        mkdirSync(dirname(dst), { recursive: true });
        copyFileSync(src, dst, fsConstants.COPYFILE_EXCL);
        copied[key] = sha256(readFileSync(dst));
        log(`copied ${rel}`);
      } catch (e) {
        throw new AmuxError(`could not copy ${rel} into the workspace: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
  }
  return copied;
}

/** Runs the user's setup commands in the workspace with `sh -c`, output streamed to stderr. */
async function runSetup(rec: WorkspaceRecord, dir: string, commands: string[], opts: WorkspaceOptions, log: (s: string) => void): Promise<void> {
  const shell = existsSync('/bin/sh') ? '/bin/sh' : 'sh';
  const env = gitEnv({ AMUX_WORKSPACE: rec.name, AMUX_WORKSPACE_PATH: rec.path, AMUX_WORKSPACE_BRANCH: rec.branch });
  for (const cmd of commands) {
    log(`setup: $ ${cmd}`);
    const out = opts.output;
    const useFd = !out || out === (process.stderr as unknown);
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      const child = spawn(shell, ['-c', cmd], { cwd: dir, env, stdio: ['ignore', useFd ? 2 : 'pipe', useFd ? 2 : 'pipe'] });
      if (!useFd) {
        child.stdout?.on('data', (b: Buffer) => out!.write(b));
        child.stderr?.on('data', (b: Buffer) => out!.write(b));
      }
      child.on('error', (error) => resolve({ code: null, signal: null, error }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    if (result.error || result.code !== 0) {
      const how = result.error ? `could not start (${result.error.message})` : result.signal ? `was killed by ${result.signal}` : `failed with exit code ${result.code}`;
      throw new AmuxError(
        `setup command ${JSON.stringify(cmd)} ${how}; workspace ${rec.name} was left in place at ${rec.path} (fix it there, or remove it with amux ws rm ${rec.name} --force)`,
      );
    }
  }
}

// ------------------------------------------------------------------------------------------
// Removing

export interface RemoveResult {
  name: string;
  path: string;
  removedDir: boolean;
  branch: string;
  deletedBranch: boolean;
  /** Why the branch was kept, when it was. */
  keptBranch: string | null;
  /** Things the user should know (e.g. live sessions left running after --force). */
  warnings: string[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listFew(items: string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** What removalBlockers looks at: a status, or its JSON form with the live sessions under `sessions`. */
export type RemovalFacts = Pick<WorkspaceStatus, 'sessions' | 'changes' | 'unmerged' | 'state' | 'path' | 'branch' | 'locked'>;

/** Why a workspace may not be removed without --force (empty when it may). */
export function removalBlockers(st: RemovalFacts): string[] {
  const why: string[] = [];
  if (st.sessions.length) why.push(`${plural(st.sessions.length, 'live session')} (${listFew(st.sessions.map((s) => s.name))})`);
  if (st.changes.length) why.push(`uncommitted changes in ${plural(st.changes.length, 'file')} (${listFew(st.changes.map((c) => c.slice(3)))})`);
  if (st.unmerged) why.push(`${plural(st.unmerged, 'commit')} on ${st.branch} not merged into any other branch`);
  if (st.state === 'broken') why.push(`a directory ${st.path} that git does not know as a worktree`);
  if (st.locked) why.push('a locked worktree (git worktree unlock)');
  return why;
}

/**
 * Removes a workspace: its worktree, its branch (when amux owns it) and amux's record. Refused
 * (unless `force`) with live sessions, uncommitted changes or commits not merged anywhere.
 */
export async function removeWorkspace(config: AmuxConfig, name: string, opts: { force?: boolean } = {}): Promise<RemoveResult> {
  const ctx = await repoContext(config);
  const ws = await requireWorkspace(ctx, name);
  const st = await withStatus(ctx, ws, await liveSessionFinder(ctx));
  const blockers = removalBlockers(st);
  if (blockers.length && !opts.force) {
    throw new AmuxError(`refusing to remove workspace ${name}: it has ${blockers.join('; ')} (amux ws rm ${name} --force removes it anyway)`, { code: 'conflict' });
  }
  return withWorkspaceLock(ctx.commonDir, name, () => removeNow(ctx, st, !!opts.force));
}

async function removeNow(ctx: RepoContext, st: WorkspaceStatus, force: boolean): Promise<RemoveResult> {
  const res: RemoveResult = { name: st.name, path: st.path, removedDir: false, branch: st.branch, deletedBranch: false, keptBranch: null, warnings: [] };
  if (st.sessions.length) res.warnings.push(`${plural(st.sessions.length, 'live session')} still run${st.sessions.length === 1 ? 's' : ''} there: ${listFew(st.sessions.map((s) => s.name))}`);
  if (st.state === 'ok') {
    const args = ['worktree', 'remove', '--force'];
    if (st.locked && force) args.push('--force');
    args.push(st.path);
    const r = await git(ctx.mainTop, args);
    if (r.code !== 0) throw new AmuxError(`could not remove the worktree ${st.path}: ${gitMessage(r)}`);
    res.removedDir = true;
  } else if (st.state === 'broken' && force && isInside(st.path, ctx.root) && st.path !== ctx.root) {
    rmSync(st.path, { recursive: true, force: true });
    res.removedDir = true;
  }
  await git(ctx.mainTop, ['worktree', 'prune']);
  if (st.ownsBranch && (await branchExists(ctx.mainTop, st.branch))) {
    const unmerged = await unmergedCommits(ctx, { ...st, head: null });
    if (unmerged && !force) {
      res.keptBranch = `${plural(unmerged, 'commit')} not merged anywhere`;
    } else {
      const r = await git(ctx.mainTop, ['branch', '-D', st.branch]);
      if (r.code === 0) res.deletedBranch = true;
      else res.keptBranch = gitMessage(r);
    }
  } else if (!st.ownsBranch) {
    res.keptBranch = 'it existed before the workspace';
  }
  deleteRecord(ctx.commonDir, st.name);
  return res;
}

export interface PruneResult {
  /** Other git worktrees (not amux workspaces) that `git worktree prune` forgot, and why. */
  forgotten: { worktree: string; reason: string }[];
  removed: { name: string; path: string; branch: string; deletedBranch: boolean; keptBranch: string | null }[];
  /** Workspaces whose directory is there but unknown to git: left alone. */
  broken: string[];
}

/**
 * `git worktree prune`, then forgets workspaces whose directories are gone; their branches are
 * deleted when every commit on them is merged somewhere, kept otherwise.
 */
export async function pruneWorkspaces(config: AmuxConfig): Promise<PruneResult> {
  const ctx = await repoContext(config);
  const before = await readWorkspaces(ctx);
  const r = await git(ctx.mainTop, ['worktree', 'prune', '--verbose']);
  if (r.code !== 0) throw new AmuxError(`git worktree prune failed: ${gitMessage(r)}`);
  const missing = new Set(before.filter((w) => w.state === 'missing').map((w) => basename(w.path)));
  const res: PruneResult = {
    // git says `Removing worktrees/NAME: REASON` for each; amux's own workspaces are reported below.
    forgotten: (r.stdout + r.stderr)
      .split('\n')
      .map((l) => /^Removing (?:worktrees\/)?(.+?): (.+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null && !missing.has(m[1]!))
      .map((m) => ({ worktree: m[1]!, reason: m[2]! })),
    removed: [],
    broken: before.filter((w) => w.state === 'broken').map((w) => w.name),
  };
  for (const ws of before.filter((w) => w.state === 'missing')) {
    const out = await withWorkspaceLock(ctx.commonDir, ws.name, () => removeNow(ctx, { ...ws, dirty: null, changes: [], ahead: null, unmerged: null, sessions: [] }, false));
    res.removed.push({ name: ws.name, path: ws.path, branch: ws.branch, deletedBranch: out.deletedBranch, keptBranch: out.keptBranch });
  }
  return res;
}

// ------------------------------------------------------------------------------------------
// Diff

export interface DiffResult {
  workspace: Workspace;
  /** The commit the diff is taken against (the merge base of the base and the workspace). */
  against: string;
  /** `git diff` output (patch or --stat). */
  diff: string;
  /** Untracked files in the workspace (not in the diff), relative to the worktree. */
  untracked: string[];
}

/**
 * What the workspace changed against its base: committed and uncommitted changes to tracked
 * files (`git diff <merge-base>` in the worktree), plus the untracked files.
 */
export async function workspaceDiff(config: AmuxConfig, name: string, opts: { stat?: boolean; color?: boolean } = {}): Promise<DiffResult> {
  const ctx = await repoContext(config);
  const ws = await requireWorkspace(ctx, name);
  const tip = ws.state === 'ok' ? 'HEAD' : (await branchExists(ctx.mainTop, ws.branch)) ? `refs/heads/${ws.branch}` : null;
  if (!tip) throw new AmuxError(`workspace ${name}: its directory and its branch ${ws.branch} are gone (amux ws prune forgets it)`);
  const where = ws.state === 'ok' ? ws.path : ctx.mainTop;
  let baseCommit = ws.base;
  if (!baseCommit) {
    const mainBranch = await gitLine(ctx.mainTop, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    baseCommit = await resolveCommit(ctx.mainTop, mainBranch ? `refs/heads/${mainBranch}` : 'HEAD');
  }
  if (!baseCommit) throw new AmuxError(`workspace ${name}: no base to compare with`);
  const against = (await gitLine(where, ['merge-base', baseCommit, tip])) ?? baseCommit;
  const args = ['diff', opts.color ? '--color=always' : '--no-color'];
  if (opts.stat) args.push('--stat');
  args.push(against);
  if (ws.state !== 'ok') args.push(tip);
  const diff = await gitOk(where, args, 'git diff');
  let untracked: string[] = [];
  if (ws.state === 'ok') {
    const copied = ws.record?.copied ?? {};
    const raw = (await gitOk(ws.path, ['ls-files', '--others', '--exclude-standard', '-z'], 'git ls-files')).split('\0').filter(Boolean);
    untracked = raw.filter((p) => {
      if (copied[p] === undefined) return true;
      try {
        return sha256(readFileSync(join(ws.path, p))) !== copied[p];
      } catch {
        return true;
      }
    });
  }
  return { workspace: ws, against, diff, untracked };
}

// ------------------------------------------------------------------------------------------
// Merge

export interface MergeOptions {
  /** Branch to merge into (default: the main checkout's current branch). */
  into?: string;
  squash?: boolean;
  /** Always make a merge commit, even when a fast-forward is possible. */
  noFf?: boolean;
}

export interface MergeResult {
  workspace: string;
  branch: string;
  into: string;
  /** Where the merge ran (a checkout), or null when the target is checked out nowhere. */
  checkout: string | null;
  how: 'up-to-date' | 'fast-forward' | 'merge' | 'squash';
  /** The target's commit after the merge. */
  commit: string;
}

/** Conflicting files reported by a failed merge. */
export class MergeConflictError extends AmuxError {
  readonly files: string[];
  constructor(message: string, files: string[]) {
    super(message, { code: 'conflict' });
    this.name = 'MergeConflictError';
    this.files = files;
  }
}

/**
 * Merges the workspace's branch into the main checkout's current branch (or `into`). Refused
 * when either side has uncommitted changes; a conflict aborts the merge, so nothing is left
 * half done, and names the conflicting files.
 */
export async function mergeWorkspace(config: AmuxConfig, name: string, opts: MergeOptions = {}): Promise<MergeResult> {
  const ctx = await repoContext(config);
  const ws = await requireWorkspace(ctx, name);
  if (!(await branchExists(ctx.mainTop, ws.branch))) throw new AmuxError(`workspace ${name}: its branch ${ws.branch} no longer exists`);
  if (ws.state === 'ok') {
    const changes = await uncommittedChanges(ws);
    if (changes.length) {
      throw new AmuxError(
        `workspace ${name} has uncommitted changes (${listFew(changes.map((c) => c.slice(3)))}): commit them first (cd ${ws.path} && git add -A && git commit), then merge again`,
        { code: 'conflict' },
      );
    }
  }
  let into = opts.into;
  if (into !== undefined) {
    if (!(await isValidBranchName(ctx.mainTop, into))) throw new UsageError(`invalid branch name ${JSON.stringify(into)}`);
    if (!(await branchExists(ctx.mainTop, into))) throw new AmuxError(`no branch ${into} to merge into`, { code: 'not_found' });
  } else {
    into = (await gitLine(ctx.mainTop, ['symbolic-ref', '--quiet', '--short', 'HEAD'])) ?? undefined;
    if (!into) throw new AmuxError(`the main checkout ${ctx.mainTop} is not on a branch (detached HEAD): check one out or use --into BRANCH`);
  }
  if (into === ws.branch) throw new AmuxError(`cannot merge ${ws.branch} into itself`);
  const branchSha = (await resolveCommit(ctx.mainTop, `refs/heads/${ws.branch}`))!;
  const targetSha = (await resolveCommit(ctx.mainTop, `refs/heads/${into}`))!;
  const base: Omit<MergeResult, 'how' | 'commit' | 'checkout'> = { workspace: name, branch: ws.branch, into };

  const holder = (await listWorktrees(ctx.mainTop)).find((w) => w.branch === into && !w.bare);
  if (holder && holder.prunable) throw new AmuxError(`${into} is checked out in ${holder.path}, which no longer exists: run amux ws prune (or git worktree prune) first`, { code: 'conflict' });
  const checkout = holder ? realOrResolved(holder.path) : null;

  if ((await git(ctx.mainTop, ['merge-base', '--is-ancestor', branchSha, targetSha])).code === 0) {
    return { ...base, checkout, how: 'up-to-date', commit: targetSha };
  }
  if (checkout) return mergeInCheckout(ws, checkout, into, opts, base);
  return mergeWithoutCheckout(ctx, ws, into, branchSha, targetSha, opts, base);
}

async function mergeInCheckout(ws: Workspace, at: string, into: string, opts: MergeOptions, base: Omit<MergeResult, 'how' | 'commit' | 'checkout'>): Promise<MergeResult> {
  const label = `the checkout of ${into} (${at})`;
  if ((await git(at, ['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'])).code === 0) {
    throw new AmuxError(`a merge is already in progress in ${label}: finish it or run git merge --abort there first`, { code: 'conflict' });
  }
  const dirty = await statusEntries(at, { untracked: false });
  if (dirty.length) {
    throw new AmuxError(`${label} has uncommitted changes (${listFew(dirty.map((e) => e.path))}): commit or stash them first`, { code: 'conflict' });
  }
  const before = (await resolveCommit(at, 'HEAD'))!;
  const args = ['merge', '--no-edit'];
  if (opts.squash) args.push('--squash');
  else if (opts.noFf) args.push('--no-ff');
  args.push(ws.branch);
  const r = await git(at, args, { env: { GIT_MERGE_AUTOEDIT: 'no' } });
  if (r.code === 0 && opts.squash) {
    if ((await git(at, ['diff', '--cached', '--quiet'])).code === 0) {
      await git(at, ['reset', '--merge']);
      return { ...base, checkout: at, how: 'up-to-date', commit: before };
    }
    const c = await git(at, ['commit', '--no-edit'], { env: { GIT_EDITOR: 'true' } });
    if (c.code !== 0) {
      await undoMerge(at);
      throw new AmuxError(`the squash commit failed: ${gitMessage(c)}; nothing was merged and ${label} is unchanged`);
    }
    return { ...base, checkout: at, how: 'squash', commit: (await resolveCommit(at, 'HEAD'))! };
  }
  if (r.code === 0) {
    const after = (await resolveCommit(at, 'HEAD'))!;
    const parents = ((await gitLine(at, ['rev-list', '--parents', '-n', '1', after])) ?? '').split(' ').length - 1;
    return { ...base, checkout: at, how: parents > 1 ? 'merge' : 'fast-forward', commit: after };
  }
  // Failed: note the conflicts, then put everything back as it was.
  const conflicts = (await git(at, ['diff', '--name-only', '--diff-filter=U', '-z'])).stdout.split('\0').filter(Boolean);
  const clean = await undoMerge(at);
  const state = clean ? `the merge was aborted and ${label} is unchanged` : `WARNING: ${label} could not be restored cleanly; check git status there`;
  if (conflicts.length) {
    throw new MergeConflictError(
      `merging ${ws.branch} into ${into} conflicts in ${listFew(conflicts, 10)}; ${state} (rebase the workspace on ${into} and resolve the conflicts there, then merge again)`,
      conflicts,
    );
  }
  throw new AmuxError(`git merge ${ws.branch} failed: ${gitMessage(r)}; ${state}`);
}

/** Undoes a failed or unwanted merge; true when the checkout is clean again. */
async function undoMerge(at: string): Promise<boolean> {
  if ((await git(at, ['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'])).code === 0) await git(at, ['merge', '--abort']);
  else await git(at, ['reset', '--merge']);
  const gitDir = await gitLine(at, ['rev-parse', '--absolute-git-dir']);
  if (gitDir) rmSync(join(gitDir, 'SQUASH_MSG'), { force: true });
  const merging = (await git(at, ['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'])).code === 0;
  const dirty = await statusEntries(at, { untracked: false });
  return !merging && dirty.length === 0;
}

/** The target is checked out nowhere: merge with `git merge-tree` and move the ref; no files touched. */
async function mergeWithoutCheckout(
  ctx: RepoContext,
  ws: Workspace,
  into: string,
  branchSha: string,
  targetSha: string,
  opts: MergeOptions,
  base: Omit<MergeResult, 'how' | 'commit' | 'checkout'>,
): Promise<MergeResult> {
  const ref = `refs/heads/${into}`;
  const ff = (await git(ctx.mainTop, ['merge-base', '--is-ancestor', targetSha, branchSha])).code === 0;
  let commit: string;
  let how: MergeResult['how'];
  if (ff && !opts.squash && !opts.noFf) {
    commit = branchSha;
    how = 'fast-forward';
  } else {
    const mt = await git(ctx.mainTop, ['merge-tree', '--write-tree', '--name-only', '--no-messages', targetSha, branchSha]);
    if (mt.code === 1) {
      const files = mt.stdout.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
      throw new MergeConflictError(`merging ${ws.branch} into ${into} conflicts in ${listFew(files, 10)}; nothing was changed (rebase the workspace on ${into} and resolve the conflicts there, then merge again)`, files);
    }
    if (mt.code !== 0) throw new AmuxError(`cannot merge into ${into}, which is not checked out: ${gitMessage(mt)} (check it out and run the merge from there)`);
    const tree = mt.stdout.split('\n')[0]!.trim();
    const message = opts.squash ? `Squashed workspace ${ws.name} (${ws.branch})` : `Merge branch '${ws.branch}' into ${into}`;
    const parents = opts.squash ? ['-p', targetSha] : ['-p', targetSha, '-p', branchSha];
    commit = (await gitOk(ctx.mainTop, ['commit-tree', tree, ...parents, '-m', message], 'git commit-tree')).trim();
    how = opts.squash ? 'squash' : 'merge';
  }
  const u = await git(ctx.mainTop, ['update-ref', '-m', `amux ws merge ${ws.name}`, ref, commit, targetSha]);
  if (u.code !== 0) throw new AmuxError(`could not update ${into}: ${gitMessage(u)} (nothing was changed)`);
  return { ...base, checkout: null, how, commit };
}
