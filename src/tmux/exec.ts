import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve as resolvePath } from 'node:path';
import { amuxHome } from '../util/paths.js';
import { withShared } from './gate.js';
import { scopePrefix, scopeFailed } from './scope.js';
import { TmuxError, TmuxNotFoundError, TmuxVersionError, ServerNotRunningError, isNoServer } from './errors.js';

/** The tmux program, as execvp finds it on PATH. */
export const TMUX = 'tmux';

/** Which tmux server to talk to: `-L name`, `-S path`, or tmux's default socket. */
export interface SocketChoice {
  /** `tmux -L name` */
  name?: string;
  /** `tmux -S path` */
  path?: string;
}

/**
 * The server amux uses: `AMUX_TMUX_SOCKET` (or config `tmux.socket`) selects `-L name`;
 * otherwise the server of the tmux client we run inside ($TMUX), else the default socket.
 */
export function resolveSocket(env: NodeJS.ProcessEnv = process.env, configSocket?: string): SocketChoice {
  if (env.AMUX_TMUX_SOCKET) return { name: env.AMUX_TMUX_SOCKET };
  if (configSocket) return { name: configSocket };
  if (env.TMUX) {
    const path = env.TMUX.split(',')[0];
    if (path) return { path };
  }
  return {};
}

export function socketArgs(s: SocketChoice): string[] {
  if (s.name) return ['-L', s.name];
  if (s.path) return ['-S', s.path];
  return [];
}

export function describeSocket(s: SocketChoice): string {
  if (s.name) return `socket "${s.name}" (tmux -L ${s.name})`;
  if (s.path) return `socket ${s.path}`;
  return "tmux's default socket";
}

/** A stable label for the server, stored in records and printed in --json. */
/**
 * The server's identity: its socket path, as tmux computes it (`$TMUX_TMPDIR` or /tmp, then
 * `tmux-UID/NAME`). `-L x`, `-S /tmp/tmux-0/x` and `$TMUX` inside that server all name the same
 * server, so records made one way are found the other.
 */
export function socketLabel(s: SocketChoice, env: NodeJS.ProcessEnv = process.env): string {
  if (s.path) return resolvePath(s.path);
  const dir = (env.TMUX_TMPDIR || '/tmp').replace(/\/+$/, '') || '/';
  const uid = process.getuid?.() ?? 0;
  return `${dir}/tmux-${uid}/${s.name ?? 'default'}`;
}

export interface ExecOptions {
  /** Written to tmux's stdin (e.g. `load-buffer -`). Never goes on a command line. */
  input?: string | Buffer;
  /** Environment for the tmux client (and a server it starts). */
  env?: NodeJS.ProcessEnv;
}

/** One tmux command: its name, then its arguments, each a separate word. */
export type TmuxCommand = readonly string[];

/** Commands that only read: safe to repeat when the client lost a server that was starting. */
const READ_ONLY = new Set(['list-panes', 'list-sessions', 'list-windows', 'list-clients', 'show-options', 'display-message', 'capture-pane', 'has-session']);

/** Whether a tmux command only reads the server (it runs without the connect gate, see gate.ts). */
export function readsOnly(verb: string): boolean {
  return READ_ONLY.has(verb);
}
const RACY = /server exited unexpectedly|lost server/i;
/** Sends no notification, and blocks until a person closes it: never holds the connect gate. */
const INTERACTIVE = new Set(['display-popup']);

/**
 * One client's command line for a sequence of commands. tmux ends a command at an argument that
 * ends in `;` (`foo;` is `foo` and a separator), so such a word keeps its `;` as text (`foo\;`,
 * which tmux reads back as `foo;`); the separator itself is only ever this function's own `;`.
 */
export function commandLine(commands: readonly TmuxCommand[]): string[] {
  const argv: string[] = [];
  commands.forEach((command, i) => {
    if (i > 0) argv.push(';');
    for (const word of command) argv.push(word.endsWith(';') ? `${word.slice(0, -1)}\\;` : word);
  });
  return argv;
}

/** Runs a sequence of tmux commands in one client process; resolves to their joined stdout. */
export async function execTmux(socket: SocketChoice, commands: readonly TmuxCommand[], opts: ExecOptions = {}): Promise<string> {
  if (commands.every((c) => READ_ONLY.has(c[0] ?? ''))) return execRead(socket, commands, opts);
  if (commands.every((c) => INTERACTIVE.has(c[0] ?? ''))) return execOnce(socket, commands, opts);
  // A command that changes the server never runs while a control client connects (see gate.ts).
  return withShared(socketLabel(socket), () => execOnce(socket, commands, opts));
}

async function execRead(socket: SocketChoice, commands: readonly TmuxCommand[], opts: ExecOptions): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await execOnce(socket, commands, opts);
    } catch (e) {
      // Several amux processes starting the first session at once can make a client see the
      // server "exit" while another client is still bringing it up: a read is simply repeated.
      if (!(e instanceof TmuxError) || !RACY.test(e.stderr) || attempt >= 3) throw e;
      await new Promise((r) => setTimeout(r, 30 + 50 * attempt));
    }
  }
}

