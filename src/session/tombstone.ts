import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { homeDir } from '../util/paths.js';
import type { SessionRecord } from './types.js';

/**
 * What `amux rm` leaves behind (AMUX_HOME/tombstones/<id>.json): which session had a name and
 * when it went. Everything a session owns is keyed by its id (record, run folder, logs), so a
 * new session under a reused name starts with nothing of the old one's; the tombstone lets amux
 * say "removed" rather than "never existed", and keeps kept logs findable by the old id.
 */
export interface Tombstone {
  id: string;
  name: string;
  agent: string;
  project: string;
  workspace: string | null;
  createdAt: string;
  removedAt: string;
  /** The log kept by `rm --keep-logs`, else null. */
  logFile: string | null;
}

export function writeTombstone(rec: SessionRecord, keptLogs: boolean): void {
  const t: Tombstone = {
    id: rec.id,
    name: rec.name,
    agent: rec.agent,
    project: rec.project,
    workspace: rec.workspace,
    createdAt: rec.createdAt,
    removedAt: new Date().toISOString(),
    logFile: keptLogs ? rec.logFile : null,
  };
  try {
    writeFileSync(join(homeDir('tombstones'), `${rec.id}.json`), JSON.stringify(t) + '\n', { mode: 0o600 });
  } catch {
    /* best effort: the removal itself is done */
  }
}

/** Every tombstone, newest removal first. */
export function listTombstones(): Tombstone[] {
  let names: string[];
  const dir = homeDir('tombstones');
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Tombstone[] = [];
  for (const n of names) {
    if (!n.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, n), 'utf8')) as Tombstone);
    } catch {
      /* a damaged tombstone says nothing */
    }
  }
  return out.sort((a, b) => (a.removedAt < b.removedAt ? 1 : a.removedAt > b.removedAt ? -1 : 0));
}

/** The tombstones of sessions that had this name or id (prefix of 4+). */
export function tombstonesFor(ref: string): Tombstone[] {
  const lower = ref.toLowerCase();
  return listTombstones().filter((t) => t.name === ref || t.id === lower || (ref.length >= 4 && t.id.startsWith(lower)));
}
