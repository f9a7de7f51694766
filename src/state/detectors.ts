/**
 * Screen detectors: one per agent kind. A detector is data — regular-expression sources for
 * `busy`, `waiting` and `idle`, matched over the last lines of the rendered, ANSI-stripped
 * screen — plus one small function (`classifyScreen`). The strings come from what the real
 * products draw (see ../shared/design/TMUX-FACTS.md); users extend or replace them per agent in
 * `.amux/config.yaml` (`patterns:`), so a UI change needs no release.
 *
 * Cost: every regex is compiled once (built-ins at module load, user patterns once per distinct
 * override set); a classification is one backwards scan for the tail plus one `exec` per pattern
 * until the first hit. No RegExp is created per call.
 */
import { basename } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

export type DetectorKind = 'claude' | 'codex' | 'gemini' | 'aider' | 'generic';
export const DETECTOR_KINDS: readonly DetectorKind[] = ['claude', 'codex', 'gemini', 'aider', 'generic'];

export type Verdict = 'busy' | 'waiting' | 'idle';

/** Regex sources per verdict. Compiled case-insensitive and multi-line (`^`/`$` per line). */
export interface PatternSources {
  busy: string[];
  waiting: string[];
  idle: string[];
}

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
}

export interface Classification {
  verdict: Verdict | null;
  /** The source of the pattern that decided. */
  pattern?: string;
  /** The screen line it matched on (trimmed). */
  line?: string;
  progress?: { tokens?: number; spinnerText?: string };
}

// ---------------------------------------------------------------------------------------------
// Built-in patterns (as of the UIs listed in TMUX-FACTS.md).

/** Claude Code's spinner glyphs (they cycle), plus `●`/`⏺` that some versions draw. */
const CLAUDE_GLYPHS = '·✢✳✶✻✽✺✹✸✷*●⏺✦✧';
/** Braille spinners (Gemini CLI, many node tools). */
const BRAILLE = '\\u2800-\\u28ff';
/** A horizontal rule line (Claude's input box). */
const RULE = '[─━═]{8,}';

const CLAUDE: PatternSources = {
  waiting: [
    'Do you want to proceed\\?',
    'Do you want to (?:make this edit|create|overwrite|allow|use this API key)',
    '^\\s*❯\\s*1\\.\\s*Yes\\b',
    'Yes, allow once',
    'No, and tell Claude what to do differently',
    '^\\s*Esc to cancel\\b',
    'Enter to confirm · Esc to cancel',
    'Quick safety check',
    'Yes, I trust this folder',
    'Do you trust the files in this folder\\?',
    'Detected a custom API key',
  ],
  busy: [
    '\\besc to interrupt\\b',
    '\\bctrl\\+c to interrupt\\b',
    // `✶ Forming… (0s · ↓ 1 tokens)`: glyph, text ending in `…`, a parenthesised status.
    `^\\s*[${CLAUDE_GLYPHS}]\\s+[^\\n…]{1,80}…\\s*\\(`,
    // A bare spinner `✳ Thinking…` (not the `●` bullets, which start transcript messages).
    `^\\s*[·✢✳✶✻✽]\\s+\\S[^\\n…]{0,60}…\\s*$`,
    // The live counter `(12s · ↑ 1.2k tokens`.
    '\\(\\s*(?:\\d+[hms]\\s*)+·[^)\\n]*\\btokens\\b',
  ],
  idle: [
    // `❯ ` input line (maybe with typed text) right above a horizontal rule.
    `^\\s*[❯>](?:[ \\u00a0][^\\n]*)?\\n\\s*${RULE}\\s*$`,
    // The old boxed input `│ > │`.
    '^\\s*│\\s*>\\s',
    '\\? for shortcuts',
    // `✻ Churned for 8s` / `✻ Worked for 1m 5s`: the turn-over line.
    `^\\s*[${CLAUDE_GLYPHS}]\\s+[A-Za-z]+ for (?:\\d+[hms]\\s*)+$`,
  ],
};

