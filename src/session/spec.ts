import { basename, isAbsolute, resolve } from 'node:path';
import type { AgentSpec, AmuxConfig } from '../config/types.js';
import { slug } from '../tmux/names.js';
import { AmuxError } from '../util/errors.js';
import { findExecutable, type LaunchSpec } from './launcher.js';
import { detectorKindFor } from '../agents/index.js';

/**
 * Where the `-- ARGS` of a command line begin. Clipanion folds them into the rest positionals,
 * so the count after the first bare `--` in the raw argv tells them apart.
 */
export function splitPassthrough(rest: string[], rawArgv: string[]): { positional: string[]; passthrough: string[] } {
  const i = rawArgv.indexOf('--');
  if (i < 0) return { positional: rest, passthrough: [] };
  const n = Math.min(rawArgv.length - i - 1, rest.length);
  return { positional: rest.slice(0, rest.length - n), passthrough: rest.slice(rest.length - n) };
}

function defaultShell(env: NodeJS.ProcessEnv): string {
  return env.SHELL && isAbsolute(env.SHELL) ? env.SHELL : '/bin/sh';
}

const SHELL_WORDS = new Set(
  ('. : [ alias bg break builtin case cd command continue declare echo eval exec exit export false fc fg for function getopts hash if jobs kill ' +
    'let local printf pwd read readonly return select set shift source test time times trap true type typeset ulimit umask unalias unset until wait while')
    .split(' '),
);

/** The first word of a shell command string, when it is a plain word we can check on PATH. */
function plainFirstWord(cmd: string): string | null {
  const m = /^\s*([A-Za-z0-9_./+-]+)(\s|$)/.exec(cmd);
  if (!m) return null;
  const w = m[1]!;
  // `FOO=bar cmd`, shell keywords and builtins are not programs to look for on PATH.
  if (w.includes('=') || SHELL_WORDS.has(w)) return null;
  return w;
}

/**
 * The program an agent runs when it is not installed (not found on the PATH the agent gets:
 * its own `environment.PATH` when set), else null. The same check `buildLaunchSpec` makes.
 */
export function missingProgram(
  agent: AgentSpec,
  cwd: string,
  expandEnvironment: (env: Record<string, string>, processEnv: NodeJS.ProcessEnv) => Record<string, string>,
  penv: NodeJS.ProcessEnv = process.env,
): string | null {
  let path = penv.PATH;
  try {
    path = expandEnvironment(agent.environment, penv).PATH ?? path;
  } catch {
    /* an unexpandable environment fails at start with its own message */
  }
  const dir = agent.workingDir ? (isAbsolute(agent.workingDir) ? agent.workingDir : resolve(cwd, agent.workingDir)) : cwd;
  const word = typeof agent.command === 'string' ? plainFirstWord(agent.command) : (agent.command[0] ?? null);
  return word && !findExecutable(word, path, dir) ? word : null;
}

export interface BuildInput {
  config: AmuxConfig;
  /** null with `command` for `amux run -c`. */
  agent: AgentSpec | null;
  command?: string;
  passthrough: string[];
  extraEnv: Record<string, string>;
  expandEnvironment: (env: Record<string, string>, processEnv: NodeJS.ProcessEnv) => Record<string, string>;
  cwd: string;
  workspace: string | null;
  name?: string;
  tags: string[];
  processEnv?: NodeJS.ProcessEnv;
  /** Start from a clean base: none of the calling agent's own variables (see LEAD_ONLY). */
  cleanEnv?: boolean;
  /** The id of the session that asked for this one. */
  parent?: string;
}

/**
 * Variables that describe the session of an agent that starts workers (`amux mcp` inside Claude
 * Code in tmux), not the worker: left in, a worker believes it is nested in its lead's Claude
 * Code, its tmux pane or its amux session, or bills its lead's API account. A worker's agent
 * config may still set any of them.
 */