/**
 * The words before tmux's own for this call: a client that may start the server (a
 * `new-session` while no socket exists) runs under `systemd-run --user --scope` where systemd
 * runs (scope.ts), so the server outlives the login session.
 */
function serverStartPrefix(socket: SocketChoice, commands: readonly TmuxCommand[], env: NodeJS.ProcessEnv): string[] {
  if (!commands.some((c) => c[0] === 'new-session') || existsSync(socketLabel(socket, env))) return [];
  return scopePrefix(env);
}

async function execOnce(socket: SocketChoice, commands: readonly TmuxCommand[], opts: ExecOptions): Promise<string> {
  const prefix = serverStartPrefix(socket, commands, opts.env ?? process.env);
  if (prefix.length === 0) return execPlain([], socket, commands, opts);
  try {
    return await execPlain(prefix, socket, commands, opts);
  } catch (e) {
    if (e instanceof TmuxError && scopeFailed(e.stderr)) return execPlain([], socket, commands, opts);
    throw e;
  }
}

function execPlain(prefix: string[], socket: SocketChoice, commands: readonly TmuxCommand[], opts: ExecOptions): Promise<string> {
  const args = commandLine(commands);
  const [file, ...before] = [...prefix, TMUX];
  return new Promise((resolve, reject) => {
    const child = execFile(
      file!,
      [...before, ...socketArgs(socket), ...args],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { code?: unknown };
        if (e.code === 'ENOENT') return reject(new TmuxNotFoundError());
        if (isNoServer(stderr) && !commands.some((c) => c[0] === 'new-session')) {
          return reject(new ServerNotRunningError(describeSocket(socket)));
        }
        reject(new TmuxError(args, typeof e.code === 'number' ? e.code : null, stderr));
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** A tmux client process to run with the terminal handed over (attach, popups). */
export interface TmuxProcess {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** A tmux client on `socket` running `command`, for a caller that hands it the terminal. */
export function tmuxProcess(socket: SocketChoice, command: TmuxCommand, env: NodeJS.ProcessEnv): TmuxProcess {
  return { file: TMUX, args: [...socketArgs(socket), ...commandLine([command])], env };
}

/** Runs a tmux client with the terminal handed over (stdio inherited). Resolves to its exit code. */
export function runInTerminal(p: TmuxProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(p.file, p.args, { stdio: 'inherit', env: p.env });
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new TmuxNotFoundError() : e));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

let versionCache: Promise<TmuxVersion> | undefined;

export interface TmuxVersion {
  major: number;
  minor: number;
  text: string;
}

/** The tmux binary execvp would run, or null when none is on PATH. */
function tmuxBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, TMUX);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

function parseVersion(stdout: string): TmuxVersion {
  const text = stdout.trim().replace(/^tmux\s+/, '');
  const m = /(\d+)\.(\d+)/.exec(text);
  // "next-3.5" and "master" builds are newer than anything we require.
  if (!m) return { major: 99, minor: 0, text };
  return { major: Number(m[1]), minor: Number(m[2]), text };
}

/**
 * `tmux -V`, parsed. Rejects when tmux is missing or older than 3.2. The answer is cached per
 * binary (path, size, mtime) in AMUX_HOME, so a command does not pay a process for it each time.
 */
export function checkTmuxVersion(): Promise<TmuxVersion> {
  versionCache ??= (async () => {
    const bin = tmuxBinary();
    if (!bin) throw new TmuxNotFoundError();
    let key = '';
    let cacheFile = '';
    try {
      const st = statSync(bin);
      key = `${bin}:${st.size}:${st.mtimeMs}`;
      cacheFile = join(amuxHome(), 'tmux-version.json');
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: string; version: TmuxVersion };
      if (cached.key === key) return check(cached.version);
    } catch {
      /* no cache yet */
    }
    const version = await new Promise<TmuxVersion>((resolve, reject) => {
      execFile(bin, ['-V'], { encoding: 'utf8' }, (err, stdout) => {
        if (err) return reject(new TmuxError(['-V'], null, String(err.message)));
        resolve(parseVersion(stdout));
      });
    });
    if (cacheFile) {
      try {
        mkdirSync(amuxHome(), { recursive: true, mode: 0o700 });
        writeFileSync(cacheFile, JSON.stringify({ key, version }), { mode: 0o600 });
      } catch {
        /* a read-only home only costs the next command a process */
      }
    }
    return check(version);
  })();
  return versionCache;
}

function check(v: TmuxVersion): TmuxVersion {
  if (v.major < 3 || (v.major === 3 && v.minor < 2)) throw new TmuxVersionError(v.text);
  return v;
}
