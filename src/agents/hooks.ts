/**
 * Per-launch hook wiring: the words that make an agent report its own turns (Claude Code's
 * `--settings FILE`, Codex's `-c notify=[…]`; see each profile's `hooks`), placed where they
 * reach the agent. src/state/hooks.ts reads the recorded events back.
 */
import { kindOfProgram, profileFor } from './index.js';
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
  const argv = withAgentArgs(t, extra);
  if (argv === null) {
    const profile = profileFor(t.detector);
    const binary = profile.programs[0]!;
    throw new AmuxError(
      `agent "${t.agent}": cannot add ${profile.product}'s hook flags (${profile.hooks!.summary}) to the shell command ` +
        `${JSON.stringify(t.argv[2])}: no unquoted \`${binary}\` word starts a command in it, and at the end they would reach ` +
        `another program. Write \`${binary}\` plainly in the string, or give the command as a list ` +
        `(command: [${binary}, …], or [sh, -c, "…"] to run it without hooks)`,
    );
  }
  return argv;
}

/**
 * The argv with `extra` words for the agent: appended to an argv command, inserted after the
 * agent's own word in a shell string (null when a shell string has no such word).
 */
export function withAgentArgs(t: HookTarget, extra: readonly string[]): string[] | null {
  if (extra.length === 0) return [...t.argv];
  if (!t.shellCommand) return [...t.argv, ...extra];
  const cmd = insertAgentArgs(t.argv[2]!, t.detector, extra);
  if (cmd === null) return null;
  const argv = [...t.argv];
  argv[2] = cmd;
  return argv;
}

/** Whether the command already picks a conversation itself (`--resume X`, `--session-id X`, `resume`): amux then assigns none. */
export function picksOwnConversation(t: HookTarget): boolean {
  const flags = profileFor(t.detector).conversation?.ownFlags ?? [];
  const words = t.shellCommand ? t.argv[2]!.split(/\s+/) : t.argv.slice(1);
  return words.some((w) => flags.includes(w) || flags.some((f) => f.startsWith('--') && w.startsWith(`${f}=`)));
}
