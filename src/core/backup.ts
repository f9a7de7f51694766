/**
 * Saving and restoring: one session to a file and back (`save`/`restore`), and the whole
 * registry with every log (`backup`/`restore-backup`, idempotent: what is already here is left
 * alone). Files are written 0600: records and logs can hold secrets.
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { CoreContext } from './context.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { resolveView } from './sessions.js';
import { recordProblem } from '../session/registry.js';
import type { SessionRecord } from '../session/types.js';
import { homeDir } from '../util/paths.js';
import { logParts, rotationName } from '../session/rotation.js';
import { invalidateSnapshot } from '../state/snapshot.js';
import type { SessionInfo } from '../state/model.js';

const SAVE_FORMAT = 'amux-session';
const BACKUP_FORMAT = 'amux-backup';

function conversationOf(rec: SessionRecord): string | null {
  const r = rec as SessionRecord & { conversationId?: unknown; conversation?: { id?: unknown } };
  return typeof r.conversationId === 'string' ? r.conversationId : typeof r.conversation?.id === 'string' ? r.conversation.id : null;
}

export interface SaveOutput {
  session: string;
  id: string;
  file: string;
  lines: number;
  conversationId: string | null;
}

/** Writes one session to `to`: its record, conversation id and the last `lines` lines of its transcript (default 500). */
export async function saveSession(ctx: CoreContext, input: { session: string; to: string; lines?: number }): Promise<SaveOutput> {
  const n = input.lines ?? 500;
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`lines must be a whole number, got ${n}`);
  const v = await resolveView(ctx, input.session);
  const { readTranscript } = await import('./transcript.js');
  const { text } = await readTranscript(ctx, { session: v.record.id });
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  const lines = n === 0 ? [] : all.slice(-n);
  const doc = { format: SAVE_FORMAT, version: 1, savedAt: new Date().toISOString(), record: v.record, conversationId: conversationOf(v.record), lines };
  try {
    writeFileSync(input.to, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
  } catch (e) {
    throw new AmuxError(`cannot write ${input.to}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { session: v.record.name, id: v.record.id, file: input.to, lines: lines.length, conversationId: doc.conversationId };
}

function readSaved(file: string): { record: SessionRecord; conversationId: string | null; lines: string[] } {
  let doc: { format?: unknown; record?: unknown; conversationId?: unknown; lines?: unknown };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'not a saved session (not JSON)'}`);
  }
  if (!doc || doc.format !== SAVE_FORMAT) throw new UsageError(`${file} is not a session saved by amux save`);
  const rec = doc.record as SessionRecord;
  const problem = recordProblem(rec, (rec as { id?: string } | undefined)?.id ?? '');
  if (problem) throw new AmuxError(`${file}: the saved record ${problem}`, { code: 'damaged' });
  const lines = Array.isArray(doc.lines) ? doc.lines.filter((l): l is string => typeof l === 'string') : [];
  return { record: rec, conversationId: typeof doc.conversationId === 'string' ? doc.conversationId : null, lines };
}

/** A record as it belongs here: this server, this AMUX_HOME's log path, a name it may hold. */
function adopt(ctx: CoreContext, rec: SessionRecord): SessionRecord {
  const logFile = join(homeDir('logs'), `${rec.id}.log`);
  const name = ctx.registry.reserveUnique(rec.name, rec.id, false);
  return { ...rec, name, logFile, tmux: { ...rec.tmux, socket: ctx.server.label } };
}

export interface RestoreOutput {
  /** The restored session (lost until relaunched: no tmux pane is its own). */
  session: string;
  id: string;
  /** False when a session with this id is here already (nothing changed). */
  restored: boolean;
  conversationId: string | null;
  /** With relaunch: the session started in its place. */
  relaunched: SessionInfo | null;
}

/**
 * Restores a saved session: its record comes back (listed as lost: its process is gone) with the
 * saved lines as its log, so `info`, `logs` and `transcript` read it. With `relaunch`, the same
 * agent starts again in the same folder with the same name and tags instead.
 */
