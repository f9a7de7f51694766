/**
 * Yes/no questions for `init` and `config edit`, read synchronously and one line at a time:
 * nothing holds stdin open between questions, so an editor started in between gets every
 * keystroke, and answers piped in for scripts (`printf 'y\nn\n' | amux config edit`) are
 * consumed one per question instead of being swallowed by a buffered reader.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads one line (without its newline) from `fd`, byte by byte; null at end of input. */
export function readLineSync(fd: number): string | null {
  const bytes: number[] = [];
  const buf = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, 1, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // stdin can be non-blocking once Node has wrapped it: wait for data instead of failing.
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        sleepMs(10);
        continue;
      }
      if (code === 'EOF') n = 0;
      else throw e;
    }
    if (n === 0) return bytes.length ? Buffer.from(bytes).toString('utf8') : null;
    if (buf[0] === 0x0a) return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    bytes.push(buf[0]!);
  }
}

export interface AskOptions {
  /** Answer on an empty line (and, on a terminal, the default shown as [Y/n] or [y/N]). */
  dflt: boolean;
  /** Answer when stdin is not a terminal and gives an empty line or ends (default: false). */
  noTtyDefault?: boolean;
  /** Where the question is written (default: stderr). */
  out?: number;
}

/** Whether stdin is a terminal we can ask on. */
export function interactive(): boolean {
  return process.stdin.isTTY === true;
}

/**
 * Asks `question`, followed by "[Y/n] " or "[y/N] " for the default in effect. On a terminal the answer is read
 * from /dev/tty; otherwise one line of stdin is read, and an empty line or end of input gives
 * `noTtyDefault` (no, unless told otherwise). Anything but y/yes/n/no counts as the default.
 */
export function askYesNo(question: string, opts: AskOptions): boolean {
  const tty = interactive();
  const dflt = tty ? opts.dflt : (opts.noTtyDefault ?? false);
  writeSync(opts.out ?? 2, `${question} ${dflt ? '[Y/n]' : '[y/N]'} `);
  let line: string | null;
  if (tty) {
    let fd: number | null = null;
    try {
      fd = openSync('/dev/tty', 'r');
      line = readLineSync(fd);
    } catch {
      line = readLineSync(0);
    } finally {
      if (fd !== null) closeSync(fd);
    }
  } else {
    line = readLineSync(0);
    writeSync(opts.out ?? 2, `${line ?? ''}\n`);
  }
  const a = (line ?? '').trim().toLowerCase();
  if (a === 'y' || a === 'yes') return true;
  if (a === 'n' || a === 'no') return false;
  return dflt;
}
