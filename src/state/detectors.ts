/**
 * Screen detectors: one per agent kind. A detector is data — regular-expression sources for
 * `busy`, `waiting` and `idle`, matched over the last lines of the rendered, ANSI-stripped
 * screen — plus one small function (`classifyScreen`). The strings live in each agent's profile
 * (src/agents/<kind>.ts, from what the real products draw); users extend or replace them per
 * agent in `.amux/config.yaml` (`patterns:`), so a UI change needs no release.
 *
 * Cost: every regex is compiled once (built-ins at module load, user patterns once per distinct
 * override set); a classification is one backwards scan for the tail plus one `exec` per pattern
 * until the first hit. No RegExp is created per call.
 */
import { stripVTControlCharacters } from 'node:util';
import { allProfiles, profileFor, isDetectorKind, type DetectorKind } from '../agents/index.js';
import type { PatternSources } from '../agents/types.js';

export { DETECTOR_KINDS, type DetectorKind } from '../agents/index.js';

export type Verdict = 'busy' | 'waiting' | 'idle';

/** Config overrides: extend the built-ins, or with `replace: true` replace the lists given. */
export interface DetectorOverrides {
  busy?: string[];
  waiting?: string[];
  idle?: string[];
  replace?: boolean;
}

export interface CompiledPattern {
  readonly source: string;
  readonly re: RegExp;
}

export interface Detector {
  readonly kind: DetectorKind;
  /** True for agent UIs (claude, codex, ...): they get a default stuckAfter and screen-first rules. */
  readonly isAgent: boolean;
  /** How many lines, counted back from the last non-blank one, are looked at. */
  readonly tailLines: number;
  readonly sources: Readonly<PatternSources>;
  readonly waiting: readonly CompiledPattern[];
  readonly busy: readonly CompiledPattern[];
  readonly idle: readonly CompiledPattern[];
  /**
   * The live status line (spinner / "Working (12s …)"), when the UI has one: read for the token
   * count and the spinner text, and masked out of the progress key.
   */
  readonly status: RegExp | null;
  /** Patterns over the pane title (the profile's `screen.title`). */
  readonly title: { readonly busy: readonly CompiledPattern[]; readonly waiting: readonly CompiledPattern[] };
  /** One line of chrome (a tip, a hint, a footer): never progress. */
  readonly chrome: RegExp | null;
  /** The first line of the live bottom region (compiled global, multi-line; the last match counts). */
  readonly live: RegExp | null;
}

export interface Classification {
  verdict: Verdict | null;
  /** The source of the pattern that decided. */
  pattern?: string;
  /** The screen line it matched on (trimmed). */
  line?: string;
  progress?: { tokens?: number; spinnerText?: string };
  /**
   * An idle screen that the pane title confirms: the agent puts a spinner in its title while it
   * works, and the title has none. Two signals agree, so no settle is needed.
   */
  confirmed?: boolean;
}

/** The built-in patterns of each kind, from its agent profile (src/agents/<kind>.ts). */
export const BUILTIN_PATTERNS: Readonly<Record<DetectorKind, PatternSources>> = Object.fromEntries(
  allProfiles().map((p) => [p.id, { busy: p.screen.busy, waiting: p.screen.waiting, idle: p.screen.idle }]),
) as Record<DetectorKind, PatternSources>;

// ---------------------------------------------------------------------------------------------
// Building detectors.

function compile(kind: string, verdict: string, sources: readonly string[]): CompiledPattern[] {
  return sources.map((source) => {
    try {
      return { source, re: new RegExp(source, 'im') };
    } catch (e) {
      throw new Error(`detector ${kind}: invalid ${verdict} pattern ${JSON.stringify(source)}: ${(e as Error).message}`);
    }
  });
}

function build(kind: DetectorKind, sources: PatternSources): Detector {
  const { status, tailLines, title, chrome, live } = profileFor(kind).screen;
  return Object.freeze({
    kind,
    isAgent: kind !== 'generic',
    tailLines,
    sources: Object.freeze({ busy: [...sources.busy], waiting: [...sources.waiting], idle: [...sources.idle] }),
    waiting: compile(kind, 'waiting', sources.waiting),
    busy: compile(kind, 'busy', sources.busy),
    idle: compile(kind, 'idle', sources.idle),
    status: status ? new RegExp(status, 'gm') : null,
    title: Object.freeze({ busy: compile(kind, 'title busy', title?.busy ?? []), waiting: compile(kind, 'title waiting', title?.waiting ?? []) }),
    chrome: chrome?.length ? new RegExp(chrome.map((c) => `(?:${c})`).join('|'), 'i') : null,
    live: live ? new RegExp(live, 'gm') : null,
  });
}

const BUILTIN = Object.fromEntries(allProfiles().map((p) => [p.id, build(p.id, BUILTIN_PATTERNS[p.id])])) as Record<DetectorKind, Detector>;

