/** The durable record of one amux session (AMUX_HOME/sessions/<id>.json, schema-versioned). */
export const RECORD_SCHEMA = 1;

export interface TmuxRef {
  /** The server's socket label: the `-L` name, a socket path, or `default`. */
  socket: string;
  /** tmux session name (`amux-<name>`). */
  session: string;
  sessionId: string;
  window: string;
  /** `%N`: the identity of the live pane. */
  pane: string;
}

export interface SessionRecord {
  schema: number;
  id: string;
  name: string;
  agent: string;
  /** Detector kind used for this session's state. */
  detector: string;
  /** What ran: argv, or [shell, -c, string] for string commands. */
  argv: string[];
  /** The project root the session belongs to. */
  project: string;
  workspace: string | null;
  cwd: string;
  createdAt: string;
  tmux: TmuxRef;
  logFile: string;
  tags: string[];
  /** Milliseconds, from the agent's config at launch. */
  idleAfter?: number;
  stuckAfter?: number;
  /** Screen pattern overrides from the agent's config, for its detector. */
  patterns?: { busy?: string[]; waiting?: string[]; idle?: string[]; replace?: boolean };
  /** The id of the session that started this one (through `amux mcp`): a worker's lead. */
  parent?: string;
  /** The names of the variables set for the agent beyond the launching environment (values are never kept). */
  envNames?: string[];
  /** Set by `amux rm --archive` style flows / the TUI; hidden from ps unless --all. */
  archived?: boolean;
  /**
   * The agent's own conversation (Claude Code's session id, Codex's thread id): what a resume
   * continues. Pre-assigned at launch when the agent allows it, then followed through its hooks.
   */
  conversation?: ConversationRef;
  /** Earlier conversations of this session, oldest first (a `/clear` starts a new one). */
  conversations?: ConversationRef[];
  /** argv before amux's conversation words (`--session-id`, `--resume`): what a relaunch builds on. */
  baseArgv?: string[];
  /** argv is [shell, -c, COMMAND, ...] made from a string command (agent words go into COMMAND). */
  shellCommand?: boolean;
  /** Launched on a clean base environment (a worker started through `amux mcp`). */
  cleanEnv?: boolean;
  /** tmux window name at launch (a relaunch uses it again). */
  windowName?: string;
  /** Set while the agent's process is stopped to free memory; a resume wakes it. */
  hibernated?: { at: string; reason: string };
  /** Relaunches so far (resume, restart, wake), and the last one's time. */
  relaunches?: number;
  relaunchedAt?: string;
  /** Registered from a pane amux did not start (`amux adopt`): its tmux session is not amux's. */
  adopted?: boolean;
  /** Handed to a person (`amux handoff`): scripts are refused until control returns (src/core/handoff.ts). */
  handoff?: import('../core/handoff.js').HandoffInfo;
}

/** One conversation of an agent, by the agent's own id. */
export interface ConversationRef {
  id: string;
  /** How it was learned: `assigned` (amux chose it), or the agent's report (`startup`, `clear`, `resume`, `compact`, `notify`, `rollout`). */
  source: string;
  /** When amux learned it (ISO time). */
  at: string;
  /** Where the agent said it keeps the conversation, when it said so. */
  file?: string;
}
