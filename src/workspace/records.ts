import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync, openSync, closeSync, writeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { AmuxError } from '../util/errors.js';
import { NAME_RE } from '../tmux/names.js';

/**
 * What amux remembers about a workspace, one JSON file per workspace in the repository's git
 * directory (`.git/amux/workspaces/NAME.json`): out of the work tree, so it never shows in
 * `git status`, shared by every worktree, and gone with the repository.
 */
export const WORKSPACE_RECORD_SCHEMA = 1;

export interface WorkspaceRecord {
  schema: number;
  name: string;
  /** Absolute path of the worktree. */
  path: string;
  /** Short branch name (`amux/NAME` unless --branch). */
  branch: string;
  /** True when amux created the branch (so removing the workspace may delete it). */
  ownsBranch: boolean;
  /** The commit the workspace started from. */
  base: string;
  /** What the user named as the base (`main`, a tag, `HEAD`...). */
  baseRef: string;
  createdAt: string;
  /** Files copied in from the main checkout, relative to the worktree, with their sha256. */
  copied: Record<string, string>;
  setup: 'none' | 'ok' | 'failed';
}

function dir(commonDir: string): string {
  return join(commonDir, 'amux', 'workspaces');
}

export function readRecord(commonDir: string, name: string): WorkspaceRecord | null {
  try {
    const rec = JSON.parse(readFileSync(join(dir(commonDir), `${name}.json`), 'utf8')) as WorkspaceRecord;
    if (!rec || typeof rec.name !== 'string' || typeof rec.path !== 'string' || typeof rec.branch !== 'string') return null;
    rec.copied ??= {};
    return rec;
  } catch {
    return null;
  }
}

export function readRecords(commonDir: string): WorkspaceRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir(commonDir));
  } catch {
    return [];
  }
  const out: WorkspaceRecord[] = [];
  for (const f of names) {
    if (!f.endsWith('.json') || !NAME_RE.test(f.slice(0, -5))) continue;
    const rec = readRecord(commonDir, f.slice(0, -5));
    if (rec) out.push(rec);
  }
  return out;
}

export function writeRecord(commonDir: string, rec: WorkspaceRecord): void {
  const d = dir(commonDir);
  mkdirSync(d, { recursive: true });
  rec.schema = WORKSPACE_RECORD_SCHEMA;
  const file = join(d, `${rec.name}.json`);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n');
  renameSync(tmp, file);
}

export function deleteRecord(commonDir: string, name: string): void {
  try {
    unlinkSync(join(dir(commonDir), `${name}.json`));
  } catch {
    /* already gone */
  }
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Serialises creation of one workspace across processes (20 `amux run --workspace x` at once
 * create it once). A lock whose holder died is taken over.
 */
export async function withWorkspaceLock<T>(commonDir: string, name: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  const d = dir(commonDir);
  mkdirSync(d, { recursive: true });
  const lock = join(d, `${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
        const age = Date.now() - statSync(lock).mtimeMs;
        if ((Number.isInteger(pid) && pid > 0 && !alive(pid)) || (!(pid > 0) && age > 10_000)) unlinkSync(lock);
      } catch {
        /* raced with its release */
      }
      if (Date.now() > deadline) throw new AmuxError(`timed out waiting for another amux to finish creating workspace ${name} (lock ${lock})`);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      /* ignore */
    }
  }
}
