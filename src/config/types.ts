/**
 * The typed config spec. `src/config/load.ts` turns YAML into this (parse → validate with
 * positions → merge presets/user/project); nothing else reads YAML, and launching never does.
 */

export interface AgentParams {
  /** Shell used to run a string `command` (default: $SHELL, else /bin/sh). */
  shell?: string;
  /** Name of the tmux window the agent runs in (default: the agent id). */
  windowName?: string;
  /** Attach after `amux run` (when a terminal is present). */
  autoAttach?: boolean;
  /** Never attach after `amux run`, even with autoAttach. */
  detached?: boolean;
}

/** Screen patterns for a detector, as regular-expression sources (case-insensitive). */
export interface DetectorPatterns {
  busy?: string[];
  waiting?: string[];
  idle?: string[];
}

export interface AgentSpec {
  /** The key under `agents:` (or the preset's id). */
  id: string;
  name: string;
  description?: string;
  type: 'tmux';
  /** A string is run by the shell; an array is run directly (argv). */
  command: string | string[];
  /** Values may hold `${VAR}` / `${VAR:-default}`, expanded at launch (see expand.ts). */
  environment: Record<string, string>;
  workingDir?: string;
  tags: string[];
  /** Detector kind: claude | codex | gemini | aider | generic (default from id / command). */
  detector?: string;
  /** Milliseconds of quiet output after which a generic command counts as idle. */
  idleAfter?: number;
  /** Milliseconds without progress after which a working agent counts as stuck. */
  stuckAfter?: number;
  /** Extra or replacement screen patterns for this agent's detector. */
  patterns?: DetectorPatterns & { replace?: boolean };
  params: AgentParams;
  /** Where the definition came from: a built-in preset, the user config or the project config. */
  source: 'preset' | 'user' | 'project';
}

export interface WorkspacesConfig {
  /** Where worktrees live, relative to the project root (default `.amux/workspaces`). */
  root: string;
  /** Default base for new workspaces (default: the current HEAD). */
  baseBranch?: string;
  /** fast-glob patterns copied from the main checkout into a new workspace (e.g. `.env*`). */
  copy: string[];
  /** Shell commands run inside a new workspace, output shown. */
  setup: string[];
}

/** `failed` is an exit with a non-zero code or by a signal; `exited` is any exit. */
export type NotifyEvent = 'waiting' | 'idle' | 'stuck' | 'exited' | 'failed' | 'running';

/** What the built-in notifications (display-message, notify-send) announce unless `notify.events` says otherwise. */
export const DEFAULT_NOTIFY_EVENTS: readonly NotifyEvent[] = ['waiting', 'stuck', 'failed'];

export interface NotifyConfig {
  /** Commands run (by the shell) on a transition into the given state. */
  on: Partial<Record<NotifyEvent, string[]>>;
  /** Also show a tmux `display-message` on transitions (default true). */
  displayMessage: boolean;
  /** Also call `notify-send` when it is installed (default true). */
  desktop: boolean;
  /** The events the display-message and notify-send announce (default waiting, stuck, failed). */
  events: NotifyEvent[];
}

/** Limits on agents starting agents through `amux mcp`, so no agent can fork without bound. */
export interface McpConfig {
  /** Live children one session may have at once (default 8). */
  maxChildren: number;
  /** Generations below a session started by a person: 1 lets it start workers, not grand-workers (default 2). */
  maxDepth: number;
}

/** Another machine reached over SSH (`hosts:`; `amux host add`). */
export interface HostConfig {
  /** `user@host[:port]`. */
  ssh: string;
  /** The amux command there (default `amux`). */
  amux?: string;
  /** A private key file for this host. */
  identity?: string;
  /** The folder remote operations run in (default: the login folder). */
  dir?: string;
  /** How long a listing may take before the host counts as offline (ms). */
  timeout?: number;
}

/** Session logs: the size at which one rotates (FILE → FILE.1 → FILE.2 …), and how many rotated files stay. */
export interface LogsConfig {
  maxBytes: number;
  keep: number;
}

export interface AmuxConfig {
  version: number;
  agents: Record<string, AgentSpec>;
  workspaces: WorkspacesConfig;
  tmux: { socket?: string };
  notify: NotifyConfig;
  mcp: McpConfig;
  /** Other machines by name (user config and project config merged). */
  hosts: Record<string, HostConfig>;
  logs: LogsConfig;
  /** Milliseconds: sessions idle or exited longer than this are removed by the monitor (0: never). */
  ttl: number;
  /** Milliseconds an agent may sit idle before the monitor hibernates it (stops its process, keeps its conversation); absent: never. */
  hibernate?: number;
  /** The project's root: the folder holding `.amux/`, else the git top level, else the cwd. */
  projectRoot: string;
  /** The project config file, when one was found. */
  file: string | null;
  /** The user-wide config file, when one exists. */
  userFile: string | null;
}

/** One validation problem, with its position in the file. */
export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  message: string;
}
