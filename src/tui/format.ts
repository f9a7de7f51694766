/**
 * Pure text helpers of the TUI: columns, widths, ages, and turning `capture-pane -e` output into
 * something blessed renders. No blessed import here (tests and the picker use these too).
 */
import { width as displayWidth } from '../util/table.js';
import { STATE_COLOR, STATE_ICON, stateWord, lastOutputText } from '../state/present.js';
export { stateWord, lastOutputText };
import type { SessionView } from '../state/model.js';

export { displayWidth };

/** Cuts `s` to at most `max` columns (an ellipsis marks the cut), then pads it to exactly `max`. */
export function fit(s: string, max: number, align: 'left' | 'right' = 'left'): string {
  if (max <= 0) return '';
  let out = s;
  if (displayWidth(s) > max) {
    out = '';
    let w = 0;
    for (const ch of s) {
      const cw = displayWidth(ch);
      if (w + cw > max - 1) break;
      out += ch;
      w += cw;
    }
    out += '…';
  }
  const pad = ' '.repeat(Math.max(0, max - displayWidth(out)));
  return align === 'left' ? out + pad : pad + out;
}

/** blessed tag escaping for text shown in a `tags: true` element. */
export function escTags(s: string): string {
  return s.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** `waiting 12s`, `exited (3)`, `idle`: the state word with its time in state. */

export interface Columns {
  state: number;
  name: number;
  agent: number;
  workspace: number;
  output: number;
  tags: number;
}

/** Column widths for a table `total` columns wide (2 columns go to the selection marker). */
export function columnsFor(total: number): Columns {
  const state = 16;
  const output = 9;
  let agent = total >= 100 ? 14 : 10;
  let workspace = total >= 100 ? 18 : 12;
  const fixed = 2 + state + 1 + 1 + agent + 1 + workspace + 1 + output;
  let name = Math.max(8, total - fixed);
  let tags = 0;
  if (name > 34) {
    tags = Math.min(30, name - 34 - 1);
    if (tags < 6) tags = 0;
    name = total - fixed - (tags ? tags + 1 : 0);
  }
  if (total < 60) {
    agent = 0;
    workspace = 0;
    name = Math.max(6, total - (2 + state + 1 + 1 + output));
  }
  return { state, name, agent, workspace, output, tags };
}

/** The header line of the table (plain text). */
export function headerLine(c: Columns): string {
  const parts = ['  ' + fit('STATE', c.state), fit('NAME', c.name)];
  if (c.agent) parts.push(fit('AGENT', c.agent));
  if (c.workspace) parts.push(fit('WORKSPACE', c.workspace));
  parts.push(fit('OUTPUT', c.output));
  if (c.tags) parts.push(fit('TAGS', c.tags));
  return parts.join(' ');
}

/** One session row as blessed-tagged text (the state coloured), unselected. */
export function rowLine(v: SessionView, c: Columns, now = Date.now(), selected = false): string {
  const color = STATE_COLOR[v.state];
  const state = fit(`${STATE_ICON[v.state]} ${stateWord(v, now)}`, c.state);
  const marker = selected ? '▶ ' : '  ';
  const name = fit(v.record.name + (v.record.archived ? ' [archived]' : ''), c.name);
  const parts = [escTags(name)];
  if (c.agent) parts.push(escTags(fit(v.record.agent, c.agent)));
  if (c.workspace) parts.push(escTags(fit(v.record.workspace ?? '-', c.workspace)));
  parts.push(fit(lastOutputText(v, now), c.output));
  if (c.tags) parts.push(escTags(fit(v.record.tags.join(','), c.tags)));
  const stateTxt = selected ? escTags(state) : `{${color}-fg}${escTags(state)}{/${color}-fg}`;
  const body = `${marker}${stateTxt} ${parts.join(' ')}`;
  return selected ? `{inverse}${body}{/inverse}` : body;
}

// ---- preview: capture-pane -e output → what blessed renders ----

const SGR_ANY = /\x1b\[([0-9:;]*)m/g;

/**
 * Normalises `capture-pane -e` text for blessed: SGR parameters with colons (`38:2::r:g:b`)
 * become semicolons (blessed only knows those), every other escape or control byte goes, tabs
 * become spaces. Lines keep their colours.
 */
export function sanitizeAnsi(line: string): string {
  let s = line.replace(SGR_ANY, (_m, p: string) => {
    if (!p.includes(':')) return `\x1b[${p}m`;
    // 38:2::r:g:b / 38:2:r:g:b / 38:5:n / 4:3 (curly underline) → ;-separated, colourspace id dropped.
    const groups = p.split(';').map((g) => {
      const parts = g.split(':');
      if ((parts[0] === '38' || parts[0] === '48' || parts[0] === '58') && parts[1] === '2') {
        const rgb = parts.slice(2).filter((x) => x !== '');
        return [parts[0], '2', ...rgb.slice(-3)].join(';');
      }
      if (parts[0] === '4') return '4';
      return parts.filter((x) => x !== '').join(';');
    });
    return `\x1b[${groups.join(';')}m`;
  });
  // Other CSI / OSC / single escapes, then stray C0 controls (not ESC of the SGRs kept).
  s = s
    .replace(/\x1b\[[0-9;:?<>=!]*[ -/]*[@-ln-~]/g, '')
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
    .replace(/\x1b[^[]/g, '')
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f]/g, '');
  return s;
}

/** Visible text of a line (SGR removed). */
export function stripSgr(line: string): string {
  return line.replace(SGR_ANY, '');
}

/**
 * Cuts a line with SGR sequences to `max` visible columns, keeping the sequences before the cut
 * and resetting attributes at the end so colours never bleed into the next line.
 */
export function sliceAnsi(line: string, max: number): string {
  let out = '';
  let w = 0;
  let i = 0;
  let sawSgr = false;
  while (i < line.length) {
    if (line[i] === '\x1b') {
      const m = /^\x1b\[[0-9;]*m/.exec(line.slice(i, i + 64));
      if (m) {
        out += m[0];
        sawSgr = true;
        i += m[0].length;
        continue;
      }
    }
    const cp = line.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const cw = displayWidth(ch);
    if (w + cw > max) break;
    out += ch;
    w += cw;
    i += ch.length;
  }
  return sawSgr ? out + '\x1b[0m' : out;
}

/**
 * The lines of the preview, from `capture-pane -S -N` text: N history lines, then the pane's
 * `paneHeight` visible rows. Live (offset 0) it shows the visible screen as an attached client
 * would see it, top-aligned, trailing blank rows dropped (the bottom part when it is taller than
 * the preview). Scrolled back, the window moves `offset` lines up into the history. Returns the
 * lines and the offset actually used (clamped to the history available).
 */
export function previewWindow(
  captured: string,
  height: number,
  offset: number,
  widthCols: number,
  paneHeight = Number.MAX_SAFE_INTEGER,
): { lines: string[]; offset: number; total: number } {
  const all = captured.split('\n');
  if (all.length && all[all.length - 1] === '') all.pop();
  const visibleStart = Math.max(0, all.length - paneHeight);
  let end = all.length;
  while (end > visibleStart && stripSgr(all[end - 1]!).trim() === '') end--;
  const liveStart = Math.max(visibleStart, end - height);
  const off = Math.max(0, Math.min(offset, liveStart));
  const start = liveStart - off;
  const stop = Math.min(end, start + height);
  const lines = all.slice(start, stop).map((l) => sliceAnsi(sanitizeAnsi(l), widthCols));
  return { lines, offset: off, total: end };
}
