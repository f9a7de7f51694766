import { readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import type { PaneRow } from '../tmux/formats.js';
import type { SocketChoice } from '../tmux/exec.js';
import type { SessionRecord } from '../session/types.js';
import type { DamagedRecord } from '../session/registry.js';
import { viewJson, type SessionInfo } from './model.js';
import type { PublishedTick } from './monitor.js';
import { daemonPaths, readDaemon } from './daemon-client.js';

/**
 * The monitor's published snapshot: the amux panes of its last whole-server read, with the
 * states it just published, in one file. `ps` reads it instead of starting a tmux client of its
 * own when it is fresh (the daemon touches it every tick) and covers every record; anything
 * newer than the snapshot, or missing from it, sends `ps` to tmux itself, so a session is never
 * called lost on the snapshot's word alone.
 */
export const SNAPSHOT_MAX_AGE_MS = 1000;

const file = (socket: SocketChoice) => daemonPaths(socket).panes;

/** What the snapshot file holds. */
interface Snapshot {
  at: number;
  pid: number;
  rows: PaneRow[];
  /** Every record of this server as `ps --json` shows it, as of `at`. */
  sessions: SessionInfo[];
  /** The registry folder's stamp when the monitor read it, and the damaged files it found. */
  registry: { stamp: string; damaged: DamagedRecord[] };
}

export class SnapshotWriter {
  private last = '';
  private readonly path: string;
  constructor(socket: SocketChoice) {
    this.path = file(socket);
  }
  write(tick: PublishedTick): void {
    const snap: Omit<Snapshot, 'at' | 'pid'> = { rows: tick.rows, sessions: tick.views.map(viewJson), registry: tick.registry };
    const body = JSON.stringify(snap);
    try {
      if (body === this.last) {
        const t = new Date(tick.at);
        utimesSync(this.path, t, t);
        return;
      }
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ at: tick.at, pid: process.pid, ...snap }), { mode: 0o600 });
      renameSync(tmp, this.path);
      this.last = body;
    } catch {
      this.last = ''; // rewrite next time
    }
  }
}

/**
 * Called by every amux command that changes sessions (run, stop, rm, keys, send): the next `ps`
 * reads tmux itself rather than a snapshot from before the change; the monitor writes a new one
 * on its next tick.
 */
export function invalidateSnapshot(socket: SocketChoice): void {
  removeSnapshot(socket);
}

export function removeSnapshot(socket: SocketChoice): void {
  try {
    unlinkSync(file(socket));
  } catch {
    /* none */
  }
}

/**
 * The published panes when they can stand in for a live read of `records`: the daemon is alive,
 * touched the file within SNAPSHOT_MAX_AGE_MS, and every live-looking record is in it. Else null.
 */
export function readSnapshot(socket: SocketChoice, records: SessionRecord[], now = Date.now()): PaneRow[] | null {
  const fresh = readFresh(socket, now);
  if (!fresh) return null;
  const { snap, st } = fresh;
  try {
    const ids = new Set(snap.rows.map((r) => r.opts.id));
    const taken = st.mtimeMs;
    for (const r of records) {
      // Launched after the daemon's last read, or absent from it: only tmux can say.
      if (!ids.has(r.id) && Date.parse(r.createdAt) > taken - 5000) return null;
    }
    return snap.rows;
  } catch {
    return null;
  }
}

/** The snapshot when the daemon that wrote it is alive and touched it within SNAPSHOT_MAX_AGE_MS. */
function readFresh(socket: SocketChoice, now: number): { snap: Snapshot; st: { mtimeMs: number } } | null {
  const path = file(socket);
  try {
    const st = statSync(path);
    if (now - st.mtimeMs > SNAPSHOT_MAX_AGE_MS) return null;
    const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
    const daemon = readDaemon(socket);
    if (!daemon || daemon.pid !== snap.pid) return null;
    return { snap, st };
  } catch {
    return null;
  }
}

/**
 * The sessions exactly as the monitor showed them at its last tick, when that can stand in for a
 * fresh read: the snapshot is fresh and the registry has not changed since the monitor read it
 * (same stamp), so the list covers every record. `ps --json` then reads one file instead of every
 * record, log and pane. Else null.
 */
export function readPublishedSessions(socket: SocketChoice, registryStamp: string, now = Date.now()): { sessions: SessionInfo[]; damaged: DamagedRecord[] } | null {
  const fresh = readFresh(socket, now);
  if (!fresh || !registryStamp || !Array.isArray(fresh.snap.sessions) || fresh.snap.registry?.stamp !== registryStamp) return null;
  return { sessions: fresh.snap.sessions, damaged: fresh.snap.registry.damaged ?? [] };
}
