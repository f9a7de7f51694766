/**
 * Codex CLI (OpenAI), binary `codex`, npm `@openai/codex`.
 *
 * What the real product draws (0.169 in tmux; see ../shared/design/TMUX-FACTS.md):
 *   idle        the composer `› Ask Codex to do anything` (or the typed text), footer
 *               `← for agents · ? for shortcuts` or `⏎ send   ⌃J newline …`
 *   busy        `Working (12s • esc to interrupt)`
 *   approval    `Allow command?` / `$ rm -rf build` / `› 1. Yes, proceed` / … / `3. No, and
 *               tell Codex what to do differently (esc)` / `Press enter to confirm or esc to
 *               cancel` (older versions: `[y/n]`); `y` says yes, Esc says no
 *   title       `⠇ proj` (braille spinner) for the whole turn — streaming text shows no busy
 *               line on screen — and `[ ! ] Action Required | proj` during an approval
 *   first start `Trust this folder? …` / `› 1. Trust and continue` / `enter continue · esc back`
 *
 * Hooks: Codex runs a `notify` program with a JSON payload as its last argument; amux sets it
 * per launch with `-c notify=[…]` and records `agent-turn-complete`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { conversationRecorder } from '../state/hook-record.js';
import { ownPaneOptionSh, ownPaneOptionsSh } from '../tmux/options.js';
import type { AgentProfile, ConversationProfile } from './types.js';

/** The pane option where Codex's notify keeps the user's thread id. */
export const CODEX_THREAD_OPTION = '@amux_codex_thread';

/**
 * The sh program Codex's `notify` runs: the JSON arrives as the last argument. Codex 0.169 fires
 * `agent-turn-complete` for its side requests too — the thread title it asks for ~0.1 s into
 * every turn runs on a thread of its own, with "Generate a concise, single-line task title" as
 * its input — so the event is keyed to the user's thread: the first thread that is not such a
 * side request is remembered on the pane, and a turn of any other thread is not recorded. The
 * payload's `thread-id` is also recorded as the conversation (`notify`) when Codex has a rollout
 * file for it; the monitor checks the file again before it copies the id to the record.
 */
export function codexNotifyProgram(): string {
  const thread = `th=$(printf '%s' "$1" | sed -n 's/.*"thread-id"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p')`;
  const side = `case "$1" in *'"input-messages":["Generate a concise, single-line task title'*) exit 0;; esac`;
  const keyed =
    `main=$(${ownPaneOptionSh(CODEX_THREAD_OPTION)}); ` +
    `if [ -z "$main" ]; then [ -z "$th" ] || ${ownPaneOptionsSh([[CODEX_THREAD_OPTION, '"$th"']])}; ` +
    `elif [ -n "$th" ] && [ "$th" != "$main" ]; then exit 0; fi`;
  // Only a thread with a rollout file is the conversation (checked in Codex's own environment,
  // so CODEX_HOME is the one it uses).
  const verify = 'set -- "${CODEX_HOME:-$HOME/.codex}"/sessions/*/*/*/rollout-*-"$id".jsonl; [ -e "$1" ] || id=';
  const setJson = `case "$1" in *agent-turn-complete*) ;; *) exit 0;; esac; ${side}; ${thread}; ${keyed}; e=agent-turn-complete; j=$1`;
  return conversationRecorder(setJson, 'thread-id', 'notify', { withEvent: true, verify });
}

/** The rollout file of thread `id` under `$CODEX_HOME/sessions/YYYY/MM/DD/`, or null. */
export function codexRollout(id: string, env: NodeJS.ProcessEnv): string | null {
  const root = join(env.CODEX_HOME || join(env.HOME || homedir(), '.codex'), 'sessions');
  const ls = (d: string) => {
    try {
      return readdirSync(d).sort().reverse();
    } catch {
      return [];
    }
  };
  for (const y of ls(root)) for (const m of ls(join(root, y))) for (const d of ls(join(root, y, m))) {
    const hit = ls(join(root, y, m, d)).find((f) => f.startsWith('rollout-') && f.endsWith(`-${id}.jsonl`));
    if (hit) return join(root, y, m, d, hit);
  }
  return null;
}

/**
 * Conversations: Codex picks its own thread id (none can be given up front); amux learns it from
 * notify and continues it with `codex resume ID`, which reads the thread's rollout file.
 */
const conversation: ConversationProfile = {
  assignArgs: null,
  resumeArgs: (id) => ['resume', id],
  file: (id, _cwd, env) => codexRollout(id, env),
  ownFlags: ['resume', 'exec', 'e'],
};

/**
 * `-c notify=[...]` for Codex: runs `sh -c PROGRAM amux-notify <json>` on every notification.
 * The value is a TOML inline array (JSON string escapes are valid TOML basic strings).
 */
export function codexNotifyArgs(): string[] {
  return ['-c', `notify=${JSON.stringify(['sh', '-c', codexNotifyProgram(), 'amux-notify'])}`];
}

export const codex: AgentProfile = {
  id: 'codex',
  product: 'Codex CLI',
  programs: ['codex', '@openai/codex'],
  preset: { id: 'codex', description: 'Codex CLI (OpenAI)', command: () => ['codex'], canBeStuck: true },
  screen: {
    waiting: [
      'Allow command\\?',
      '\\[y/n\\]',
      'press enter to confirm or esc to cancel',
      'Trust this folder\\?',
      'Do you trust the files in this folder',
      'Would you like to (?:run the following command|make the following edits|allow)',
      '^\\s*›\\s*1\\.\\s+(?:Yes|Trust|Approve|Allow)\\b',
    ],
    busy: ['\\besc to interrupt\\b', '\\bWorking \\(\\s*\\d+[hms]'],
    // The composer is the LAST `›` line: the user's earlier prompts (`› fix the tests`) are
    // transcript and say nothing about now. The footers show while it streams too, so they
    // only count through the composer.
    idle: ['^\\s*›(?:[ \\u00a0][^\\n]*)?$(?![\\s\\S]*^\\s*[›•◦])', 'Ask Codex to do anything\\s*$(?![\\s\\S]*^\\s*[›•◦])'],
    status: '^[^\\n]*\\bWorking \\(\\s*\\d+[hms][^\\n]*$',
    tailLines: 30,
    // 0.169 sets the title to `⠇ proj` (a turning braille glyph) for the whole turn, streaming
    // or hung (its screen shows no busy line while text streams), and `[ ! ] Action Required |
    // proj` (blinking `[ . ]`) during an approval.
    title: { busy: ['^[\\u2800-\\u28ff]\\s'], waiting: ['^\\[\\s*[!.]\\s*\\]\\s*Action Required'] },
    // `└ Tip: …` under a hung `Working` line after ~30 s; footers and warning counters.
    chrome: ['^\\s*(?:└\\s*)?Tip:', '^\\s*(?:[←→] for agents|\\? for shortcuts|⏎ send)', 'warnings? · f2 to view', 'esc to interrupt\\)?\\s*$'],
    live: '^›(?:[ \\u00a0][^\\n]*)?$',
  },
  hooks: { summary: '-c notify=[…]', args: () => codexNotifyArgs() },
  approveKeys: ['y'],
  rejectKeys: ['Escape'],
  replyChrome: [/^\s*›\s*$/, /^\s*\?\s+for shortcuts/i, /esc to (?:interrupt|cancel)/i, /^\s*[←→]\s+for agents/i, /^\s*(?:└\s*)?Tip:/, /^\s*Worked for (?:<?\d+[hms]\s*)+(?:•.*)?$/],
  conversation,
};
