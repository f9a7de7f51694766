/**
 * Test harness: every test gets a private tmux server (`tmux -L amux-test-…`), a private
 * AMUX_HOME and XDG dirs in a temp folder, and runs the compiled CLI as a user would.
 * Only servers started here are ever killed, by their socket.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const CLI = join(ROOT, 'dist', 'cli.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class TestEnv {
  readonly socket: string;
  readonly dir: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(name = 't') {
    this.socket = `amux-test-${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.dir = realpathSync(mkdtempSync(join(tmpdir(), 'amux-test-')));
    this.home = join(this.dir, 'amux-home');
    mkdirSync(join(this.dir, 'config'), { recursive: true });
    mkdirSync(join(this.dir, 'userhome'), { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AMUX_TMUX_SOCKET: this.socket,
      AMUX_HOME: this.home,
      XDG_CONFIG_HOME: join(this.dir, 'config'),
      XDG_STATE_HOME: join(this.dir, 'state'),
      HOME: join(this.dir, 'userhome'),
      NO_COLOR: '1',
      GIT_AUTHOR_NAME: 'amux test',
      GIT_AUTHOR_EMAIL: 'test@amux.invalid',
      GIT_COMMITTER_NAME: 'amux test',
      GIT_COMMITTER_EMAIL: 'test@amux.invalid',
      // Keep fake agents quick to settle in tests.
      PATH: `${join(ROOT, 'test', 'fixtures', 'bin')}:${process.env.PATH}`,
    };
    delete env.TMUX;
    delete env.TMUX_PANE;
    this.env = env;
  }

  /** Runs `amux ...args` (the compiled CLI). Never throws on a non-zero exit. */
  amux(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: opts.cwd ?? this.dir, env: { ...this.env, ...opts.env }, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 << 20 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (opts.input !== undefined) child.stdin!.end(opts.input);
      else child.stdin!.end();
    });
  }

  /** `amux ... --json`, parsed; fails the test with stderr when the command fails. */
  async amuxJson<T = unknown>(args: string[], opts: { cwd?: string } = {}): Promise<T> {
    const r = await this.amux(args, opts);
    if (r.code !== 0) throw new Error(`amux ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  /** tmux on this test's private server. */
  tmux(args: string[], input?: string): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', input, env: this.env });
  }

  tryTmux(args: string[]): string | null {
    try {
      return this.tmux(args);
    } catch {
      return null;
    }
  }

  /** A new git repository with one commit, inside this test's temp dir. */
  gitRepo(name = 'repo', files: Record<string, string> = { 'README.md': '# test\n' }): string {
    const dir = join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: this.env, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    for (const [f, c] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), c);
    }
    git('add', '-A');
    git('commit', '-q', '-m', 'initial');
    return dir;
  }

  git(cwd: string, ...args: string[]): string {
    return execFileSync('git', args, { cwd, env: this.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Kills this test's tmux server (and with it the daemon) and removes the temp dir. */
  async cleanup(): Promise<void> {
    try {
      execFileSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      /* not running */
    }
    // tmux can leave its socket file behind: remove ours, by its exact path.
    rmSync(join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
    await new Promise((r) => setTimeout(r, 50));
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** Polls `fn` until it returns a truthy value or the time runs out; returns the last value. */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export { spawn };
