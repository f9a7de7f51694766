/**
 * The agent registry: one profile per agent kind (claude.ts, codex.ts, gemini.ts, aider.ts,
 * generic.ts hold everything amux knows about that agent), and the rule that picks the kind of
 * an agent from its id or its command.
 */
import { basename } from 'node:path';
import { aider } from './aider.js';
import { claude } from './claude.js';
import { codex } from './codex.js';
import { gemini } from './gemini.js';
import { generic } from './generic.js';
import { DETECTOR_KINDS, type AgentProfile, type DetectorKind } from './types.js';

export { DETECTOR_KINDS, DEFAULT_STUCK_AFTER_MS, type AgentProfile, type DetectorKind } from './types.js';

const PROFILES: Readonly<Record<DetectorKind, AgentProfile>> = { claude, codex, gemini, aider, generic };
const ALL: readonly AgentProfile[] = DETECTOR_KINDS.map((k) => PROFILES[k]);

export function isDetectorKind(s: string): s is DetectorKind {
  return (DETECTOR_KINDS as readonly string[]).includes(s);
}

/** Every profile, in display order (generic last). */
export function allProfiles(): readonly AgentProfile[] {
  return ALL;
}

/** The profile of a kind; an unknown or custom kind gets `generic`. */
export function profileFor(kind: string): AgentProfile {
  return isDetectorKind(kind) ? PROFILES[kind] : generic;
}

/** tmux keys that answer "yes" to a waiting dialog of this kind. */
export function approveKeys(kind: string): readonly string[] {
  return profileFor(kind).approveKeys;
}

/** tmux keys that answer "no" to (or cancel) a waiting dialog of this kind. */
export function rejectKeys(kind: string): readonly string[] {
  return profileFor(kind).rejectKeys;
}

// ---------------------------------------------------------------------------------------------
// Choosing the kind.

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'busybox']);
const WRAPPERS = new Set(['exec', 'env', 'command', 'nohup', 'nice', 'stdbuf', 'time']);
const RUNNERS = new Set(['npx', 'bunx', 'pnpx', 'uvx']);
const WORD = /'[^']*'|"(?:[^"\\]|\\.)*"|[^\s;&|()<>]+/g;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The kind a program word names (`claude`, `/usr/local/bin/claude`, `claude-code`,
 * `@openai/codex`, `gemini-cli.js`), or null. Quotes around the word are ignored.
 */
export function kindOfProgram(word: string): DetectorKind | null {
  const unq = word.replace(/^['"]|['"]$/g, '');
  const base = basename(unq).replace(/\.(?:exe|js|mjs|cjs|sh|py)$/i, '');
  for (const p of ALL) if (p.programs.includes(unq)) return p.id;
  for (const p of ALL) if (p.programs.includes(base)) return p.id;
  return null;
}

/** The program a shell string runs first: skips `VAR=x`, `exec`, `env`, `npx`-style runners. */
function firstProgramOfShellString(cmd: string): string | null {
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = WORD.exec(cmd)) !== null) {
    const w = m[0];
    if (ASSIGNMENT.test(w) || WRAPPERS.has(w) || RUNNERS.has(w) || w.startsWith('-')) continue;
    return w;
  }
  return null;
}

/**
 * Which kind (detector, hooks, keys) an agent gets: the explicit `detector:` from config, else
 * the agent id when it names a known kind, else the program of argv[0] (or of the first program
 * of a `sh -c` string, or of a single-string command), else `generic`.
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