export async function restoreSession(ctx: CoreContext, input: { from: string; relaunch?: boolean }): Promise<RestoreOutput> {
  const saved = readSaved(input.from);
  const old = saved.record;
  if (input.relaunch) {
    const { startSessions } = await import('./start.js');
    const { shQuote } = await import('../util/quote.js');
    const command = old.agent !== 'command' ? undefined : old.argv.length === 3 && old.argv[1] === '-c' ? old.argv[2] : old.argv.map(shQuote).join(' ');
    const here = ctx.registry.get(old.id);
    const free = !here && !ctx.registry.list().some((r) => r.name === old.name);
    const projectCtx: CoreContext = { ...ctx, cwd: old.workspace ? old.project : existsSync(old.cwd) ? old.cwd : old.project };
    if (projectCtx.cwd !== ctx.cwd) {
      const { loadConfig } = await import('../config/load.js');
      let cfg: ReturnType<typeof loadConfig> | undefined;
      projectCtx.config = async () => (cfg ??= loadConfig({ cwd: projectCtx.cwd, env: ctx.env }));
    }
    const r = await startSessions(projectCtx, {
      ...(command !== undefined ? { command } : { agents: [old.agent] }),
      ...(old.workspace ? { workspace: old.workspace } : {}),
      ...(free ? { name: old.name } : {}),
      tags: old.tags,
    });
    if (!r.started.length) throw new AmuxError(`cannot relaunch ${old.name}: ${r.failed.map((f) => f.message).join('; ')}`);
    return { session: r.started[0]!.name, id: r.started[0]!.id, restored: true, conversationId: saved.conversationId, relaunched: r.started[0]! };
  }
  const existing = ctx.registry.get(old.id);
  if (existing) return { session: existing.name, id: existing.id, restored: false, conversationId: saved.conversationId, relaunched: null };
  const rec = adopt(ctx, old);
  writeFileSync(rec.logFile, saved.lines.length ? saved.lines.join('\r\n') + '\r\n' : '', { mode: 0o600 });
  ctx.registry.put(rec);
  invalidateSnapshot(ctx.server.socket);
  return { session: rec.name, id: rec.id, restored: true, conversationId: saved.conversationId, relaunched: null };
}

export interface BackupOutput {
  file: string;
  sessions: number;
  bytes: number;
}

/**
 * Writes every session record of this server with its whole log (every rotation) and time marks
 * to one gzip file of JSON lines: a header, then one line per session.
 */
export async function backupSessions(ctx: CoreContext, input: { to: string }): Promise<BackupOutput> {
  const records = ctx.registry.list().filter((r) => r.tmux.socket === ctx.server.label);
  const gz = createGzip();
  const out = createWriteStream(input.to, { mode: 0o600 });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('error', reject);
    gz.on('error', reject);
  });
  gz.pipe(out);
  const put = async (obj: unknown) => {
    if (!gz.write(JSON.stringify(obj) + '\n')) await once(gz, 'drain');
  };
  let bytes = 0;
  await put({ format: BACKUP_FORMAT, version: 1, createdAt: new Date().toISOString(), sessions: records.length });
  for (const rec of records) {
    // Every part, oldest first, with its rotation number (0 is the current file).
    const parts = logParts(rec.logFile).map((p, i, all) => ({ n: all.length - 1 - i, data: readFileSync(p, { flag: 'r' }).toString('base64') }));
    bytes += parts.reduce((s, p) => s + p.data.length, 0);
    let index: string | null = null;
    try {
      index = readFileSync(rec.logFile + '.idx', 'utf8');
    } catch {
      /* no time marks */
    }
    await put({ record: rec, log: parts, index });
  }
  gz.end();
  await done.catch((e: NodeJS.ErrnoException) => {
    throw new AmuxError(`cannot write ${input.to}: ${e.code ?? e.message}`);
  });
  return { file: input.to, sessions: records.length, bytes };
}

export interface RestoreBackupOutput {
  restored: string[];
  /** Sessions already here (by id): left as they are. */
  skipped: string[];
}

/** Restores a backup: every session not already here (by id) comes back with its logs; running it again changes nothing. */
export async function restoreBackup(ctx: CoreContext, input: { file: string }): Promise<RestoreBackupOutput> {
  if (!existsSync(input.file)) throw new UsageError(`no such file: ${input.file}`);
  const rl = createInterface({ input: createReadStream(input.file).pipe(createGunzip()), crlfDelay: Infinity });
  const restored: string[] = [];
  const skipped: string[] = [];
  let first = true;
  try {
    for await (const line of rl) {
      if (!line.trim()) continue;
      const obj = JSON.parse(line) as { format?: string; record?: SessionRecord; log?: { n: number; data: string }[]; index?: string | null };
      if (first) {
        first = false;
        if (obj.format !== BACKUP_FORMAT) throw new UsageError(`${input.file} is not an amux backup`);
        continue;
      }
      const old = obj.record;
      if (!old || recordProblem(old, old.id) !== null) continue;
      if (ctx.registry.get(old.id)) {
        skipped.push(old.name);
        continue;
      }
      const rec = adopt(ctx, old);
      for (const part of obj.log ?? []) writeFileSync(rotationName(rec.logFile, part.n), Buffer.from(part.data, 'base64'), { mode: 0o600 });
      if (typeof obj.index === 'string') writeFileSync(rec.logFile + '.idx', obj.index, { mode: 0o600 });
      ctx.registry.put(rec);
      restored.push(rec.name);
    }
  } catch (e) {
    if (e instanceof AmuxError) throw e;
    throw new AmuxError(`cannot read the backup ${input.file}: ${(e as Error).message}`, { code: 'damaged' });
  }
  if (restored.length) invalidateSnapshot(ctx.server.socket);
  return { restored, skipped };
}
