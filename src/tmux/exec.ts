import { execFile, spawn } from 'node:child_process';
import { TmuxError, TmuxNotFoundError, TmuxVersionError, ServerNotRunningError, isNoServer } from './errors.js';

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
export function socketLabel(s: SocketChoice): string {
  return s.name ?? s.path ?? 'default';
}

export interface ExecOptions {
  /** Written to tmux's stdin (e.g. `load-buffer -`). Never goes on a command line. */
  input?: string | Buffer;
  /** Environment for the tmux client (and a server it starts). */
  env?: NodeJS.ProcessEnv;
}

/** Runs one tmux command (or a `;`-separated sequence given as separate argv words). */
export function execTmux(socket: SocketChoice, args: string[], opts: ExecOptions = {}): Promise<string> {
  const argv = [...socketArgs(socket), ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'tmux',
      argv,
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { code?: unknown };
        if (e.code === 'ENOENT') return reject(new TmuxNotFoundError());
        if (isNoServer(stderr) && !args.includes('new-session')) {
          return reject(new ServerNotRunningError(describeSocket(socket)));
        }
        reject(new TmuxError(args, typeof e.code === 'number' ? e.code : null, stderr));
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs tmux with the terminal handed over (attach, switch-client, popups). Resolves to the exit code. */
export function execTmuxInteractive(socket: SocketChoice, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('tmux', [...socketArgs(socket), ...args], { stdio: 'inherit' });
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new TmuxNotFoundError() : e));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

let versionCache: Promise<{ major: number; minor: number; text: string }> | undefined;

/** `tmux -V`, parsed. Rejects when tmux is missing or older than 3.2. */
export function checkTmuxVersion(): Promise<{ major: number; minor: number; text: string }> {
  versionCache ??= new Promise((resolve, reject) => {
    execFile('tmux', ['-V'], { encoding: 'utf8' }, (err, stdout) => {
      if (err) {
        const e = err as NodeJS.ErrnoException;
        return reject(e.code === 'ENOENT' ? new TmuxNotFoundError() : new TmuxError(['-V'], null, String(err.message)));
      }
      const text = stdout.trim().replace(/^tmux\s+/, '');
      const m = /(\d+)\.(\d+)/.exec(text);
      // "next-3.5" and "master" builds are newer than anything we require.
      if (!m) return resolve({ major: 99, minor: 0, text });
      const major = Number(m[1]);
      const minor = Number(m[2]);
      if (major < 3 || (major === 3 && minor < 2)) return reject(new TmuxVersionError(text));
      resolve({ major, minor, text });
    });
  });
  return versionCache;
}
