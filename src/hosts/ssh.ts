/**
 * SSH as amux uses it: the argv of every `ssh` call to another machine, one reused connection per
 * host, and a call with a deadline. Nothing here builds a shell string from user text except
 * `remoteCommand`, which quotes every word for the remote shell with `shQuote`.
 *
 * The connection: `ControlMaster=auto` with a short `ControlPath` under AMUX_HOME and
 * `ControlPersist`, so the first call opens a master and later calls reuse it (no new handshake);
 * `BatchMode=yes` (never a password prompt that would hang a script), `ConnectTimeout`,
 * `ServerAliveInterval` (a dead link is noticed), `StrictHostKeyChecking=accept-new` (a new host
 * is learned, a changed key refused; never `no`). A control socket whose master no longer
 * answers is detected before use and replaced, so nothing waits on it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { rmSync, existsSync, mkdirSync, chmodSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { amuxHome } from '../util/paths.js';
import { shQuote } from '../util/quote.js';
import { parseTarget, DEFAULT_HOST_TIMEOUT_MS, type HostSpec } from './target.js';

export { parseTarget, HOST_NAME, DEFAULT_HOST_TIMEOUT_MS, type SshTarget, type HostSpec } from './target.js';

/** How long an idle master connection stays open after the last call. */
const CONTROL_PERSIST = '10m';

/**
 * The control socket of a host: `AMUX_HOME/ssh/<10 hex>`, a digest of everything that makes the
 * connection (destination, port, key), so two names for one machine share it and a changed entry
 * gets a new one. Unix socket paths are short (108 bytes, and ssh adds a 17-character suffix
 * while creating it): a long AMUX_HOME falls back to a private folder in the temp dir.
 */
export function controlPath(host: HostSpec, env: NodeJS.ProcessEnv = process.env): string {
  const digest = createHash('sha256').update(JSON.stringify([host.ssh, host.identity ?? ''])).digest('hex').slice(0, 10);
  let dir = join(amuxHome(env), 'ssh');
  if (dir.length + 1 + digest.length + 17 > 100) dir = join(tmpdir(), `amux-ssh-${process.getuid?.() ?? 0}`);
  return join(dir, digest);
}

function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch {
    /* raced with removal */
  }
}

/**
 * The remote command line: the remote amux and its arguments, each quoted for a POSIX shell
 * (ssh hands the remote side one string, which its login shell parses).
 */
export function remoteCommand(host: HostSpec, args: readonly string[]): string {
  return [host.amux ?? 'amux', ...args].map(shQuote).join(' ');
}

export interface SshArgvOptions {
  /** Allocate a terminal (`-t`, for attach); otherwise `-T`. */
  tty?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The argv (after `ssh`) of one call running `args` with the remote amux. */
export function sshArgv(host: HostSpec, args: readonly string[], opts: SshArgvOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const t = parseTarget(host.ssh);
  if (!t) throw new Error(`invalid ssh destination ${JSON.stringify(host.ssh)}`);
  const timeoutS = Math.max(1, Math.ceil((host.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS) / 1000));
  const argv: string[] = [];
  // AMUX_SSH_CONFIG: an ssh_config file used instead of ~/.ssh/config (the tests use one).
  if (env.AMUX_SSH_CONFIG) argv.push('-F', env.AMUX_SSH_CONFIG);
  argv.push(
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${timeoutS}`,
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=2',
    '-o', 'StrictHostKeyChecking=accept-new',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${controlPath(host, env)}`,
    '-o', `ControlPersist=${CONTROL_PERSIST}`,
    '-o', 'LogLevel=ERROR',
  );
  if (t.port !== undefined) argv.push('-p', String(t.port));
  if (host.identity) argv.push('-i', host.identity, '-o', 'IdentitiesOnly=yes');
  argv.push(opts.tty ? '-t' : '-T', '--', t.destination, remoteCommand(host, args));
  return argv;
}

/**
 * Makes sure the host's control socket is usable before a call: a socket whose master answers is
 * kept; one nobody listens on is left to ssh (it removes it itself); one that accepts but never
 * says hello (a hung or stopped master) is removed, so the call opens a fresh master instead of
 * waiting forever. Creates the socket's private folder.
 */
export async function healControlSocket(host: HostSpec, env: NodeJS.ProcessEnv = process.env, waitMs = 1500): Promise<'none' | 'alive' | 'stale' | 'replaced'> {
  const path = controlPath(host, env);
  privateDir(join(path, '..'));
  if (!existsSync(path)) return 'none';
  const verdict = await new Promise<'alive' | 'stale' | 'hung'>((resolve) => {
    const sock = connect(path);
    const done = (v: 'alive' | 'stale' | 'hung') => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    // A live master greets every new client at once (the mux protocol's hello).
    const timer = setTimeout(() => done('hung'), waitMs);
    sock.once('data', () => done('alive'));
    sock.once('error', () => done('stale'));
    sock.once('close', () => done('stale'));
  });
  if (verdict === 'hung') {
    rmSync(path, { force: true });
    return 'replaced';
  }
  return verdict;
}

export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The deadline passed: the call was killed. */
  timedOut: boolean;
}

export interface SshCallOptions {
  /** Written to the remote command's standard input. */
  input?: string;
  /** Kill the call after this long (no deadline when undefined). */
  timeoutMs?: number;
  /** Each line the remote side writes to stderr, as it comes. */
  onStderrLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Runs the remote amux with `args` over the host's reused connection. Never throws for a failed call. */
export async function sshCall(host: HostSpec, args: readonly string[], opts: SshCallOptions = {}): Promise<SshResult> {
  const env = opts.env ?? process.env;
  await healControlSocket(host, env);
  const argv = sshArgv(host, args, { env });
  return new Promise((resolve) => {
    const child = spawn('ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errLine = '';
    let timedOut = false;
    let settled = false;
    let exitCode: number | null = null;
    let open = 2;
    const ended = () => {
      if (--open === 0 && exitCode !== null) finish(exitCode);
    };
    child.stdout.on('end', ended);
    child.stderr.on('end', ended);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (!opts.onStderrLine) return;
      errLine += b.toString('utf8');
      let i;
      while ((i = errLine.indexOf('\n')) >= 0) {
        opts.onStderrLine(errLine.slice(0, i));
        errLine = errLine.slice(i + 1);
      }
    });
    const timer = opts.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), opts.timeoutMs) : null;
    const finish = (code: number) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    };
    child.on('error', (e) => {
      err.push(Buffer.from(`${e.message}\n`));
      finish(255);
    });
    // A master started by this call runs on in the background: never wait for pipes it might
    // hold, only for this process (and a moment for its last output).
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 255 : 1);
      if (open === 0) finish(exitCode);
      else setTimeout(() => finish(exitCode!), 200);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Closes the host's master connection (after a timeout: the next call starts afresh). */
export async function closeMaster(host: HostSpec, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = controlPath(host, env);
  if (!existsSync(path)) return;
  const t = parseTarget(host.ssh);
  if (!t) return;
  await new Promise<void>((resolve) => {
    const config = env.AMUX_SSH_CONFIG ? ['-F', env.AMUX_SSH_CONFIG] : [];
    const child = spawn('ssh', [...config, '-o', `ControlPath=${path}`, '-O', 'exit', t.destination], { stdio: 'ignore', env });
    const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
    child.on('exit', () => (clearTimeout(timer), resolve()));
    child.on('error', () => (clearTimeout(timer), resolve()));
  });
  rmSync(path, { force: true });
}
