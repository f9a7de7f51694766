/**
 * The one format string amux uses to read the whole server in a single `list-panes -a` call,
 * and its parser. Fields are separated by the unit separator (0x1f), which tmux passes through.
 */
export const SEP = '\x1f';

/**
 * Makes text literal where tmux expands formats: `new-session -c`, `respawn-pane -c`, the
 * `pipe-pane` command, `-F` templates. tmux turns `##` into `#`, so `#(cmd)`, `#S` and
 * `#{...}` in a folder name or a message stay text and never run. One exception in tmux's
 * expander (format.c): a run of `#`s followed by `[` is a style and is copied through whole, so
 * `##[` would stay `##[`, and `new-session -c` would get a folder that does not exist (tmux then
 * starts the pane in its client's folder: another session's, under concurrency). The `[` after
 * a `#` is therefore given as `#{l:[}`, a literal that expands to `[`.
 */
export function formatLiteral(text: string): string {
  return text.replaceAll('#', '##').replaceAll('#[', '##{l:[}');
}

/** `display-message` also expands strftime sequences (`%S`, `%%`): its text needs both. */
export function messageLiteral(text: string): string {
  return formatLiteral(text).replaceAll('%', '%%');
}

/** Field name → tmux format. Order matters only for parsing; the free-text fields go last. */
const FIELDS = {
  sessionId: '#{session_id}',
  sessionName: '#{session_name}',
  sessionCreated: '#{session_created}',
  sessionAttached: '#{session_attached}',
  windowId: '#{window_id}',
  windowIndex: '#{window_index}',
  windowActivity: '#{window_activity}',
  paneId: '#{pane_id}',
  paneIndex: '#{pane_index}',
  panePid: '#{pane_pid}',
  paneDead: '#{pane_dead}',
  paneDeadStatus: '#{pane_dead_status}',
  paneDeadSignal: '#{pane_dead_signal}',
  paneDeadTime: '#{pane_dead_time}',
  paneWidth: '#{pane_width}',
  paneHeight: '#{pane_height}',
  panePipe: '#{pane_pipe}',
  paneInMode: '#{pane_in_mode}',
  amuxId: '#{@amux_id}',
  amuxState: '#{@amux_state}',
  amuxStateSince: '#{@amux_state_since}',
  amuxReason: '#{@amux_reason}',
  amuxHook: '#{@amux_hook}',
  amuxHookAt: '#{@amux_hook_at}',
  amuxExit: '#{@amux_exit}',
  amuxConv: '#{@amux_conv}',
  monitorTick: '#{@amux_daemon_tick}',
  paneCurrentCommand: '#{pane_current_command}',
  windowName: '#{window_name}',
  paneTitle: '#{pane_title}',
  paneCurrentPath: '#{pane_current_path}',
} as const;

export type PaneField = keyof typeof FIELDS;
const KEYS = Object.keys(FIELDS) as PaneField[];

export const PANE_FORMAT = KEYS.map((k) => FIELDS[k]).join(SEP);

/** One pane row of the whole-server read, typed. */
export interface PaneRow {
  sessionId: string;
  sessionName: string;
  sessionCreated: number;
  sessionAttached: number;
  windowId: string;
  windowIndex: number;
  windowName: string;
  windowActivity: number;
  paneId: string;
  paneIndex: number;
  panePid: number;
  paneDead: boolean;
  /** Exit code once tmux has filled it in; null before (it lags pane_dead: see TMUX-FACTS). */
  paneDeadStatus: number | null;
  paneDeadSignal: number | null;
  paneDeadTime: number | null;
  paneWidth: number;
  paneHeight: number;
  /** A log writer (`pipe-pane`) is attached: without one the log never moves. */
  panePipe: boolean;
  paneInMode: boolean;
  paneCurrentCommand: string;
  paneTitle: string;
  paneCurrentPath: string;
  /** The monitor's heartbeat (the global `@amux_daemon_tick`, epoch ms; 0 when it never ticked): how old the published state is. */
  monitorTick: number;
  /** amux's user options on the pane (empty string when unset). */
  opts: { id: string; state: string; stateSince: string; reason: string; hook: string; hookAt: string; /** The first exit code the monitor saw (tmux may later report 0). */ exit: string; /** The conversation the agent reported (`TIME SOURCE ID [FILE]`, see hook-record.ts). */ conv?: string };
}

function int(s: string | undefined): number {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}
function intOrNull(s: string | undefined): number | null {
  if (s === undefined || s === '') return null;
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) ? n : null;
}

export function parsePaneRows(stdout: string): PaneRow[] {
  const rows: PaneRow[] = [];
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const parts = line.split(SEP);
    if (parts.length < KEYS.length) continue;
    // A newline inside a free-text field (a path, a title) would split a row: the extra parts
    // belong to the last field.
    const f = Object.fromEntries(KEYS.map((k, i) => [k, i === KEYS.length - 1 ? parts.slice(i).join(SEP) : parts[i]!])) as Record<
      PaneField,
      string
    >;
    rows.push({
      sessionId: f.sessionId,
      sessionName: f.sessionName,
      sessionCreated: int(f.sessionCreated),
      sessionAttached: int(f.sessionAttached),
      windowId: f.windowId,
      windowIndex: int(f.windowIndex),
      windowName: f.windowName,
      windowActivity: int(f.windowActivity),
      paneId: f.paneId,
      paneIndex: int(f.paneIndex),
      panePid: int(f.panePid),
      paneDead: f.paneDead === '1',
      paneDeadStatus: f.paneDead === '1' ? intOrNull(f.paneDeadStatus) : null,
      paneDeadSignal: f.paneDead === '1' ? intOrNull(f.paneDeadSignal) : null,
      paneDeadTime: intOrNull(f.paneDeadTime),
      paneWidth: int(f.paneWidth),
      paneHeight: int(f.paneHeight),
      panePipe: f.panePipe === '1',
      paneInMode: f.paneInMode === '1',
      monitorTick: int(f.monitorTick),
      paneCurrentCommand: f.paneCurrentCommand,
      paneTitle: f.paneTitle,
      paneCurrentPath: f.paneCurrentPath,
      opts: {
        id: f.amuxId,
        state: f.amuxState,
        stateSince: f.amuxStateSince,
        reason: f.amuxReason,
        hook: f.amuxHook,
        hookAt: f.amuxHookAt,
        exit: f.amuxExit,
        conv: f.amuxConv,
      },
    });
  }
  return rows;
}

/**
 * The line tmux draws at the bottom of a dead pane kept by `remain-on-exit` ("Pane is dead
 * (status 3, <date>)"): not the program's output. Readers showing what a program printed drop it.
 */
export function withoutDeadPaneLine(lines: string[]): string[] {
  const out = [...lines];
  for (let i = out.length - 1; i >= 0; i--) {
    // eslint-disable-next-line no-control-regex
    const plain = out[i]!.replace(/\x1b\[[0-9;]*m/g, '').trim();
    if (plain === '') continue;
    if (/^Pane is dead \(/.test(plain)) out.splice(i, 1);
    break;
  }
  return out;
}