const CODEX: PatternSources = {
  waiting: [
    'Allow command\\?',
    '\\[y/n\\]',
    'press enter to confirm or esc to cancel',
    'Trust this folder\\?',
    'Do you trust the files in this folder',
    'Would you like to (?:run the following command|make the following edits|allow)',
    '^\\s*›\\s*1\\.\\s+(?:Yes|Trust|Approve|Allow)\\b',
  ],
  busy: ['\\besc to interrupt\\b', '\\bWorking \\(\\s*\\d+[hms]'],
  idle: ['^\\s*›(?:[ \\u00a0][^\\n]*)?$', 'Ask Codex to do anything', '\\? for shortcuts', '⏎ send'],
};

const GEMINI: PatternSources = {
  waiting: [
    'Allow execution',
    'Waiting for user confirmation',
    'Apply this change\\?',
    'Do you want to proceed\\?',
    '\\bAllow (?:once|always)\\b',
    '^\\s*[●❯›]\\s*1\\.\\s+(?:Yes|Allow)\\b',
  ],
  busy: ['\\besc to cancel\\b', `^\\s*[${BRAILLE}]\\s+\\S`],
  idle: ['Type your message', '^\\s*│\\s*>\\s', '^\\s*>\\s{2,}\\S'],
};

const AIDER: PatternSources = {
  // Aider's questions scroll away once answered: only a question on the LAST line is pending.
  waiting: ['\\(Y\\)es/\\(N\\)o[^\\n]*(?![\\s\\S])', '\\[(?:Yes|No)\\]:\\s*(?![\\s\\S])', '\\(y/n\\)[^\\n]*(?![\\s\\S])'],
  busy: ['^\\s*[░▒▓█]{2,}\\s+\\S', '\\bWaiting for \\S+', `^\\s*[${BRAILLE}]\\s+\\S`],
  // The prompt `> ` (or `architect> `, `ask> ` …) as the last non-blank line.
  idle: ['^(?:[a-z-]+)?>(?:[ \\u00a0][^\\n]*)?(?![\\s\\S])'],
};

const GENERIC: PatternSources = {
  // Only prompts on the LAST non-blank line: a question left on screen long ago is history.
  waiting: [
    '(?:\\[y/n\\]|\\(y/n\\)|\\[yes/no\\]|\\(yes/no\\))[^\\n]*(?![\\s\\S])',
    '(?:password|passphrase)[^\\n]*:\\s*(?![\\s\\S])',
    'press (?:any key|enter|return) to continue[^\\n]*(?![\\s\\S])',
  ],
  busy: [],
  idle: [],
};

export const BUILTIN_PATTERNS: Readonly<Record<DetectorKind, Readonly<PatternSources>>> = {
  claude: CLAUDE,
  codex: CODEX,
  gemini: GEMINI,
  aider: AIDER,
  generic: GENERIC,
};

/** Status lines: where the spinner text, clock and token count live. */
const STATUS: Record<DetectorKind, string | null> = {
  claude: `^\\s*[${CLAUDE_GLYPHS}]\\s+[^\\n…]{1,80}…(?:\\s*\\([^\\n]*)?\\s*$`,
  codex: '^[^\\n]*\\bWorking \\(\\s*\\d+[hms][^\\n]*$',
  gemini: `^\\s*[${BRAILLE}]\\s+[^\\n]*$`,
  aider: '^\\s*[░▒▓█]{2,}\\s+[^\\n]*$',
  generic: `^\\s*[${BRAILLE}]\\s+[^\\n]*$`,
};

const TAIL_LINES: Record<DetectorKind, number> = { claude: 30, codex: 30, gemini: 30, aider: 20, generic: 15 };

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
  const status = STATUS[kind];
  return Object.freeze({
    kind,
    isAgent: kind !== 'generic',
    tailLines: TAIL_LINES[kind],
    sources: Object.freeze({ busy: [...sources.busy], waiting: [...sources.waiting], idle: [...sources.idle] }),
    waiting: compile(kind, 'waiting', sources.waiting),
    busy: compile(kind, 'busy', sources.busy),
    idle: compile(kind, 'idle', sources.idle),
    status: status ? new RegExp(status, 'gm') : null,
  });
}

