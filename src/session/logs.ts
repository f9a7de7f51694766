import { openSync, readSync, closeSync, statSync, fstatSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { logParts } from './rotation.js';

/**
 * Reading the raw pane logs (the byte stream pipe-pane saw: escapes, redraws and all) as
 * lines a person can read: ANSI stripped, carriage-return overwrites resolved.
 */
export function cleanLine(line: string): string {
  let s = stripVTControlCharacters(line);
  // A carriage return overwrites from column 0: keep what was drawn last.
  if (s.includes('\r')) {
    const parts = s.split('\r').filter((p) => p.length > 0);
    s = parts.length ? parts[parts.length - 1]! : '';
  }
  // Backspaces, bells and other C0 controls left after stripping.
  while (/[^\x08]\x08/.test(s)) s = s.replace(/[^\x08]\x08/g, '');
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

function readWhole(path: string): Buffer {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, buf, off, size - off, off);
        if (n <= 0) break;
        off += n;
      }
      return buf.subarray(0, off);
    } finally {
      closeSync(fd);
    }
  } catch {
    return Buffer.alloc(0);
  }
}

/** The log's bytes, oldest first: the rotated parts (FILE.N … FILE.1, see rotation.ts) then the current file. */
export function readLog(path: string): Buffer {
  return Buffer.concat(logParts(path).map(readWhole));
}

/**
 * The last `n` bytes-worth of lines of one file, read backwards in blocks: a 3-line tail of a
 * 16 MB log reads a few KB, not the whole file.
 */
function tailOf(path: string, n: number): { buf: Buffer; complete: boolean } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { buf: Buffer.alloc(0), complete: true };
  }
  try {
    const size = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let pos = size;
    let newlines = 0;
    const BLOCK = 64 * 1024;
    // n lines need n+1 newlines before them (the last line may end with one).
    while (pos > 0 && newlines <= n) {
      const len = Math.min(BLOCK, pos);
      pos -= len;
      const b = Buffer.alloc(len);
      readSync(fd, b, 0, len, pos);
      chunks.unshift(b);
      for (let i = 0; i < len; i++) if (b[i] === 0x0a) newlines++;
    }
    return { buf: Buffer.concat(chunks), complete: pos === 0 };
  } finally {
    closeSync(fd);
  }
}

function splitLines(buf: Buffer): string[] {
  const lines = buf.toString('utf8').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The last `n` lines (all when n is undefined), raw or cleaned; reads only as much as it needs. */
export function lastLines(path: string, n: number | undefined, raw: boolean): string[] {
  let lines: string[];
  if (n === undefined) lines = splitLines(readLog(path));
  else {
    // Reach into the rotated parts, newest first, only while the newer ones hold fewer lines than asked.
    const parts = logParts(path).reverse();
    const bufs: Buffer[] = [];
    let newlines = 0;
    for (const part of parts) {
      const t = tailOf(part, n);
      bufs.unshift(t.buf);
      for (const b of t.buf) if (b === 0x0a) newlines++;
      if (!t.complete || newlines > n) break;
    }
    lines = splitLines(Buffer.concat(bufs));
    // The first line of a partial read may be cut: drop it unless the read reached the start.
    lines = lines.slice(Math.max(0, lines.length - n));
  }
  return raw ? lines : lines.map(cleanLine);
}

export function logSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Reads bytes [from, size) of the current log file. */
export function readFrom(path: string, from: number): Buffer {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= from) return Buffer.alloc(0);
      const buf = Buffer.alloc(size - from);
      const n = readSync(fd, buf, 0, buf.length, from);
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch {
    return Buffer.alloc(0);
  }
}
