import { readFileSync, readdirSync, writeFileSync, renameSync, unlinkSync, openSync, closeSync, statSync, writeSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { homeDir } from '../util/paths.js';
import { AmuxError, NotFoundError, UsageError } from '../util/errors.js';
import { RECORD_SCHEMA, type SessionRecord } from './types.js';
import { cmp } from '../util/table.js';

/** A record file that cannot be used: named with what is wrong, so it can be shown and removed. */
export interface DamagedRecord {
  id: string;
  file: string;
  problem: string;
}

export class DamagedRecordError extends AmuxError {
  readonly record: DamagedRecord;
  constructor(d: DamagedRecord) {
    super(`the record of session ${d.id.slice(0, 8)} is damaged: ${d.file} ${d.problem}`, { code: 'damaged', hint: `amux rm ${d.id} removes it (and its tmux session, if one runs)` });
    this.name = 'DamagedRecordError';
    this.record = d;
  }
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/** What makes a parsed record unusable (null when it is whole): checked on every read. */
export function recordProblem(x: unknown, id: string): string | null {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'is not a record (not a JSON object)';
  const r = x as Record<string, unknown>;
  if (r.id !== id) return `names id ${JSON.stringify(r.id)}, not the id of its file`;
  for (const k of ['name', 'agent', 'detector', 'project', 'cwd', 'createdAt', 'logFile'] as const) if (!isStr(r[k])) return `has no valid "${k}" (a string)`;
  if (r.workspace !== null && !isStr(r.workspace)) return 'has no valid "workspace" (a string or null)';
  if (!Array.isArray(r.argv) || !r.argv.every(isStr)) return 'has no valid "argv" (a list of strings)';
  if (!Array.isArray(r.tags) || !r.tags.every(isStr)) return 'has no valid "tags" (a list of strings)';
  if (r.parent !== undefined && !isStr(r.parent)) return 'has no valid "parent" (a session id)';
  const t = r.tmux as Record<string, unknown> | undefined;
  if (!t || typeof t !== 'object') return 'has no "tmux" object';
  for (const k of ['socket', 'session', 'sessionId', 'window', 'pane'] as const) if (!isStr(t[k])) return `has no valid "tmux.${k}" (a string)`;
  return null;
}

/** Whether a record lock's holder is gone: its pid is dead, or it is 30 s old (a holder amux cannot check). */
function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Date.now() - statSync(lock).mtimeMs > 30_000) return true;
    if (!Number.isInteger(pid) || pid <= 0) return false; // just created: the pid is being written
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // ESRCH: no such process (the holder crashed); ENOENT: released meanwhile (retry at once).
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Whether a process with this pid runs (false for no pid). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long a watched registry's stamp stands without a change seen (a missed event costs at most this). */
const RESTAMP_MS = 5000;

/** The shortest id prefix that may stand for a session (git's rule): shorter ones are names only. */
export const MIN_ID_PREFIX = 4;

/**
 * The registry of sessions: one JSON file per session, written atomically (temp + rename, 0600),
 * names reserved with exclusive creates so concurrent `amux run`s never share a name, and
 * read-modify-write updates under a per-record lock so no update is lost.
 */
export class Registry {
  readonly dir: string;
  readonly namesDir: string;
  constructor() {
    this.dir = homeDir('sessions');
    this.namesDir = homeDir('names');
  }

  private file(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  /**
   * Reserves `name` for `id`; false when another session holds it. Atomic across processes. The
   * file holds the id, then the reserving process's pid: a reservation whose record is not
   * written yet belongs to a launch still under way as long as that process lives (a batch of a
   * thousand can take longer than any grace period).
   */
  reserveName(name: string, id: string): boolean {
    const path = join(this.namesDir, name);
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${id}\n${process.pid}\n`);
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A reservation whose record is gone (a crashed launch) is stale after a grace period.
      try {
        const [holder, pid] = readFileSync(path, 'utf8').split('\n').map((l) => l.trim());
        const age = Date.now() - statSync(path).mtimeMs;
        if (holder && age > 30_000 && !alive(Number(pid)) && !this.get(holder)) {
          unlinkSync(path);
          return this.reserveName(name, id);
        }
      } catch {
        /* fall through: treat as taken */
      }
      return false;
    }
  }

  releaseName(name: string, id: string): void {
    const path = join(this.namesDir, name);
    try {
      if (readFileSync(path, 'utf8').split('\n')[0]!.trim() === id) unlinkSync(path);
    } catch {
      /* already gone */
    }
  }

  /**
   * The session whose full id or 8-character short id is `name`, if any: such a name would make
   * a reference mean two sessions, so it is refused.
   */
  idClash(name: string): SessionRecord | null {
    // Only a name shaped like an id (8 hex digits, or a whole UUID) can be one: no read otherwise.
    if (!/^[0-9a-f]{8}$|^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(name)) return null;
    const lower = name.toLowerCase();
    return this.list().find((r) => r.id === lower || r.id.slice(0, 8) === lower) ?? null;
  }

  /** Reserves `name` for `id` as a user asked for it: refused when taken or when it is another session's id. */
  reserveExplicit(name: string, id: string): void {
    const clash = this.idClash(name);
    if (clash && clash.id !== id) throw new UsageError(`"${name}" is the id of session ${clash.name}: choose another name`);
    if (!this.reserveName(name, id)) throw new AmuxError(`a session named "${name}" already exists`, { code: 'conflict' });
  }

  /** Reserves the first free name among `base`, `base-2`, `base-3`, ..., passing over the names in `taken`. */
  reserveUnique(base: string, id: string, explicit: boolean, taken: ReadonlySet<string> = new Set()): string {
    if (explicit) {
      this.reserveExplicit(base, id);
      return base;
    }
    const free = (n: string) => !taken.has(n) && !this.idClash(n) && this.reserveName(n, id);
    // A batch in one process goes on from the last name it got: a thousand launches try each
    // name once, not a thousand times (names freed meanwhile below it are left for later).
    const from = this.nextSuffix.get(base) ?? 1;
    if (from === 1 && free(base)) return base;
    for (let n = Math.max(2, from); n < 100_000; n++) {
      const candidate = `${base.slice(0, 58)}-${n}`;
      if (free(candidate)) {
        this.nextSuffix.set(base, n + 1);
        return candidate;
      }
    }
    throw new AmuxError(`no free session name starting with "${base}"`);
  }

  /** Per base name, the suffix after the last generated name this registry reserved (see reserveUnique). */
  private readonly nextSuffix = new Map<string, number>();

  newId(): string {
    // The Web Crypto global: node:crypto is loaded only by commands that create sessions.
    return globalThis.crypto.randomUUID();
  }

  /** A record, or what is wrong with its file, or null when there is no file. */
  private read(id: string): { rec: SessionRecord } | { damaged: DamagedRecord } | null {
    const file = this.file(id);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return { damaged: { id, file, problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` } };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { damaged: { id, file, problem: text.trim() === '' ? 'is empty' : 'is not complete JSON (a write cut short?)' } };
    }
    const problem = recordProblem(value, id);
    return problem ? { damaged: { id, file, problem } } : { rec: value as SessionRecord };
  }

  /** The record with this id; null when there is none. A damaged file is an error, never "absent". */
  get(id: string): SessionRecord | null {
    const r = this.read(id);
    if (r && 'damaged' in r) throw new DamagedRecordError(r.damaged);
    return r ? r.rec : null;
  }

  /** Writes a whole record atomically (temp file + rename), 0600. */
  put(rec: SessionRecord): void {
    rec.schema = RECORD_SCHEMA;
    const path = this.file(rec.id);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n', { mode: 0o600 });
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true }); // a failed write leaves nothing half-done behind
      throw new AmuxError(`cannot write the record of ${rec.name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
  }

  /**
   * Read-modify-write under the record's lock, so concurrent updates of one record are not lost.
   * A record removed meanwhile stays removed: null, and nothing is written.
   */
  async update(id: string, fn: (rec: SessionRecord) => SessionRecord | void): Promise<SessionRecord | null> {
    return this.locked(id, () => {
      const rec = this.get(id);
      if (!rec) return null;
      const next = fn(rec) ?? rec;
      this.put(next);
      return next;
    });
  }

  /**
   * Runs `fn` holding the record's lock: a file created exclusively, holding the holder's pid.
   * Every change to an existing record (update, rename, remove) runs under it, so none of them
   * works from a stale read. Not re-entrant: `fn` must not take the same lock again. A lock is
   * broken only when its holder is dead (or, for a holder amux cannot check, after 30 s).
   */
  async locked<T>(id: string, fn: () => T | Promise<T>): Promise<T> {
    const lock = join(this.dir, `${id}.lock`);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const fd = openSync(lock, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (lockIsStale(lock)) rmSync(lock, { force: true });
        else if (Date.now() > deadline) throw new AmuxError(`timed out waiting for the lock on session ${id.slice(0, 8)} (${lock})`);
        else await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    }
    try {
      return await fn();
    } finally {
      rmSync(lock, { force: true });
    }
  }

  /** Forgets a record and frees its name, under its lock (an update waiting for it then finds nothing). */
  async remove(id: string): Promise<void> {
    await this.locked(id, () => {
      const rec = this.get(id);
      rmSync(this.file(id), { force: true });
      if (rec) this.releaseName(rec.name, id);
    });
  }

  /** Every record, oldest first. Unreadable or foreign files are skipped. */
  list(): SessionRecord[] {
    return this.scan().records;
  }

  /** Every record, oldest first, and every record file that cannot be used (named, never dropped). */
  scan(): { records: SessionRecord[]; damaged: DamagedRecord[] } {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], damaged: [] };
      throw new AmuxError(`cannot read the session registry ${this.dir}: ${(e as NodeJS.ErrnoException).code}`, { cause: e });
    }
    const records: SessionRecord[] = [];
    const damaged: DamagedRecord[] = [];
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      const r = this.read(n.slice(0, -5));
      if (!r) continue; // removed meanwhile
      if ('damaged' in r) damaged.push(r.damaged);
      else records.push(r.rec);
    }
    records.sort((a, b) => cmp(a.createdAt, b.createdAt) || cmp(a.name, b.name));
    return { records, damaged };
  }

  /**
   * Removes a damaged record's file and the name reservations that point at its id. (Its tmux
   * session, if any, is found by the id stamped on its pane: see the core's removeSession.)
   */
  async removeDamaged(d: DamagedRecord): Promise<void> {
    await this.locked(d.id, () => {
      rmSync(d.file, { force: true });
      try {
        for (const n of readdirSync(this.namesDir)) this.releaseName(n, d.id);
      } catch {
        /* no reservations */
      }
    });
  }

  private cache: { stamp: string; records: SessionRecord[]; damaged: DamagedRecord[] } | null = null;

  /**
   * The registry's identity right now: any record written (replaced by rename, or rewritten in
   * place), added or removed changes it.
   */
  stamp(): string {
    // Watched (a long-lived reader): the folder is stat'ed whole only after a change, or every
    // RESTAMP_MS in case a change was missed; a thousand records are not a thousand stats a tick.
    const w = this.watching;
    if (w && !w.dirty && Date.now() - w.at < RESTAMP_MS) return w.stamp;
    if (w) w.dirty = false; // a change from now on marks it again
    const stamp = this.fullStamp();
    if (w) {
      w.stamp = stamp;
      w.at = Date.now();
    }
    return stamp;
  }

  private watching: { watcher: FSWatcher; dirty: boolean; stamp: string; at: number } | null = null;

  /**
   * For a long-lived reader that stamps every tick (the monitor, the TUI): watches the registry
   * folder, so `stamp` reads it again only after something in it changed. Without a way to watch
   * (no folder yet, no inotify), every stamp reads the folder, as before.
   */
  watch(): void {
    if (this.watching) return;
    try {
      const watcher = watch(this.dir, { persistent: false }, () => {
        if (this.watching) this.watching.dirty = true;
      });
      watcher.on('error', () => this.unwatch());
      this.watching = { watcher, dirty: true, stamp: '', at: 0 };
    } catch {
      /* no folder yet: stamp reads it every time */
    }
  }

  unwatch(): void {
    this.watching?.watcher.close();
    this.watching = null;
  }

  private fullStamp(): string {
    try {
      const st = statSync(this.dir);
      const names = readdirSync(this.dir);
      // A record rewritten in place (by hand, or cut short by a crash) changes no folder time:
      // the newest file time and the total size catch it (a stat each, no read).
      let newest = 0;
      let size = 0;
      for (const n of names) {
        try {
          const f = statSync(join(this.dir, n));
          newest = Math.max(newest, f.mtimeMs);
          size += f.size;
        } catch {
          /* removed meanwhile: the folder time says so */
        }
      }
      return `${st.mtimeMs}:${st.ctimeMs}:${names.length}:${newest}:${size}`;
    } catch {
      return '';
    }
  }

  /** The stamp and damaged files of the last `listFor` read (what the monitor publishes with its views). */
  get cached(): { stamp: string; damaged: DamagedRecord[] } {
    return { stamp: this.cache?.stamp ?? '', damaged: this.cache?.damaged ?? [] };
  }

  /**
   * The records of one tmux server, re-read only when the registry folder changed (a record
   * written, added or removed): for long-lived readers (the monitor, the TUI) that look every tick.
   */
  listFor(socketLabel: string, force = false): SessionRecord[] {
    const stamp = this.stamp();
    if (force || !stamp || this.cache?.stamp !== stamp) this.cache = { stamp, ...this.scan() };
    return this.cache.records.filter((r) => r.tmux.socket === socketLabel);
  }

  /**
   * A reference as users type it: a full id (which wins over a name), an exact name, or a unique
   * id prefix of at least 4 characters (git's rule), so a short word that names no session
   * (`2`, `db`, `cafe`) never hits another one. An ambiguous prefix is an error that lists the
   * candidates.
   */
  resolve(ref: string, records: SessionRecord[] = this.list()): SessionRecord {
    const lower = ref.toLowerCase();
    const byId = records.find((r) => r.id === lower);
    if (byId) return byId;
    const byName = records.find((r) => r.name === ref);
    if (byName) return byName;
    const matches = ref.length >= MIN_ID_PREFIX && /^[0-9a-f-]+$/i.test(ref) ? records.filter((r) => r.id.startsWith(lower)) : [];
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      const list = matches.map((r) => `${r.name} (${r.id.slice(0, 8)})`).join(', ');
      throw new AmuxError(`"${ref}" is ambiguous: it matches ${list}`, { code: 'ambiguous', hint: 'give more characters of the id, or the name' });
    }
    const hint = ref.length < MIN_ID_PREFIX && /^[0-9a-f-]+$/i.test(ref) && records.some((r) => r.id.startsWith(lower)) ? ` (an id prefix needs at least ${MIN_ID_PREFIX} characters)` : '';
    throw new NotFoundError(`no session "${ref}"${hint} (see amux ps --all)`);
  }
}
