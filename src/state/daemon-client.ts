import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ENTRY } from '../util/root.js';
import { homeDir } from '../util/paths.js';
import { version } from '../version.js';
import { resolveSocket, socketLabel, type SocketChoice } from '../tmux/exec.js';

/**
 * Finding, starting and stopping the one monitor daemon of a tmux server. Its pid file is the
 * single-instance lock (created exclusively by the daemon itself); starting is serialised by a
 * second lock so concurrent `amux run`/`ps` start it only once. A daemon of another amux version
 * is replaced.
 */
export interface DaemonInfo {
  pid: number;
  version: string;
  socket: string;
  startedAt: string;
  log: string;
}

function keyOf(socket: SocketChoice): string {
  return socketLabel(socket).replace(/[^A-Za-z0-9_.-]+/g, '_').slice(-80) || 'default';
}

/** Unix socket paths are short (108 bytes on Linux, 104 on macOS, the NUL included). */
const SOCKET_PATH_MAX = 100;

/**
 * The monitor's event socket (see event-server.ts): `KEY.sock` beside the pid file, else a
 * hashed name when that path is too long for a unix socket, else null (no event API: readers poll).
 */
function eventsPath(dir: string, key: string): string | null {
  const plain = join(dir, `${key}.sock`);
  if (Buffer.byteLength(plain) <= SOCKET_PATH_MAX) return plain;
  const hashed = join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}.sock`);
  return Buffer.byteLength(hashed) <= SOCKET_PATH_MAX ? hashed : null;
}

export function daemonPaths(socket: SocketChoice) {
  const dir = homeDir('daemon');
  const key = keyOf(socket);
  return {
    dir,
    pid: join(dir, `${key}.pid`),
    starting: join(dir, `${key}.starting`),
    log: join(dir, `${key}.log`),
    panes: join(dir, `${key}.panes.json`),
    events: eventsPath(dir, key),
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed daemon whose parent never reaps it (PID 1 in some containers) stays a zombie.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): signal 0 is the answer
  }
}

export function readDaemon(socket: SocketChoice): DaemonInfo | null {
  try {
    const info = JSON.parse(readFileSync(daemonPaths(socket).pid, 'utf8')) as DaemonInfo;
    return info.pid && alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/**
 * Claims the pid file for this process. Returns false when another live daemon holds it.
 * Called by the daemon at start-up.
 */
export function claimPidFile(socket: SocketChoice, info: DaemonInfo): boolean {
  const { pid } = daemonPaths(socket);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(pid, 'wx', 0o600);
      writeFileSync(fd, JSON.stringify(info));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const other = readDaemonRaw(pid);
      if (other && other.pid !== process.pid && alive(other.pid)) return false;
      // Stale: its owner died. Replace it atomically, then re-check nobody else won.
      const tmp = `${pid}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
      renameSync(tmp, pid);
      const now = readDaemonRaw(pid);
      if (now?.pid === process.pid) return true;
    }
  }
  return false;
}

function readDaemonRaw(path: string): DaemonInfo | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DaemonInfo;
  } catch {
    return null;
  }
}

/**
 * The daemon's heartbeat for other amux processes: it touches its pid file at every tick (and
 * while it reconnects), so "alive but not ticking" is one stat away (see `isHung`).
 */
export function touchPidFile(socket: SocketChoice): void {
  const now = new Date();
  try {
    utimesSync(daemonPaths(socket).pid, now, now);
  } catch {
    /* gone: the next claim writes it again */
  }
}

/** A live daemon whose heartbeat stopped this long ago hangs (frozen, stuck in a call): it is replaced. */
export const HUNG_AFTER_MS = 6000;

/** True when the pid file's daemon has not touched it for HUNG_AFTER_MS (see `touchPidFile`). */
export function isHung(socket: SocketChoice, now = Date.now()): boolean {
  try {
    return now - statSync(daemonPaths(socket).pid).mtimeMs > HUNG_AFTER_MS;
  } catch {
    return false;
  }
}