const overrideCache = new Map<string, Detector>();

/**
 * The detector for a kind (unknown kinds get `generic`), with the user's patterns from config:
 * they extend the built-ins, or with `replace: true` replace each list they give (lists not given
 * keep the built-ins). Throws on an invalid regular expression, naming it. Results are cached:
 * calling this every tick compiles nothing new.
 */
export function getDetector(kind: string, overrides?: DetectorOverrides): Detector {
  const k: DetectorKind = isDetectorKind(kind) ? kind : 'generic';
  if (!overrides || (!overrides.busy?.length && !overrides.waiting?.length && !overrides.idle?.length && !overrides.replace)) {
    return BUILTIN[k];
  }
  const cacheKey = `${k}\0${JSON.stringify([overrides.busy ?? null, overrides.waiting ?? null, overrides.idle ?? null, !!overrides.replace])}`;
  const hit = overrideCache.get(cacheKey);
  if (hit) return hit;
  const base = BUILTIN_PATTERNS[k];
  const merge = (verdict: keyof PatternSources): string[] => {
    const user = overrides[verdict];
    if (!user) return [...base[verdict]];
    return overrides.replace ? [...user] : [...base[verdict], ...user];
  };
  const det = build(k, { busy: merge('busy'), waiting: merge('waiting'), idle: merge('idle') });
  overrideCache.set(cacheKey, det);
  return det;
}

// ---------------------------------------------------------------------------------------------
// Classifying a screen.

function isBlank(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xa0;
}

/** The last `n` lines up to the last non-blank character, ANSI stripped when needed. */
export function screenTail(screen: string, n: number): string {
  const s = screen.includes('\x1b') ? stripVTControlCharacters(screen) : screen;
  let end = s.length;
  while (end > 0 && isBlank(s.charCodeAt(end - 1))) end--;
  let start = end;
  for (let lines = 0; lines < n; lines++) {
    const nl = s.lastIndexOf('\n', start - 1);
    if (nl < 0) {
      start = 0;
      break;
    }
    start = nl;
  }
  if (s.charCodeAt(start) === 10) start++;
  return s.slice(start, end);
}

function lineAt(text: string, index: number): string {
  const a = text.lastIndexOf('\n', index - 1) + 1;
  let b = text.indexOf('\n', index);
  if (b < 0) b = text.length;
  return text.slice(a, b).trim();
}

const TOKENS = /(\d[\d,]*(?:\.\d+)?)\s*([km])?\s+tokens\b/i;
const SPINNER_WORD = /([^\s·✢✳✶✻✽✺✹✸✷*●⏺✦✧\u2800-\u28ff░▒▓█•◦][^\n…(]*?…)/;

function parseTokens(s: string): number | undefined {
  const m = TOKENS.exec(s);
  if (!m) return undefined;
  let n = Number.parseFloat(m[1]!.replace(/,/g, ''));
  const unit = m[2]?.toLowerCase();
  if (unit === 'k') n *= 1000;
  else if (unit === 'm') n *= 1_000_000;
  return Number.isFinite(n) ? Math.round(n) : undefined;
}

/** The last status line of a tail, or null. */
function lastStatusLine(det: Detector, tail: string): string | null {
  const re = det.status;
  if (!re) return null;
  re.lastIndex = 0;
  let last: string | null = null;
  let m: RegExpExecArray | null;
  while ((m = re.exec(tail)) !== null) {
    last = m[0];
    if (m[0].length === 0) re.lastIndex++;
  }
  return last;
}

function statusProgress(det: Detector, tail: string): Classification['progress'] | undefined {
  const line = lastStatusLine(det, tail);
  if (line === null) return undefined;
  const tokens = parseTokens(line);
  const w = SPINNER_WORD.exec(line);
  const spinnerText = w ? w[1]!.trim() : undefined;
  if (tokens === undefined && spinnerText === undefined) return undefined;
  const p: { tokens?: number; spinnerText?: string } = {};
  if (tokens !== undefined) p.tokens = tokens;
  if (spinnerText !== undefined) p.spinnerText = spinnerText;
  return p;
}

function firstMatch(list: readonly CompiledPattern[], tail: string): { pattern: string; line: string } | null {
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    const m = p.re.exec(tail);
    if (m) {
      // `^\s*` may start on a blank line above: report the line the text itself is on.
      const text = m[0];
      let lead = 0;
      while (lead < text.length && isBlank(text.charCodeAt(lead))) lead++;
      return { pattern: p.source, line: lineAt(tail, m.index + lead) };
    }
  }
  return null;
}

function titleMatch(list: readonly CompiledPattern[], title: string): { pattern: string; line: string } | null {
  for (const p of list) if (p.re.test(title)) return { pattern: `title:${p.source}`, line: `title: ${title.trim()}` };
  return null;
}

