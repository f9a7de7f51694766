/**
 * The tmux options amux reads and writes, typed by the object they live on, so a caller can only
 * set an option where tmux keeps it. User options (`@amux_*`) are amux's published state; the
 * rest are tmux's own options amux changes.
 */

/** Per pane: the launch stamp (id, agent) and the monitor's published state and evidence. */
export type PaneOption = 'remain-on-exit' | '@amux_id' | '@amux_agent' | '@amux_state' | '@amux_state_since' | '@amux_reason' | '@amux_explain' | '@amux_exit' | '@amux_conv';

/** Per window: the state icon the status bar shows next to the window's name. */
export type WindowOption = '@amux_state_icon';

/** Per session: the amux name of the session. */
export type SessionOption = '@amux_session';

/** The status-bar options `amux statusline` extends, and where it saves what the user had. */
export type StatusOption = 'status-right' | 'window-status-format' | 'window-status-current-format' | 'status-right-length' | 'status-left-length';
export type SavedStatusOption =
  | '@amux_saved_status_right'
  | '@amux_saved_window_status_format'
  | '@amux_saved_window_status_current_format'
  | '@amux_saved_status_right_length'
  | '@amux_saved_status_left_length';

/**
 * Global: the monitor's summary, readiness (its pid, set after its first publish) and heartbeat
 * (the time of its last tick, epoch ms), and the status bar.
 */
export type GlobalOption = '@amux_summary' | '@amux_daemon_ready' | '@amux_daemon_tick' | StatusOption | SavedStatusOption;

/** tmux config-file double-quoted string. */
function confQuote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$') + '"';
}

/** The `~/.tmux.conf` line that sets a global option when a server starts. */
export function globalOptionConfLine(name: GlobalOption, value: string): string {
  return `set-option -g ${name} ${confQuote(value)}`;
}

/**
 * sh that sets user options on the pane it runs in (`$TMUX_PANE`, on the server `$TMUX` names),
 * in one tmux client call, quietly: for programs that run inside an agent's pane, such as its
 * hooks. Each value is an sh word (a quoted expansion like `"$t"`), never user text.
 */
export function ownPaneOptionsSh(values: ReadonlyArray<readonly [option: string, shWord: string]>): string {
  const sets = values.map(([opt, word]) => `set-option -p -t "$TMUX_PANE" ${opt} ${word}`);
  return `tmux ${sets.join(' \\; ')} >/dev/null 2>&1`;
}

/**
 * sh that prints one user option of the pane it runs in (`$TMUX_PANE`), empty when unset: for
 * programs inside an agent's pane that keep a little memory there (Codex's notify: its thread).
 */
export function ownPaneOptionSh(option: string): string {
  return `tmux show-options -pqv -t "$TMUX_PANE" ${option} 2>/dev/null`;
}
