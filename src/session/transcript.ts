/**
 * A session's readable history: its raw log (every byte the pane wrote, across rotations) played
 * through a terminal emulator (@xterm/headless), so a full-screen agent's redraws land where the
 * agent put them and become the lines a person saw, once each, not frames glued together. What
 * scrolled off the top is the history; the last screen follows it. A program that ends in the
 * alternate screen (a full-screen TUI still running) shows that screen last.
 */
import { createRequire } from 'node:module';
import type { Terminal as TerminalT } from '@xterm/headless';

export interface RenderOptions {
  cols: number;
  rows: number;
  /** Only what was drawn from this byte on (the lines written or rewritten after it). */
  from?: number;
  /** `text`: plain lines; `ansi`: with colours and attributes as escape sequences; `html`: a page. */
  format?: 'text' | 'ansi' | 'html';
}

/** The most lines of history kept while rendering (the oldest beyond are dropped). */
const SCROLLBACK = 200_000;

type Xterm = { Terminal: typeof TerminalT };
type Serialize = {
  SerializeAddon: new () => {
    serialize(o?: { range?: { start: number; end: number }; excludeModes?: boolean; excludeAltBuffer?: boolean }): string;
    serializeAsHTML(o?: { range?: { startLine: number; endLine: number; startCol: number }; includeGlobalBackground?: boolean }): string;
  };
};

function load(): { xterm: Xterm; serialize: Serialize } {
  const req = createRequire(import.meta.url);
  return { xterm: req('@xterm/headless') as Xterm, serialize: req('@xterm/addon-serialize') as Serialize };
}

function write(t: TerminalT, data: Uint8Array): Promise<void> {
  return new Promise((resolve) => t.write(data, resolve));
}

/** Renders log bytes; returns the text (lines end with "\n"). */
export async function renderTranscript(bytes: Buffer, opts: RenderOptions): Promise<string> {
  const { xterm, serialize } = load();
  const t = new xterm.Terminal({ cols: Math.max(20, opts.cols), rows: Math.max(5, opts.rows), scrollback: SCROLLBACK, allowProposedApi: true });
  const addon = new serialize.SerializeAddon();
  t.loadAddon(addon as unknown as Parameters<TerminalT['loadAddon']>[0]);
  const from = Math.max(0, Math.min(bytes.length, opts.from ?? 0));
  let startLine = 0;
  if (from > 0) {
    await write(t, bytes.subarray(0, from));
    // The line the cursor is on when `from` is reached: what is drawn from here on (a marker
    // follows the line as the history scrolls or is trimmed).
    const b = t.buffer.normal;
    const marker = t.registerMarker(0);
    // A redraw after `from` may also rewrite rows above the cursor (a full-screen agent's live
    // region): the screen's rows as they were then, to see which ones changed.
    const top = t.registerMarker(-b.cursorY);
    const before: string[] = [];
    for (let y = b.baseY; y < b.baseY + b.cursorY; y++) before.push(b.getLine(y)?.translateToString(true) ?? '');
    await write(t, bytes.subarray(from));
    startLine = marker && !marker.isDisposed && marker.line >= 0 ? marker.line : 0;
    if (top && !top.isDisposed && top.line >= 0) {
      for (let i = 0; i < before.length && top.line + i < startLine; i++) {
        if ((b.getLine(top.line + i)?.translateToString(true) ?? '') !== before[i]) {
          startLine = top.line + i;
          break;
        }
      }
    }
  } else await write(t, bytes);

  const normal = t.buffer.normal;
  const alt = t.buffer.active.type === 'alternate';
  const lastRow = lastUsedRow(normal);
  const format = opts.format ?? 'text';
  let out: string;
  if (format === 'html') {
    out = addon.serializeAsHTML({ range: { startLine, endLine: Math.max(startLine, lastRow), startCol: 0 } });
  } else if (format === 'ansi') {
    out = lastRow >= startLine ? addon.serialize({ range: { start: startLine, end: lastRow }, excludeModes: true, excludeAltBuffer: true }) : '';
    out = out.replace(/\r\n/g, '\n').replace(/[ \t]+$/gm, '');
    if (out && !out.endsWith('\n')) out += '\n';
  } else {
    out = linesOf(normal, startLine, lastRow).join('\n');
    if (out) out += '\n';
  }
  if (alt && format === 'text') {
    const screen = linesOf(t.buffer.alternate, 0, lastUsedRow(t.buffer.alternate)).join('\n');
    if (screen.trim()) out += screen + '\n';
  }
  t.dispose();
  return out;
}

type Buffer_ = TerminalT['buffer']['normal'];

/** The last row with anything on it. */
function lastUsedRow(b: Buffer_): number {
  for (let y = b.length - 1; y >= 0; y--) if (b.getLine(y)?.translateToString(true).trim()) return y;
  return -1;
}

/** Rows [from, to] as lines: rows the terminal wrapped are joined back, trailing blanks cut. */
function linesOf(b: Buffer_, from: number, to: number): string[] {
  const lines: string[] = [];
  for (let y = from; y <= to; y++) {
    const row = b.getLine(y);
    if (!row) continue;
    const text = row.translateToString(true);
    if (row.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines.map((l) => l.replace(/\s+$/, ''));
}
