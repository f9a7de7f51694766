/**
 * Per-launch hook wiring. Agents that can report their own turns (Claude Code hooks, Codex's
 * `notify` program) get a tiny POSIX sh program that records the event and its time on the
 * agent's OWN pane as two tmux user options:
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
 * block the agent). The user's `~/.claude/settings.json` is never touched: Claude Code merges
 * the hooks of `--settings FILE` with the user's own.
 */
import { shQuote } from '../util/quote.js';

/** The Claude Code hook events amux listens to. */
export const CLAUDE_HOOK_EVENTS = ['UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Notification', 'Stop', 'SessionEnd'] as const;
export type ClaudeHookEvent = (typeof CLAUDE_HOOK_EVENTS)[number];

/** Pane options the hooks write (read back through PaneRow.opts.hook / hookAt). */
export const HOOK_OPTION = '@amux_hook';
export const HOOK_AT_OPTION = '@amux_hook_at';

/** Epoch ms into $t: GNU date has %N; elsewhere (%N printed literally) fall back to seconds. */
const NOW_MS = `t=$(date +%s%3N 2>/dev/null); case "$t" in ''|*[!0-9]*) t=$(date +%s)000;; esac`;

/** sh that records `$e` (already set) on the pane. */
const RECORD = `tmux set-option -p -t "$TMUX_PANE" ${HOOK_AT_OPTION} "$t" \\; set-option -p -t "$TMUX_PANE" ${HOOK_OPTION} "$e" >/dev/null 2>&1`;

const GUARD = '[ -n "$TMUX_PANE" ] || exit 0';

/** The sh program one Claude hook event runs (exported for tests and `amux doctor`). */
export function hookCommand(event: ClaudeHookEvent): string {
  if (event === 'Notification') {
    // The notification type from the JSON on stdin, with sed only (no jq, no node).
    const readType =
      `n=$(sed -n 's/.*"notification_type"[[:space:]]*:[[:space:]]*"\\([A-Za-z0-9_]*\\)".*/\\1/p' 2>/dev/null | head -n 1); ` +
      `e="Notification\${n:+:$n}"`;
    return `${GUARD}; ${readType}; ${NOW_MS}; ${RECORD}; exit 0`;
  }
  return `${GUARD}; e=${event}; ${NOW_MS}; ${RECORD}; exit 0`;
}

/** Settings JSON for `claude --settings FILE`: one command hook per event, matching every tool. */
export function claudeSettings(): { hooks: Record<ClaudeHookEvent, Array<{ matcher?: string; hooks: Array<{ type: 'command'; command: string; timeout: number }> }>> } {
  const hooks = {} as Record<ClaudeHookEvent, Array<{ matcher?: string; hooks: Array<{ type: 'command'; command: string; timeout: number }> }>>;
  for (const event of CLAUDE_HOOK_EVENTS) {
    const entry: { matcher?: string; hooks: Array<{ type: 'command'; command: string; timeout: number }> } = {
      hooks: [{ type: 'command', command: hookCommand(event), timeout: 10 }],
    };
    if (event === 'PreToolUse' || event === 'PostToolUse') entry.matcher = '*';
    hooks[event] = [entry];
  }
  return { hooks };
}

/** The sh program Codex's `notify` runs: the JSON arrives as the last argument. */
export function codexNotifyProgram(): string {
  return `${GUARD}; case "$1" in *agent-turn-complete*) e=agent-turn-complete;; *) exit 0;; esac; ${NOW_MS}; ${RECORD}; exit 0`;
}

/**
 * `-c notify=[...]` for Codex: runs `sh -c PROGRAM amux-notify <json>` on every notification.
 * The value is a TOML inline array (JSON string escapes are valid TOML basic strings).
 */
export function codexNotifyArgs(): string[] {
  return ['-c', `notify=${JSON.stringify(['sh', '-c', codexNotifyProgram(), 'amux-notify'])}`];
}

/**
 * The extra argv to APPEND to an agent's command, by detector kind: Claude gets
 * `--settings FILE` (write `claudeSettings()` there first), Codex its notify program, others
 * nothing.
 */
export function hookArgsFor(kind: string, settingsFile: string): string[] {
  if (kind === 'claude') return ['--settings', settingsFile];
  if (kind === 'codex') return codexNotifyArgs();
  return [];
}

/** The contents to write to the settings file for a kind (null when it needs none). */
export function hookSettingsFor(kind: string): string | null {
  return kind === 'claude' ? JSON.stringify(claudeSettings(), null, 2) + '\n' : null;
}

/**
 * Appends argv words to a shell command string so they reach the program it runs: each word
 * POSIX single-quoted; a trailing comment, `;` or whitespace is dropped first so the words are
 * not swallowed by it (`claude # mine` → `claude '--settings' …`).
 */
export function appendArgsToShellCommand(cmd: string, args: readonly string[]): string {
  if (args.length === 0) return cmd;
  let base = stripTrailingCommentAndSeparators(cmd);
  // A trailing backslash would escape the space we add.
  if (/(^|[^\\])(\\\\)*\\$/.test(base)) base = base.slice(0, -1).trimEnd();
  return `${base} ${args.map(shQuote).join(' ')}`;
}

function stripTrailingCommentAndSeparators(cmd: string): string {
  // Scan for an unquoted `#` that starts a word (a comment running to the end of the line).
  let quote: "'" | '"' | null = null;
  let commentAt = -1;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\n') commentAt = -1;
    else if (c === '#' && (i === 0 || /[\s;&|()]/.test(cmd[i - 1]!)) && commentAt < 0) {
      // Only a comment on the LAST line matters; an earlier one ends at its newline.
      const nl = cmd.indexOf('\n', i);
      if (nl < 0) commentAt = i;
      else i = nl - 1;
    }
  }
  let s = commentAt >= 0 ? cmd.slice(0, commentAt) : cmd;
  s = s.replace(/\s+$/, '');
  while (s.endsWith(';') && !s.endsWith('\\;') && !s.endsWith(';;')) s = s.slice(0, -1).replace(/\s+$/, '');
  return s;
}

export interface HookSignalValue {
  event: string;
  at: number;
}

/**
 * Reads the pane options back (PaneRow.opts.hook / hookAt). Null when no hook has fired.
 * Times written in seconds are scaled to milliseconds.
 */
export function parseHook(hook: string, hookAt: string): HookSignalValue | null {
  if (!hook) return null;
  let at = Number(hookAt);
  if (!Number.isFinite(at) || at <= 0) return null;
  if (at < 1e11) at *= 1000;
  return { event: hook, at };
}
