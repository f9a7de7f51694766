import { writeFileSync } from 'node:fs';
import { UsageError } from '../util/errors.js';

/**
 * Environment for a launched agent travels in a 0600 file that the pane's constant launcher
 * script sources; values never appear on any command line (a tmux server keeps the argv of the
 * client that started it, and `ps` shows every argv).
 */
const SKIP = new Set(['TMUX', 'TMUX_PANE', 'PWD', 'OLDPWD', 'SHLVL', '_', 'COLUMNS', 'LINES', 'TERM', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Variables the launcher sets for every agent itself: a value given for them would be overridden. */
const OWN = new Set(['AMUX_SESSION', 'AMUX_SESSION_ID']);

/**
 * A variable a user asks to set for an agent (`run -e KEY=VALUE`): a valid name that the agent
 * will really see. The terminal's own variables (which tmux sets) and amux's are refused, never
 * dropped without a word.
 */
export function validateEnvKey(key: string): string {
  if (!NAME.test(key)) throw new UsageError(`not a valid environment variable name: ${JSON.stringify(key)} (use letters, digits and _, not starting with a digit)`);
  if (SKIP.has(key) || OWN.has(key)) throw new UsageError(`${key} cannot be set for an agent: ${OWN.has(key) ? 'amux sets it' : 'it belongs to the terminal tmux gives the agent'}`);
  return key;
}

function quoteValue(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function envFileText(env: Record<string, string | undefined>): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || !NAME.test(k) || SKIP.has(k)) continue;
    lines.push(`${k}=${quoteValue(v)}`);
  }
  return lines.join('\n') + '\n';
}

export function writeEnvFile(path: string, env: Record<string, string | undefined>): void {
  writeFileSync(path, envFileText(env), { mode: 0o600 });
}

/**
 * The pane runs this constant program: `sh -c LAUNCHER amux ENVFILE argv...`. It exports the
 * file's variables, deletes the file (the agent's secrets do not outlive its start; nothing
 * launches the pane again from it), and execs the agent's argv untouched (no word splitting, no
 * re-parsing).
 */
const INNER = 'set -a; . "$1"; set +a; rm -f -- "$1"; shift; exec "$@"';
/**
 * The agent's environment is exactly the env file (the caller's environment and the agent's
 * own) plus what tmux gives the pane (TMUX, TMUX_PANE, TERM): `env -i` first, because a tmux
 * server hands every new pane the environment of whichever client started the server, and that
 * must not leak into agents started later by someone else.
 */
export const LAUNCHER_SCRIPT = `exec /usr/bin/env -i TMUX="$TMUX" TMUX_PANE="$TMUX_PANE" TERM="$TERM" /bin/sh -c '${INNER}' amux "$@"`;

export function launcherArgv(envFile: string, argv: string[]): string[] {
  return ['/bin/sh', '-c', LAUNCHER_SCRIPT, 'amux', envFile, ...argv];
}
