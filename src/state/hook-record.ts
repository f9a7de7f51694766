/**
 * The one program every agent hook runs: it records an event and its time on the agent's OWN
 * pane as two tmux user options:
 *
 *   @amux_hook     the event: `UserPromptSubmit`, `PreToolUse`, `PostToolUse`,
 *                  `Notification:permission_prompt` (the notification type when the hook's JSON
 *                  carries one, else just `Notification`), `Stop`, `SessionEnd`, or Codex's
 *                  `agent-turn-complete`
 *   @amux_hook_at  epoch milliseconds (seconds×1000 where `date` has no `%N`)
 *
 * They surface in `PaneRow.opts.hook` / `opts.hookAt` of the whole-server read. The program
 * is plain sh + `tmux` (no Node start-up): inside the pane, `$TMUX` makes `tmux` talk to the
 * right server and `-t "$TMUX_PANE"` confines it to its own pane. It prints nothing (a
 * UserPromptSubmit hook's stdout would be fed to the model) and always exits 0 (exit 2 would
 * block the agent). Which events reach it is each agent's profile (src/agents/).
 */

import { ownPaneOptionsSh } from '../tmux/options.js';

/** Pane options the hooks write (read back through PaneRow.opts.hook / hookAt). */
export const HOOK_OPTION = '@amux_hook';
export const HOOK_AT_OPTION = '@amux_hook_at';
/**
 * The conversation the agent reports (`TIME SOURCE ID [FILE]`, read back through PaneRow.opts.conv):
 * Claude Code's SessionStart hook, Codex's notify. The monitor copies each change to the record.
 */
export const CONV_OPTION = '@amux_conv';

/** Epoch ms into $t: GNU date has %N; elsewhere (%N printed literally) fall back to seconds. */
const NOW_MS = `t=$(date +%s%3N 2>/dev/null); case "$t" in ''|*[!0-9]*) t=$(date +%s)000;; esac`;

/** sh that records `$e` (already set) on the pane. */
const RECORD = ownPaneOptionsSh([
  [HOOK_AT_OPTION, '"$t"'],
  [HOOK_OPTION, '"$e"'],
]);

const GUARD = '[ -n "$TMUX_PANE" ] || exit 0';

/**
 * The sh program that records an event: `setEvent` is sh that sets `$e` to the event name (or
 * exits 0 to record nothing). Outside tmux it does nothing.
 */
export function hookRecorder(setEvent: string): string {
  return `${GUARD}; ${setEvent}; ${NOW_MS}; ${RECORD}; exit 0`;
}

/** sh that sets `$v` to the JSON string field `key` of `$j` (plain id/path characters only; else empty). */
export function jsonFieldSh(v: string, key: string, chars = 'A-Za-z0-9_.:-'): string {
  return `${v}=$(printf '%s' "$j" | sed -n 's/.*"${key}"[[:space:]]*:[[:space:]]*"\\([${chars}]*\\)".*/\\1/p' 2>/dev/null | head -n 1)`;
}

/**
 * The sh program that records a conversation report: `setJson` is sh that puts the payload in
 * `$j`; `source` is sh for the source word (e.g. `"$src"` or `notify`). With `withEvent`, `$e`
 * (set by `setJson`) is recorded as a hook event too, in the same tmux call; `verify` can drop an
 * id that is not the agent's conversation (it runs in the agent's environment, before anything is set).
 */
export function conversationRecorder(
  setJson: string,
  idKey: string,
  source: string,
  opts: { sourceKey?: string; fileKey?: string; withEvent?: boolean; /** sh that empties `$id` when it is not the agent's conversation */ verify?: string } = {},
): string {
  const parts = [GUARD, setJson, jsonFieldSh('id', idKey)];
  if (opts.verify) parts.push(`[ -z "$id" ] || { ${opts.verify}; }`);
  if (opts.sourceKey) parts.push(jsonFieldSh('src', opts.sourceKey));
  parts.push(opts.fileKey ? jsonFieldSh('tp', opts.fileKey, 'A-Za-z0-9_./+@:, -') : 'tp=');
  parts.push(NOW_MS);
  const conv: [string, string] = [CONV_OPTION, `"$t ${source} $id $tp"`];
  const hook: Array<[string, string]> = opts.withEvent ? [[HOOK_AT_OPTION, '"$t"'], [HOOK_OPTION, '"$e"']] : [];
  const withConv = ownPaneOptionsSh([...hook, conv]);
  parts.push(hook.length ? `if [ -n "$id" ]; then ${withConv}; else ${ownPaneOptionsSh(hook)}; fi` : `[ -n "$id" ] && ${withConv}`);
  return `${parts.join('; ')}; exit 0`;
}
