import { closeSync, existsSync, openSync, renameSync, truncateSync } from 'node:fs';
import { rotationSteps } from './rotation.js';
import { shQuote } from '../util/quote.js';

/**
 * The log writer that `pipe-pane` feeds, and the rotation the monitor does for it (issue 14).
 *
 * tmux's `pipe-pane` forks a process per pane, so that process must be as small as can be: a
 * shell holding the log open as fd 3 and a plain `cat` appending the pane's bytes to it, as it
 * reads them (dash and cat: ~0.22 MB PSS a pane at 200, against ~0.46 MB for the perl writer
 * this replaces and ~40 MB for Node; `head -c` would count bytes but holds the last ones in its
 * stdio buffer). It is written from the first byte and never blocks the pane. The cap is the
 * shell's `ulimit -f` (512-byte blocks, POSIX): FILE never grows past it, even when nobody
 * rotates (the monitor down, a flood between two ticks); a write past it ends `cat` with
 * SIGXFSZ and the rest is read and dropped (`cat > /dev/null`) until the monitor rotates. The
 * monitor rotates (`rotateLog`: FILE → FILE.1 … FILE.keep, or FILE truncated in place when the rename fails,
 * e.g. a read-only folder) once FILE holds ROTATE_AT of the cap, and attaches a new writer. A
 * writer that cannot open FILE, or whose write fails otherwise (a full disk), exits: tmux then
 * shows `pane_pipe` 0 and the monitor attaches a new one once it can. Every process of a writer
 * keeps FILE as fd 3, so a dead pane's writer is found in /proc (the monitor's `endWriters`).
 * Only the path and the number are arguments, single-quoted; `umask 077` keeps a new log private.
 */
export function logWriterCommand(file: string, max: number): string {
  const blocks = Math.max(1, Math.floor((max - 1) / 512));
  return `umask 077; ulimit -f ${blocks}; exec 3>> ${shQuote(file)}; cat >&3; s=$?; [ $s -gt 128 ] && [ "$(kill -l $s)" = XFSZ ] && exec cat > /dev/null`;
}

/** The monitor rotates a log once it holds this much of its cap (the writer's limit covers the rest until the next tick). */
export const ROTATE_AT = 0.75;

export function rotateAt(max: number): number {
  return Math.floor(max * ROTATE_AT);
}

/** Whether a log is due for rotation. */
export function rotationDue(size: number, max: number): boolean {
  return size >= rotateAt(max);
}

/**
 * Rotates FILE to FILE.1, the older rotations moving up one to FILE.keep (rotation.ts), and
 * creates a new, private FILE; when the rename of FILE fails (a read-only folder, something else
 * at FILE.1), FILE is truncated in place instead, so the cap holds either way. The writer still
 * appending to the old file keeps writing there (FILE.1, or FILE from 0: it appends); the caller
 * then attaches a new writer.
 */
export function rotateLog(file: string, keep = 1): 'rotated' | 'truncated' {
  let how: 'rotated' | 'truncated' = 'rotated';
  try {
    for (const [from, to] of rotationSteps(file, keep)) {
      if (from === file || existsSync(from)) renameSync(from, to);
    }
  } catch {
    truncateSync(file, 0);
    how = 'truncated';
  }
  closeSync(openSync(file, 'a', 0o600));
  return how;
}