/**
 * Classifies a rendered screen (capture-pane text) and the pane title. Precedence:
 * waiting (title, then screen) > busy (title, then screen) > idle (a permission panel under a
 * spinner is waiting; an input box drawn while the agent works is busy; a title spinner says the
 * agent works even while the screen shows only its prompt, as Codex does while it streams).
 * `null` when nothing matched. A hit on the title reports `title: TEXT` as its line.
 */
export function classifyScreen(det: Detector, screen: string, title = ''): Classification {
  const tail = screenTail(screen, det.tailLines);
  let hit = title ? titleMatch(det.title.waiting, title) : null;
  if (!hit) hit = firstMatch(det.waiting, tail);
  let verdict: Verdict | null = hit ? 'waiting' : null;
  if (!hit) {
    hit = (title ? titleMatch(det.title.busy, title) : null) ?? firstMatch(det.busy, tail);
    if (hit) verdict = 'busy';
  }
  if (!hit) {
    hit = firstMatch(det.idle, tail);
    if (hit) verdict = 'idle';
  }
  const out: Classification = { verdict };
  if (verdict === 'idle' && title && det.title.busy.length > 0) out.confirmed = true;
  if (hit) {
    out.pattern = hit.pattern;
    out.line = hit.line;
  }
  if (verdict === 'busy') {
    const p = statusProgress(det, tail);
    if (p) out.progress = p;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Progress.

/** Durations after `(`, `·` or `•` — an elapsed clock: `(12s ·`, `· 1m 5s`. */
const CLOCK = /([(·•,]\s*)(?:\d+h\s*)?(?:\d+m\s*)?\d+(?:\.\d+)?s\b/g;
const GLYPH_AT_START = /^(\s*)[·✢✳✶✻✽✺✹✸✷*●⏺✦✧\u2800-\u28ff░▒▓█•◦](?=\s)/gm;
const BRAILLE_ANY = /[\u2800-\u28ff]/g;
const STATUS_MASK = '\u0000status\u0000';

export interface Progress {
  /** The tail with spinner glyphs, elapsed clocks and the live status line masked: equal keys = no progress. */
  key: string;
  /** The live token counter, when the status line shows one. */
  tokens: number | null;
}

/**
 * Whether the screen moved forward from key `a` to key `b`: `b` has a line `a` did not. A line
 * that only scrolled away, or a key that lost lines, is no progress; new or grown transcript
 * lines are.
 */
export function keyMoved(a: string, b: string): boolean {
  if (a === b) return false;
  const seen = new Set(a.split('\n').map((l) => l.trimEnd()));
  for (const l of b.split('\n')) {
    const t = l.trimEnd();
    if (t.trim() !== '' && !seen.has(t)) return true;
  }
  return false;
}

/**
 * What counts as progress for stuck detection. The key is the screen's transcript (the tail
 * above the live bottom region, without chrome lines such as tips and footers) with the live
 * status line replaced by a mask (its glyph turns, its clock ticks and its word may change —
 * none of that is progress), other spinner glyphs and elapsed clocks normalised; the token
 * count is parsed out of the status line separately. New content changes the key; a rising
 * token count changes `tokens`; a spinner that turns while nothing else moves changes neither.
 */
export function progressOf(det: Detector, screen: string): Progress {
  let tail = screenTail(screen, det.tailLines);
  let tokens: number | null = null;
  // The live bottom region (input box, footers) is not the transcript: cut it off.
  if (det.live) {
    det.live.lastIndex = 0;
    let cut = -1;
    let m: RegExpExecArray | null;
    while ((m = det.live.exec(tail)) !== null) {
      cut = m.index;
      if (m[0].length === 0) det.live.lastIndex++;
    }
    if (cut >= 0) tail = tail.slice(0, tail.lastIndexOf('\n', cut) + 1);
  }
  // Tips, hints and footers come and go while nothing happens: never progress.
  const chrome = det.chrome;
  if (chrome) tail = tail.split('\n').filter((l) => !chrome.test(l)).join('\n');
  let key = tail;
  const re = det.status;
  if (re) {
    const line = lastStatusLine(det, tail);
    if (line !== null) {
      tokens = parseTokens(line) ?? null;
      re.lastIndex = 0;
      key = key.replace(re, STATUS_MASK);
    }
  }
  CLOCK.lastIndex = 0;
  key = key.replace(CLOCK, '$1#s');
  GLYPH_AT_START.lastIndex = 0;
  key = key.replace(GLYPH_AT_START, '$1*');
  BRAILLE_ANY.lastIndex = 0;
  key = key.replace(BRAILLE_ANY, '*');
  return { key, tokens };
}

/** `progressOf(...).key` for callers that only compare keys (Claude's detector unless given). */
export function progressKey(screen: string, det: Detector = BUILTIN.claude): string {
  return progressOf(det, screen).key;
}