const BUILTIN: Record<DetectorKind, Detector> = {
  claude: build('claude', CLAUDE),
  codex: build('codex', CODEX),
  gemini: build('gemini', GEMINI),
  aider: build('aider', AIDER),
  generic: build('generic', GENERIC),
};

export function isDetectorKind(s: string): s is DetectorKind {
  return (DETECTOR_KINDS as readonly string[]).includes(s);
}

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
// Choosing a detector.

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'busybox']);
const WRAPPERS = new Set(['exec', 'env', 'command', 'nohup', 'nice', 'stdbuf', 'time']);
const ALIASES: Record<string, DetectorKind> = {
  'claude-code': 'claude',
  '@anthropic-ai/claude-code': 'claude',
  '@openai/codex': 'codex',
  '@google/gemini-cli': 'gemini',
  'gemini-cli': 'gemini',
  'aider-chat': 'aider',
};
const WORD = /'[^']*'|"(?:[^"\\]|\\.)*"|[^\s;&|()<>]+/g;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function kindOfProgram(word: string): DetectorKind | null {
  const unq = word.replace(/^['"]|['"]$/g, '');
  const alias = ALIASES[unq];
  if (alias) return alias;
  const base = basename(unq).replace(/\.(?:exe|js|mjs|cjs|sh|py)$/i, '');
  if (isDetectorKind(base) && base !== 'generic') return base;
  return ALIASES[base] ?? null;
}

/** The program a shell string runs first: skips `VAR=x`, `exec`, `env`, `npx`-style runners. */
function firstProgramOfShellString(cmd: string): string | null {
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = WORD.exec(cmd)) !== null) {
    const w = m[0];
    if (ASSIGNMENT.test(w) || WRAPPERS.has(w) || w.startsWith('-')) continue;
    if (w === 'npx' || w === 'bunx' || w === 'pnpx' || w === 'uvx') continue;
    return w;
  }
  return null;
}

/**
 * Which detector an agent gets: the explicit `detector:` from config, else the agent id when it
 * names a known kind, else the basename of argv[0] (or of the first program of a `sh -c` string,
 * or of a single-string command), else `generic`.
 */
export function detectorKindFor(agentId: string, argv: readonly string[], explicit?: string): string {
  if (explicit) return explicit;
  if (isDetectorKind(agentId)) return agentId;
  const a0 = argv[0];
  if (!a0) return 'generic';
  let program: string | null = a0;
  if (SHELLS.has(basename(a0)) && argv[1] === '-c' && argv[2] !== undefined) {
    program = firstProgramOfShellString(argv[2]);
  } else if (argv.length === 1 && /\s/.test(a0)) {
    program = firstProgramOfShellString(a0);
  } else if (WRAPPERS.has(basename(a0)) || a0 === 'npx') {
    program = firstProgramOfShellString(argv.slice(1).join(' '));
  }
  return (program && kindOfProgram(program)) ?? 'generic';
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

/**
 * Classifies a rendered screen (capture-pane text). Precedence on one screen:
 * waiting > busy > idle (a permission panel under a spinner is waiting; an input box drawn
 * while the agent works is busy). `null` when nothing matched.
 */
export function classifyScreen(det: Detector, screen: string): Classification {
  const tail = screenTail(screen, det.tailLines);
  let hit = firstMatch(det.waiting, tail);
  let verdict: Verdict | null = hit ? 'waiting' : null;
  if (!hit) {
    hit = firstMatch(det.busy, tail);
    if (hit) verdict = 'busy';
  }
  if (!hit) {
    hit = firstMatch(det.idle, tail);
    if (hit) verdict = 'idle';
  }
  const out: Classification = { verdict };
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
 * What counts as progress for stuck detection. The key is the screen's tail with the live
 * status line replaced by a mask (its glyph turns, its clock ticks and its word may change —
 * none of that is progress), other spinner glyphs and elapsed clocks normalised; the token
 * count is parsed out of the status line separately. New content changes the key; a rising
 * token count changes `tokens`; a spinner that turns while nothing else moves changes neither.
 */
export function progressOf(det: Detector, screen: string): Progress {
  const tail = screenTail(screen, det.tailLines);
  let tokens: number | null = null;
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