export function releasePidFile(socket: SocketChoice): void {
  const { pid } = daemonPaths(socket);
  const info = readDaemonRaw(pid);
  if (info?.pid === process.pid) {
    try {
      unlinkSync(pid);
    } catch {
      /* gone */
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await sleep(50);
  }
  return !alive(pid);
}

/** Stops the daemon of this server; true when one was running. */
export async function stopDaemon(socket: SocketChoice = resolveSocket()): Promise<boolean> {
  const info = readDaemon(socket);
  if (!info) return false;
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return false;
  }
  if (!(await waitGone(info.pid, 3000))) {
    try {
      process.kill(info.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    await waitGone(info.pid, 1000);
  }
  return true;
}

/**
 * Makes sure this server's daemon runs (the current version). Cheap when it does: one file read
 * and a signal-0 probe. Returns its info and whether it was started now.
 */
export async function ensureDaemon(socket: SocketChoice = resolveSocket()): Promise<{ info: DaemonInfo | null; started: boolean }> {
  if (process.env.AMUX_NO_DAEMON === '1') return { info: null, started: false };
  const current = readDaemon(socket);
  if (current && current.version === version && !isHung(socket)) return { info: current, started: false };
  const paths = daemonPaths(socket);
  let haveLock = false;
  try {
    closeSync(openSync(paths.starting, 'wx', 0o600));
    haveLock = true;
  } catch {
    try {
      if (Date.now() - statSync(paths.starting).mtimeMs > 10_000) unlinkSync(paths.starting);
    } catch {
      /* gone */
    }
  }
  try {
    if (!haveLock) {
      // Someone else is starting it: wait for the pid file.
      for (let i = 0; i < 60; i++) {
        const d = readDaemon(socket);
        if (d && d.version === version) return { info: d, started: false };
        await sleep(50);
      }
      return { info: readDaemon(socket), started: false };
    }
    const again = readDaemon(socket);
    if (again && isHung(socket)) await killHung(again.pid);
    else if (again && again.version === version) return { info: again, started: false };
    else if (again) await stopDaemon(socket); // an older amux's daemon: replace it
    const cli = CLI_ENTRY;
    const log = openSync(paths.log, 'a', 0o600);
    const child = spawn(process.execPath, [cli, 'daemon', 'run'], {
      detached: true,
      stdio: ['ignore', log, log],
      // stdout/stderr catch a crash; the daemon's own lines go through AMUX_DAEMON_LOG, capped.
      env: { ...process.env, AMUX_DAEMON_SOCKET: JSON.stringify(socket), AMUX_DAEMON_LOG: paths.log },
      cwd: homeDir(),
    });
    closeSync(log);
    child.unref();
    for (let i = 0; i < 100; i++) {
      const d = readDaemon(socket);
      if (d && d.pid === child.pid) return { info: d, started: true };
      if (child.exitCode !== null) break;
      await sleep(30);
    }
    return { info: readDaemon(socket), started: true };
  } finally {
    if (haveLock) {
      try {
        unlinkSync(paths.starting);
      } catch {
        /* gone */
      }
    }
  }
}

/**
 * Ends a hung daemon at once: SIGKILL, since a frozen (SIGSTOP) or stuck process handles no
 * SIGTERM. Its control client sees EOF on its stdin and leaves; its pid file is then stale and
 * the next daemon claims it.
 */
async function killHung(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // gone meanwhile
  }
  await waitGone(pid, 1000);
}

/** What ensureMonitor needs of a Server. */
export interface MonitoredServer {
  socket: SocketChoice;
  isRunning(): Promise<boolean>;
  getGlobalOption(name: '@amux_daemon_ready'): Promise<string | null>;
}

/**
 * Makes sure the monitor runs and, when it was only just started (or a hung one replaced), waits
 * for its first publish, so what the caller reads next is live. What every command that reads
 * or acts on sessions calls (through the core). With no tmux server nothing is started: the
 * monitor would find nothing to watch and exit, and every record reads as lost at once.
 */
export async function ensureMonitor(server: MonitoredServer): Promise<boolean> {
  if (!readDaemon(server.socket) && !(await server.isRunning())) return false;
  const { info, started } = await ensureDaemon(server.socket);
  if (started && info) await waitReady(server, info.pid);
  return started;
}

/**
 * Waits (up to `ms`) for the first publish of the monitor `pid`: the ready flag carries the pid
 * of the monitor that set it, so the flag a killed monitor left behind does not count.
 */
export async function waitReady(server: Pick<MonitoredServer, 'getGlobalOption'>, pid: number, ms = 2500): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await server.getGlobalOption('@amux_daemon_ready')) === String(pid)) return true;
    await sleep(40);
  }
  return false;
}