const LEAD_ONLY = /^(CLAUDECODE|CLAUDE_CODE_.*|CLAUDE_PROJECT_DIR|TMUX|TMUX_PANE|ANTHROPIC_.*|AMUX_SESSION|AMUX_SESSION_ID)$/;

/** The environment without the calling agent's own variables. */
export function cleanBase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !LEAD_ONLY.test(k)));
}

/**
 * Turns a config agent (or a `-c` command) into a finished LaunchSpec: argv, environment, cwd,
 * detector. Checks that the program exists before anything is created.
 */
export function buildLaunchSpec(input: BuildInput): LaunchSpec {
  const penv = input.processEnv ?? process.env;
  const agent = input.agent;
  // The agent's values are expanded against the whole environment (`${ANTHROPIC_API_KEY}` works
  // in a worker's config); only the base they land on is cleaned.
  const agentEnv = agent ? input.expandEnvironment(agent.environment, penv) : {};
  const env: Record<string, string | undefined> = { ...(input.cleanEnv ? cleanBase(penv) : penv), ...agentEnv, ...input.extraEnv };
  const shell = agent?.params.shell ?? defaultShell(penv);

  let cwd = input.cwd;
  if (agent?.workingDir) cwd = isAbsolute(agent.workingDir) ? agent.workingDir : resolve(input.cwd, agent.workingDir);

  let argv: string[];
  let checkWord: string | null;
  const command = input.command ?? agent!.command;
  if (typeof command === 'string') {
    const hookTail = input.passthrough.length ? ' "$@"' : '';
    // Passthrough args reach a string command as "$@" (positional parameters), never re-parsed.
    argv = input.passthrough.length ? [shell, '-c', command + hookTail, basename(shell), ...input.passthrough] : [shell, '-c', command];
    checkWord = plainFirstWord(command);
    // The shell runs the command: a missing one would end the session at once with 127.
    if (!findExecutable(shell, env.PATH, cwd)) {
      const where = agent?.params.shell ? `agents.${agent.id}.params.shell is "${shell}"` : `the shell "${shell}" (from $SHELL) runs the command`;
      throw new AmuxError(`${where}, which is not installed (no such executable)`, {
        code: 'not_found',
        hint: agent?.params.shell ? `install it, or set agents.${agent.id}.params.shell to an installed shell such as /bin/sh` : 'set SHELL to an installed shell, or params.shell in the agent config',
      });
    }
  } else {
    if (command.length === 0) throw new AmuxError(`agent "${agent!.id}" has an empty command`);
    argv = [...command, ...input.passthrough];
    checkWord = command[0]!;
  }
  if (checkWord && !findExecutable(checkWord, env.PATH, cwd)) {
    const what = agent ? `agent "${agent.id}" needs the program "${checkWord}", which is not installed (not found on PATH)` : `cannot run "${checkWord}": no such program on PATH`;
    throw new AmuxError(what, { code: 'not_found', ...(agent?.source === 'preset' ? { hint: `install it, or define agents.${agent.id}.command in .amux/config.yaml` } : {}) });
  }

  const id = agent?.id ?? 'command';
  const detector = detectorKindFor(id, argv, agent?.detector);
  const base = agent ? slug(agent.id, 30) : slug(basename(plainFirstWord(command as string) ?? 'cmd'), 30);
  return {
    agent: id,
    name: input.name,
    nameBase: input.workspace ? `${base}-${slug(input.workspace, 30)}` : base,
    argv,
    env,
    cwd,
    project: input.config.projectRoot,
    workspace: input.workspace,
    detector,
    windowName: agent?.params.windowName ?? id,
    tags: [...(agent?.tags ?? []), ...input.tags],
    idleAfter: agent?.idleAfter,
    stuckAfter: agent?.stuckAfter,
    shellCommand: typeof command === 'string',
    ...(agent?.patterns ? { patterns: agent.patterns } : {}),
    ...(input.parent ? { parent: input.parent } : {}),
    ...(input.cleanEnv ? { cleanEnv: true } : {}),
  };
}

