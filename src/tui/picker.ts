/**
 * The session picker of `amux connect`: a small full-screen list drawn with plain ANSI on the
 * controlling terminal (/dev/tty), so `--print` can hand the choice to a script through stdout.
 * No blessed: it starts at Node's floor and behaves the same under every TERM.
 */
import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import type { SessionView } from '../state/model.js';
import { STATE_COLOR, STATE_ICON } from '../state/present.js';
import { fit, lastOutputText, stateWord } from './format.js';
import { matchesFilter } from './model.js';

const SGR_COLOR: Record<string, number> = { black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37 };

export interface PickerIO {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  close(): void;
}

/** The controlling terminal for drawing and keys, even when stdout is redirected. */
export function openTerminal(): PickerIO | null {
  try {
    const fd = openSync('/dev/tty', 'r+');
    const input = new ReadStream(fd);
    const output = new WriteStream(fd);
    return {
      input: input as unknown as NodeJS.ReadStream,
      output: output as unknown as NodeJS.WriteStream,
      close: () => {
        input.destroy();
        try {
          closeSync(fd);
        } catch {
          /* closed with the stream */
        }
      },
    };
  } catch {
    if (process.stdin.isTTY && process.stderr.isTTY) return { input: process.stdin, output: process.stderr, close: () => undefined };
    return null;
  }
}

/** Splits a chunk of terminal input into keys: escape sequences whole, other characters one by one. */
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < data.length) {
    if (data[i] === '\x1b') {
      const m = /^\x1b(\[[0-9;?]*[A-Za-z~]|O[A-Za-z])/.exec(data.slice(i));
      if (m) {
        keys.push(m[0]);
        i += m[0].length;
        continue;
      }
      keys.push('\x1b');
      i++;
      continue;
    }
    const cp = data.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    keys.push(ch);
    i += ch.length;
  }
  return keys;
}

export interface PickOptions {
  title?: string;
  color?: boolean;
  io?: PickerIO;
}

/** Shows the picker; resolves to the chosen session, or null when cancelled. */
export function pickSession(views: SessionView[], o: PickOptions = {}): Promise<SessionView | null> {
  const io = o.io ?? openTerminal();
  if (!io) return Promise.reject(new Error('no terminal to show the picker on'));
  const { input, output } = io;
  const color = o.color ?? !process.env.NO_COLOR;
  let sel = 0;
  let scroll = 0;
  let filter = '';
  let typing = false;

  const visible = () => views.filter((v) => matchesFilter(v, filter));

  const draw = () => {
    const cols = Math.max(20, output.columns || 80);
    const rows = Math.max(5, output.rows || 24);
    const list = visible();
    sel = Math.max(0, Math.min(sel, list.length - 1));
    const bodyH = rows - 3;
    if (sel < scroll) scroll = sel;
    if (sel >= scroll + bodyH) scroll = sel - bodyH + 1;
    const lines: string[] = [];
    const head = o.title ?? 'amux connect: pick a session';
    lines.push(bold(fit(` ${head}  (${list.length} of ${views.length})`, cols), color));
    const nameW = Math.max(10, Math.min(40, cols - 61));
    for (let i = scroll; i < Math.min(list.length, scroll + bodyH); i++) {
      const v = list[i]!;
      const state = fit(`${STATE_ICON[v.state]} ${stateWord(v)}`, 17);
      const rest = [fit(v.record.name, nameW), fit(v.record.agent, 13), fit(v.record.workspace ?? '-', 15), fit(lastOutputText(v), 10)].join(' ');
      const marker = i === sel ? '▶ ' : '  ';
      let line = fit(`${marker}${state} ${rest}`, cols);
      if (color) {
        const c = SGR_COLOR[STATE_COLOR[v.state]] ?? 39;
        line = i === sel ? `\x1b[7m${line}\x1b[0m` : `${marker}\x1b[${c}m${state}\x1b[39m ${fit(rest, cols - 2 - 18)}`;
      }
      lines.push(line);
    }
    if (list.length === 0) lines.push(fit(`  no session matches "${filter}"`, cols));
    while (lines.length < rows - 1) lines.push('');
    const foot = typing ? ` filter: ${filter}▏  (Enter keeps · Esc clears)` : ' j/k ↑/↓ move · g/G first/last · / filter · Enter connect · q/Esc cancel';
    lines.push(dim(fit(foot, cols), color));
    output.write('\x1b[H' + lines.map((l) => l + '\x1b[K').join('\r\n') + '\x1b[J');
  };

  return new Promise((resolve) => {
    const wasRaw = input.isRaw;
    let done = false;
    const finish = (v: SessionView | null) => {
      if (done) return;
      done = true;
      input.off('data', onData);
      output.off('resize', draw);
      if (input.setRawMode) input.setRawMode(wasRaw ?? false);
      input.pause();
      output.write('\x1b[?25h\x1b[?1049l');
      if (!o.io) io.close();
      resolve(v);
    };
    const onData = (data: Buffer | string) => {
      for (const k of splitKeys(data.toString())) {
        const list = visible();
        if (typing) {
          if (k === '\r' || k === '\n') typing = false;
          else if (k === '\x1b') {
            typing = false;
            filter = '';
          } else if (k === '\x7f' || k === '\b') filter = filter.slice(0, -1);
          else if (k === '\x03') return finish(null);
          else if (k >= ' ' && !k.startsWith('\x1b')) filter += k;
          sel = 0;
          continue;
        }
        if (k === 'j' || k === '\x1b[B' || k === '\x1bOB' || k === '\x0e') sel = Math.min(list.length - 1, sel + 1);
        else if (k === 'k' || k === '\x1b[A' || k === '\x1bOA' || k === '\x10') sel = Math.max(0, sel - 1);
        else if (k === 'g' || k === '\x1b[H' || k === '\x1b[1~') sel = 0;
        else if (k === 'G' || k === '\x1b[F' || k === '\x1b[4~') sel = Math.max(0, list.length - 1);
        else if (k === '/') typing = true;
        else if (k === '\r' || k === '\n') {
          if (list[sel]) return finish(list[sel]!);
        } else if (k === 'q' || k === '\x1b' || k === '\x03' || k === '\x04') return finish(null);
      }
      draw();
    };
    output.write('\x1b[?1049h\x1b[?25l');
    if (input.setRawMode) input.setRawMode(true);
    input.setEncoding?.('utf8');
    input.on('data', onData);
    input.resume();
    output.on('resize', draw);
    draw();
  });
}

function bold(s: string, color: boolean): string {
  return color ? `\x1b[1m${s}\x1b[0m` : s;
}
function dim(s: string, color: boolean): string {
  return color ? `\x1b[2m${s}\x1b[0m` : s;
}
