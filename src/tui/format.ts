/**
 * Pure text helpers of the TUI: columns, widths, ages, and turning `capture-pane -e` output into
 * something blessed renders. No blessed import here (tests and the picker use these too).
 */
import { width as displayWidth } from '../util/table.js';
import { STATE_COLOR, STATE_ICON, stateWord, lastOutputText } from '../state/present.js';
export { stateWord, lastOutputText };
import type { SessionView } from '../state/model.js';
import { treeName } from '../core/lineage.js';

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

/**
 * Column widths for a table `total` columns wide (2 columns go to the selection marker). STATE
 * holds its longest word (`■ exited(sig 15) 59m`), NAME is capped so AGENT, WORKSPACE and TAGS
 * get their share of a wide terminal; OUTPUT is fixed.
 */
export function columnsFor(total: number): Columns {
  const state = total >= 80 ? 20 : 16;
  const output = 9;
  if (total < 60) {
    return { state, name: Math.max(6, total - (2 + state + 1 + 1 + output)), agent: 0, workspace: 0, output, tags: 0 };
  }
  let agent = 10;
  let workspace = 12;
  const gaps = 2 + state + 1 + 1 + 1 + 1 + output; // marker, spaces between the 5 columns
  let name = Math.max(8, total - gaps - agent - workspace);
  let tags = 0;
  const NAME_MAX = 32;
  if (name > NAME_MAX) {
    // The spare columns beyond NAME's cap: AGENT and WORKSPACE grow first, then TAGS.
    let spare = name - NAME_MAX;
    name = NAME_MAX;
    const a = Math.min(spare, 30 - agent);
    agent += a;
    spare -= a;
    const w = Math.min(spare, 40 - workspace);
    workspace += w;
    spare -= w;
    if (spare >= 7) {
      tags = Math.min(40, spare - 1);
      spare -= tags + 1;
    }
    name += spare; // whatever is left still goes to NAME
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

/**
 * The top line: `left` (name, counts) then `right` (flags, socket path) right-aligned in `width`
 * columns. When both do not fit, the right part goes first (flags kept when possible, then the
 * socket path dropped): the counts matter more than where the server lives.
 */
export function topLine(left: string, flags: string, label: string, width: number): string {
  const lw = displayWidth(left);
  const candidates = [`${flags ? flags + ' │ ' : ''}${label} `, flags ? `${flags} ` : '', ''];
  for (const right of candidates) {
    const rw = displayWidth(right);
    if (lw + 1 + rw <= width || right === '') {
      if (right === '') return fit(left, width);
      return left + ' '.repeat(width - lw - rw) + right;
    }
  }
  return fit(left, width);
}

/** The "12–30 of 80" of a table scrolled to `scroll` with `height` rows showing, or '' when it all fits. */
export function scrollLabel(scroll: number, height: number, total: number): string {
  if (total <= height) return '';
  return `${scroll + 1}–${Math.min(total, scroll + height)} of ${total}`;
}

// ---- NO_COLOR (https://no-color.org): attributes (bold, inverse) stay, colours go ----

/** True when the user asked for no colours: NO_COLOR set to anything non-empty. */
export function noColor(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.NO_COLOR;
}

/**
 * Removes the colour parameters from every SGR sequence of terminal output (30–49, 90–107 and
 * the 38/48/58 extended forms), keeping bold, underline, inverse and resets. A sequence left with
 * no parameter is dropped entirely (an empty `ESC[m` would be a reset).
 */
export function stripColorSgr(out: string): string {
  return out.replace(/\x1b\[([0-9;:]*)m/g, (m, p: string) => {
    if (p === '' || p === '0') return m;
    const ps = p.split(';');
    const keep: string[] = [];
    for (let i = 0; i < ps.length; i++) {
      const head = ps[i]!.split(':')[0]!;
      const n = Number(head);
      if ((n === 38 || n === 48 || n === 58) && !ps[i]!.includes(':')) {
        // 38;5;N or 38;2;R;G;B
        if (ps[i + 1] === '5') i += 2;
        else if (ps[i + 1] === '2') i += 4;
        continue;
      }
      if ((n >= 30 && n <= 49) || (n >= 90 && n <= 107) || n === 58 || n === 59) continue;
      keep.push(ps[i]!);
    }
    return keep.length ? `\x1b[${keep.join(';')}m` : '';
  });
}

/** One session row as blessed-tagged text (the state coloured), unselected. */
export function rowLine(v: SessionView, c: Columns, now = Date.now(), selected = false, depth = 0): string {
  const color = STATE_COLOR[v.state];
  const state = fit(`${STATE_ICON[v.state]} ${stateWord(v, now)}`, c.state);
  const marker = selected ? '▶ ' : '  ';
  const name = fit(treeName(v.record.name, depth) + (v.record.archived ? ' [archived]' : ''), c.name);
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
