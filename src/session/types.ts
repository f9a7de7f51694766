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
  /** Handed to a person (`amux handoff`): scripts are refused until control returns (src/core/handoff.ts). */
  handoff?: import('../core/handoff.js').HandoffInfo;
}
