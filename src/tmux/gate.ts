/**
 * The connect gate: keeps amux's own tmux commands out of the moment a control client connects.
 *
 * tmux 3.3a crashes the whole server (a NULL `control_state`, SIGSEGV at address 0x20; fixed
 * upstream much later) when it sends a control notification that lacks the guard —
 * session-created, session-closed, session-renamed, paste-buffer-changed/-deleted,
 * client-detached, pane-mode-changed — while a control client is between its identify messages.
 * That window always exists: the client passes its stdin and stdout as file descriptors, and tmux
 * runs other clients' commands between the reads. Seen here: 20 concurrent `amux run`s while the
 * monitor connected killed the server in about 1 run of 15, losing the sessions made so far.
 *
 * So a control client connects holding the gate exclusively, and every amux command that changes
 * the server holds it shared: files in one folder per server, a marker per holder, checked after
 * writing one's own marker (so of two racing sides at least one sees the other). A holder whose
 * process is gone is ignored. Nothing here waits longer than `MAX_WAIT_MS`; past that it goes on,
 * as amux did before the gate.
 */
import { closeSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { privateDir } from '../util/paths.js';

const MAX_WAIT_MS = 10_000;
const EXCLUSIVE = 'x';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Beside the server's socket (`.amux-gate-NAME` in tmux's own private folder), so every amux
 * process talking to that server meets the same gate, whatever its AMUX_HOME.
 */
export function gateDir(serverLabel: string): string {
  return privateDir(join(dirname(serverLabel), `.amux-gate-${basename(serverLabel)}`));
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes a marker file with O_EXCL; false when it exists. */
function mark(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function unmark(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** Whether the marker names a live holder; a dead holder's marker is removed. */
function held(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) return true;
  // Written but not yet filled (a racing open), or its holder died.
  try {
    if (!pid && Date.now() - statSync(path).mtimeMs < 1000) return true;
  } catch {
    return false;
  }
  unmark(path);
  return false;
}

/** One try at entering shared: the marker stays when no control client is connecting. */
function enterShared(dir: string, mine: string, deadline: number): boolean {
  mark(mine);
  if (!held(join(dir, EXCLUSIVE)) || Date.now() > deadline) return true;
  unmark(mine);
  return false;
}

function sharedMarker(serverLabel: string): { dir: string; mine: string } | null {
  try {
    const dir = gateDir(serverLabel);
    return { dir, mine: join(dir, `s.${process.pid}.${Math.random().toString(36).slice(2, 10)}`) };
  } catch {
    return null; // no state folder to coordinate in: go on as before
  }
}

/** Runs `fn` while no control client of this server is connecting. */
export async function withShared<T>(serverLabel: string, fn: () => Promise<T>): Promise<T> {
  const m = sharedMarker(serverLabel);
  if (!m) return fn();
  const deadline = Date.now() + MAX_WAIT_MS;
  while (!enterShared(m.dir, m.mine, deadline)) await sleep(5 + Math.random() * 10);
  try {
    return await fn();
  } finally {
    unmark(m.mine);
  }
}

/** `withShared` for synchronous callers (a test harness's `execFileSync('tmux', …)`). */
export function withSharedSync<T>(serverLabel: string, fn: () => T): T {
  const m = sharedMarker(serverLabel);
  if (!m) return fn();
  const deadline = Date.now() + MAX_WAIT_MS;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (!enterShared(m.dir, m.mine, deadline)) Atomics.wait(nap, 0, 0, 5 + Math.random() * 10);
  try {
    return fn();
  } finally {
    unmark(m.mine);
  }
}

/** Runs `fn` (a control client's connect, up to its first reply) with no amux command in flight. */
export async function withExclusive<T>(serverLabel: string, fn: () => Promise<T>): Promise<T> {
  let dir: string;
  try {
    dir = gateDir(serverLabel);
  } catch {
    return fn();
  }
  const x = join(dir, EXCLUSIVE);
  const deadline = Date.now() + MAX_WAIT_MS;
  let mine = false;
  while (!(mine = mark(x)) && Date.now() < deadline) {
    if (!held(x)) continue;
    await sleep(10 + Math.random() * 10);
  }
  try {
    // Commands already under way finish first; new ones wait for us.
    while (Date.now() < deadline) {
      const busy = readdirSync(dir).filter((f) => f.startsWith('s.') && held(join(dir, f)));
      if (busy.length === 0) break;
      await sleep(3);
    }
    return await fn();
  } finally {
    if (mine) unmark(x);
  }
}
