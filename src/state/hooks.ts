/**
 * Per-launch hook wiring. Agents that can report their own turns (Claude Code hooks, Codex's
 * `notify` program; see each profile's `hooks` in src/agents/) get the recorder program of
 * state/hook-record.ts, which writes the event and its time on the agent's own pane. This module
 * adds the agent's hook words to its argv and reads the recorded event back.
 */
import { kindOfProgram, profileFor } from '../agents/index.js';
import { AmuxError } from '../util/errors.js';
import { shQuote } from '../util/quote.js';
import { programWordEnd } from '../util/shellcmd.js';

/** The hook words for a kind (`--settings FILE` for Claude, `-c notify=[…]` for Codex), or none. */
export function hookArgsFor(kind: string, settingsFile: string): string[] {
  return profileFor(kind).hooks?.args(settingsFile) ?? [];
}

/** The contents to write to the settings file for a kind (null when it needs none). */
export function hookSettingsFor(kind: string): string | null {
  return profileFor(kind).hooks?.settingsFile?.() ?? null;
}

/**
 * A shell command string with `args` (each shell-quoted) right after the word that runs the
 * agent of `kind` (`claude`, `/opt/bin/claude`, `npx @anthropic-ai/claude-code`), so they reach
 * the agent and not the last program of the string. Null when no such word can be found
 * safely: a plain word, not quoted, in command position.
 */
export function insertAgentArgs(cmd: string, kind: string, args: readonly string[]): string | null {
  if (args.length === 0) return cmd;
  const end = programWordEnd(cmd, (word) => kindOfProgram(word) === kind);
  if (end === null) return null;
  return `${cmd.slice(0, end)} ${args.map(shQuote).join(' ')}${cmd.slice(end)}`;
}

/** What `hookedArgv` needs of a launch. */
export interface HookTarget {
  agent: string;
  detector: string;
  argv: readonly string[];
  /** True when argv is [shell, -c, COMMAND, ...] built from a string command. */
  shellCommand?: boolean;
}

/**
 * The argv to launch with the agent's hook words added: appended to an argv command, inserted
 * after the agent's own word in a shell string. Throws when a shell string has no word the
 * hooks can safely follow (appending them would hand them to whatever runs last).
 */
export function hookedArgv(t: HookTarget, settingsFile: string): string[] {
  const extra = hookArgsFor(t.detector, settingsFile);
  if (extra.length === 0) return [...t.argv];
  if (!t.shellCommand) return [...t.argv, ...extra];
  const profile = profileFor(t.detector);
  const cmd = insertAgentArgs(t.argv[2]!, t.detector, extra);
  if (cmd === null) {
    const binary = profile.programs[0]!;
    throw new AmuxError(
      `agent "${t.agent}": cannot add ${profile.product}'s hook flags (${profile.hooks!.summary}) to the shell command ` +
        `${JSON.stringify(t.argv[2])}: no unquoted \`${binary}\` word starts a command in it, and at the end they would reach ` +
        `another program. Write \`${binary}\` plainly in the string, or give the command as a list ` +
        `(command: [${binary}, …], or [sh, -c, "…"] to run it without hooks)`,
    );
  }
  const argv = [...t.argv];
  argv[2] = cmd;
  return argv;
}

export interface HookSignalValue {
  event: string;
  at: number;
}

/**
 * Reads the pane options back (PaneRow.opts.hook / hookAt). Null when no hook has fired.
 * Times written in seconds are scaled to milliseconds.
 */
export function parseHook(hook: string, hookAt: string): HookSignalValue | null {
  if (!hook) return null;
  let at = Number(hookAt);
  if (!Number.isFinite(at) || at <= 0) return null;
  if (at < 1e11) at *= 1000;
  return { event: hook, at };
}
