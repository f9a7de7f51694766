/**
 * Test harness: every test gets a private tmux server (`tmux -L amux-test-…`), a private
 * AMUX_HOME and XDG dirs in a temp folder, and runs the compiled CLI as a user would.
 * Only servers started here are ever killed, by their socket.
 */
import { withSharedSync } from '../src/tmux/gate.ts';
import { readsOnly, socketLabel } from '../src/tmux/exec.ts';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, realpathSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
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
  /** Every tmux socket this test made (its own and any extra servers), removed at cleanup. */
  private readonly sockets: string[] = [];

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
    this.sockets.push(this.socket);
  }

  /**
   * A name for one more private tmux server (e.g. an outer terminal); cleanup kills it and
   * removes its socket file. Start it with `env` so cleanup can also find its processes.
   */
  extraSocket(label: string): string {
    const s = `amux-test-${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.sockets.push(s);
    return s;
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

  /**
   * tmux on this test's private server. It takes the connect gate like every amux command does:
   * a `kill-session` while the monitor's control client connects can crash tmux 3.3a (gate.ts).
   */
  tmux(args: string[], input?: string): string {
    const run = () => execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', input, env: this.env });
    // Reads need no gate (as in exec.ts); the verbs are the first word and each one after a `;`.
    const verbs = args.filter((a, i) => i === 0 || args[i - 1] === ';');
    return verbs.every((v) => readsOnly(v === 'display' ? 'display-message' : v)) ? run() : withSharedSync(socketLabel({ name: this.socket }, this.env), run);
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

  /** The pids of every process started for this test: each carries this test's AMUX_HOME. */
  processes(): number[] {
    return processesOf(this.home);
  }

  /**
   * Kills this test's tmux servers, waits for everything the test started (monitor, log
   * writers, TUIs, control clients) to exit, then removes the socket files and the temp dir.
   */
  async cleanup(): Promise<void> {
    await teardown({ sockets: this.sockets, home: this.home, dir: this.dir });
  }
}

/**
 * The processes of the log writer of `logFile` (session/logwriter.ts: one perl process, holding
 * the log as fd 3, its first file after stdin, stdout and stderr): `writing` is the one appending
 * to it, `all` every process that holds it so.
 */
export function logWriterProcesses(logFile: string): { writing: number | null; all: number[] } {
  const all: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readlinkSync(`/proc/${e}/fd/3`) === logFile) all.push(Number(e));
    } catch {
      /* gone, or no such fd */
    }
  }
  return { writing: all[0] ?? null, all };
}

/** The pids of every process whose environment carries `AMUX_HOME=home` (started for one test or bench). */
export function processesOf(home: string): number[] {
  const mark = Buffer.from(`\0AMUX_HOME=${home}\0`);
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${e}/environ`)]);
      if (environ.includes(mark)) pids.push(Number(e));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

/**
 * Kills the given private tmux servers, waits for every process that carries `home` to exit
 * (killing by pid what is still there after 5 s: it is ours, it carries our unique temp path),
 * then removes the socket files and `dir`. Shared by the tests and the benchmarks.
 */
export async function teardown(o: { sockets: string[]; home: string; dir: string }): Promise<void> {
  for (const s of o.sockets) {
    try {
      execFileSync('tmux', ['-L', s, 'kill-server'], { stdio: 'ignore' });
    } catch {
      /* not running */
    }
  }
  const deadline = Date.now() + 5000;
  let left = processesOf(o.home);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = processesOf(o.home);
  }
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    if (left.length === 0) break;
    for (const pid of left) {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
    const until = Date.now() + 2000;
    while ((left = processesOf(o.home)).length > 0 && Date.now() < until) await sleep(50);
  }
  if (left.length > 0) throw new Error(`cleanup: processes would not exit: ${left.join(' ')}`);
  // tmux can leave its socket file behind: remove ours, by their exact paths.
  const sockDir = join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
  // tmux's start-up lock file (`NAME.lock`) can outlive a start race: it goes too.
  for (const s of o.sockets) for (const f of [s, `${s}.lock`, `.amux-gate-${s}`]) rmSync(join(sockDir, f), { force: true, recursive: true });
  rmSync(o.dir, { recursive: true, force: true });
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
