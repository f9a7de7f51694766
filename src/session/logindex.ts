import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rotationName } from './rotation.js';

/**
 * A session log's time marks (FILE.idx): when its bytes were written, so `transcript --since`
 * can start at a time although the log itself holds bytes only. The monitor, which stats every
 * log each tick anyway, appends `TIME_MS OFFSET SIZE` at most once a second while the log moves:
 * OFFSET counts every byte the session ever wrote (across rotations), SIZE is the current
 * file's size then. Readers map a time to a byte of the rotated files that still exist.
 */
const MARK_EVERY_MS = 1000;
const INDEX_MAX = 512 * 1024;

interface Mark {
  t: number;
  abs: number;
  size: number;
}

function parse(line: string): Mark | null {
  const [t, abs, size] = line.split(' ').map(Number);
  return Number.isFinite(t) && Number.isFinite(abs) && Number.isFinite(size) ? { t: t!, abs: abs!, size: size! } : null;
}

export function readMarks(file: string): Mark[] {
  let text: string;
  try {
    text = readFileSync(file + '.idx', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map(parse)
    .filter((m): m is Mark => m !== null);
}

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

export class LogIndex {
  private files = new Map<string, { base: number; lastSize: number; lastMark: number; written: number }>();

  /** The log `file` has `size` bytes now (it moved since the last tick). */
  observe(file: string, size: number, now: number): void {
    let f = this.files.get(file);
    if (!f) {
      const last = readMarks(file).pop();
      f = last ? { base: last.abs - last.size, lastSize: last.size, lastMark: last.t, written: 0 } : { base: 0, lastSize: 0, lastMark: 0, written: 0 };
      this.files.set(file, f);
    }
    // The file started anew: what it held is FILE.1 now.
    if (size < f.lastSize) f.base += sizeOf(rotationName(file, 1)) ?? f.lastSize;
    f.lastSize = size;
    if (now - f.lastMark < MARK_EVERY_MS) return;
    f.lastMark = now;
    const line = `${now} ${f.base + size} ${size}\n`;
    try {
      appendFileSync(file + '.idx', line, { mode: 0o600 });
      f.written += line.length;
      if (f.written > INDEX_MAX / 8) {
        f.written = 0;
        const text = readFileSync(file + '.idx', 'utf8');
        if (text.length > INDEX_MAX) writeFileSync(file + '.idx', text.slice(text.indexOf('\n', text.length - INDEX_MAX / 2) + 1), { mode: 0o600 });
      }
    } catch {
      /* the index is best effort: a transcript then starts earlier */
    }
  }

  /** Forgets logs that are no longer watched. */
  keepOnly(files: Set<string>): void {
    for (const k of this.files.keys()) if (!files.has(k)) this.files.delete(k);
  }
}

/**
 * Where output written at or after `since` (ms) starts, as an offset into the log's existing
 * parts read oldest first (total `length` bytes, the current file `currentSize` of them): 0 when
 * the marks do not reach back that far, `length` when nothing came since.
 */
export function offsetSince(file: string, since: number, length: number, currentSize: number): number {
  const marks = readMarks(file);
  if (marks.length === 0) return 0;
  const last = marks[marks.length - 1]!;
  if (last.t < since) {
    // Nothing marked since: only bytes after the last mark can be newer.
    return Math.max(0, length - Math.max(0, currentSize - last.size));
  }
  // The last mark at or before `since`: bytes after its offset were written after it.
  let before: Mark | null = null;
  for (const m of marks) if (m.t <= since) before = m;
  if (!before) return 0;
  // The stream's end now, as an absolute offset (the current file may have rotated since the last mark).
  const end = currentSize >= last.size ? last.abs + (currentSize - last.size) : last.abs + currentSize;
  const start = end - length;
  return Math.min(length, Math.max(0, before.abs - start));
}
