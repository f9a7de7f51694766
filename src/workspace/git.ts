import { execa } from 'execa';
import { AmuxError } from '../util/errors.js';

/**
 * git, run with argv arrays only (never a shell). Every call names its directory with `cwd`;
 * variables that would point git somewhere else (GIT_DIR, GIT_WORK_TREE, ...) are dropped so a
 * command run from inside a git hook still talks to the repository we asked for.
 */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const REDIRECTING = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_PREFIX'];

/** The environment for git and for setup commands: the caller's, minus repository redirections. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', ...extra };
  for (const k of REDIRECTING) delete env[k];
  return env;
}

export class GitNotFoundError extends AmuxError {
  constructor() {
    super('git is not installed or not on PATH (workspaces need git)');
    this.name = 'GitNotFoundError';
  }
}

/** Runs `git ...args` in `cwd`; never throws on a non-zero exit (see `gitOk`). */
export async function git(cwd: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<GitResult> {
  const r = await execa('git', args, {
    cwd,
    env: gitEnv(opts.env),
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : undefined,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.failed && r.exitCode === undefined) {
    if ((r as { code?: string }).code === 'ENOENT') throw new GitNotFoundError();
    throw new AmuxError(`git ${args[0] ?? ''}: ${r.shortMessage ?? r.message}`);
  }
  return { code: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** The first meaningful line of git's complaint, for one-line errors. */
export function gitMessage(r: GitResult): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^hint:/.test(l));
  const line = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? r.stdout.trim().split('\n')[0] ?? '';
  return line.replace(/^(fatal|error):\s*/, '') || `exited with ${r.code}`;
}

/** Runs git and returns stdout; a non-zero exit becomes an AmuxError with git's message. */
export async function gitOk(cwd: string, args: string[], what?: string): Promise<string> {
  const r = await git(cwd, args);
  if (r.code !== 0) throw new AmuxError(`${what ?? `git ${args[0]}`} failed: ${gitMessage(r)}`);
  return r.stdout;
}

/** The trimmed single-line output of a git query, or null when it fails. */
export async function gitLine(cwd: string, args: string[]): Promise<string | null> {
  const r = await git(cwd, args);
  if (r.code !== 0) return null;
  return r.stdout.trim();
}

/** The commit a revision names, or null when it names none. */
export function resolveCommit(cwd: string, rev: string): Promise<string | null> {
  return gitLine(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
}

/** True when `name` is a valid branch name (git's own rules; a leading `-` is never valid). */
export async function isValidBranchName(cwd: string, name: string): Promise<boolean> {
  if (!name || name.startsWith('-')) return false;
  return (await git(cwd, ['check-ref-format', '--branch', name])).code === 0;
}

export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  return (await git(cwd, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
}

/** `git status --porcelain -z` entries: `XY path` (renames carry the new path). */
export async function statusEntries(cwd: string, opts: { untracked?: boolean } = {}): Promise<{ xy: string; path: string }[]> {
  const out = await gitOk(cwd, ['status', '--porcelain=v1', '-z', `--untracked-files=${opts.untracked === false ? 'no' : 'all'}`, '--ignore-submodules=none'], 'git status');
  const parts = out.split('\0');
  const entries: { xy: string; path: string }[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.length < 4) continue;
    const xy = p.slice(0, 2);
    entries.push({ xy, path: p.slice(3) });
    if (xy[0] === 'R' || xy[0] === 'C') i++; // the original path follows
  }
  return entries;
}
