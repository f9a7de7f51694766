#!/usr/bin/env bash
# amux tmux plugin (TPM style). In ~/.tmux.conf:
#   set -g @plugin 'amux/amux'        (with TPM), or
#   run-shell /path/to/amux/amux.tmux (without)
# It adds amux's state summary to status-right, a state icon to each agent window's entry,
# and binds prefix + a to open amux in a popup (set @amux_key to change the key).
CURRENT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if command -v amux >/dev/null 2>&1; then
  AMUX=(amux)
else
  AMUX=(node "$CURRENT_DIR/dist/cli.js")
fi

key="$(tmux show-option -gqv @amux_key)"
key="${key:-a}"

"${AMUX[@]}" statusline install >/dev/null 2>&1 || tmux display-message "amux: statusline install failed (run: amux doctor)"
popup_cmd="$(printf '%q ' "${AMUX[@]}") tui"
tmux bind-key "$key" display-popup -E -w 90% -h 90% "$popup_cmd"
