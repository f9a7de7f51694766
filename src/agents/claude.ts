/**
 * Claude Code (Anthropic), binary `claude`, npm `@anthropic-ai/claude-code`.
 *
 * What the real product draws (2.1.x in tmux; see ../shared/design/TMUX-FACTS.md):
 *   busy        `✶ Forming… (0s · ↓ 1 tokens)`: a spinner glyph that cycles, a word ending
 *               in `…`, a clock and a token count; footer `esc to interrupt · ← for agents`
 *   turn over   `✻ Churned for 8s`, the input line `❯ ` between two horizontal rules, footer
 *               `? for shortcuts` (older versions: a boxed `│ > │` input)
 *   permission  `Do you want to proceed?` / `❯ 1. Yes` / `2. Yes, and always allow …` / `3. No`
 *               / `Esc to cancel · Tab to amend · ctrl+e to explain`; `1` says yes, Esc says no
 *   first start `Quick safety check: …` / `❯ 1. Yes, I trust this folder` / `Enter to confirm ·
 *               Esc to cancel`; with ANTHROPIC_API_KEY set, `Detected a custom API key …`
 *
 * title       `⠂ Claude Code` (braille spinner) while working, `✳ Claude Code` otherwise
 *
 * Hooks: `claude --settings FILE` merges FILE's hooks with the user's own settings (the user's
 * ~/.claude/settings.json is never touched). Each event amux listens to runs the recorder
 * program (state/hook-record.ts) inside the pane. Stop does not fire when a turn is interrupted
 * with Esc, and the permission Notification comes ~6 s late: the screen has to catch both.
 */
import { join } from 'node:path';
import { homedir } from 'node:os';
import { conversationRecorder, hookRecorder } from '../state/hook-record.js';
import type { AgentProfile, ConversationProfile, PatternSources } from './types.js';

/** Spinner glyphs (they cycle), plus `●`/`⏺` that some versions draw. */
const GLYPHS = '·✢✳✶✻✽✺✹✸✷*●⏺✦✧';
/** A horizontal rule line (the input box). */
const RULE = '[─━═]{8,}';

const PATTERNS: PatternSources = {
  waiting: [
    'Do you want to proceed\\?',
    'Do you want to (?:make this edit|create|overwrite|allow|use this API key)',
    '^\\s*❯\\s*1\\.\\s*Yes\\b',
    'Yes, allow once',
    'No, and tell Claude what to do differently',
    '^\\s*Esc to cancel\\b',
    'Enter to confirm · Esc to cancel',
    'Quick safety check',
    'Yes, I trust this folder',
    'Do you trust the files in this folder\\?',
    'Detected a custom API key',
  ],
  busy: [
    '\\besc to interrupt\\b',
    '\\bctrl\\+c to interrupt\\b',
    // `✶ Forming… (0s · ↓ 1 tokens)`: glyph, text ending in `…`, a parenthesised status.
    `^\\s*[${GLYPHS}]\\s+[^\\n…]{1,80}…\\s*\\(`,
    // A bare spinner `✳ Thinking…` (not the `●` bullets, which start transcript messages).
    `^\\s*[·✢✳✶✻✽]\\s+\\S[^\\n…]{0,60}…\\s*$`,
    // The live counter `(12s · ↑ 1.2k tokens`.
    '\\(\\s*(?:\\d+[hms]\\s*)+·[^)\\n]*\\btokens\\b',
  ],
  idle: [
    // `❯ ` input line (maybe with typed text) right above a horizontal rule.
    `^\\s*[❯>](?:[ \\u00a0][^\\n]*)?\\n\\s*${RULE}\\s*$`,
    // The old boxed input `│ > │`.
    '^\\s*│\\s*>\\s',
    '\\? for shortcuts',
    // `✻ Churned for 8s` / `✻ Worked for 1m 5s`: the turn-over line.
    `^\\s*[${GLYPHS}]\\s+[A-Za-z]+ for (?:\\d+[hms]\\s*)+$`,
  ],
};

/** The Claude Code hook events amux listens to. */
export const CLAUDE_HOOK_EVENTS = ['UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Notification', 'Stop', 'SessionEnd'] as const;
export type ClaudeHookEvent = (typeof CLAUDE_HOOK_EVENTS)[number];

/** The sh program one Claude hook event runs (exported for tests). */
export function hookCommand(event: ClaudeHookEvent): string {
  if (event === 'Notification') {
    // The notification type from the JSON on stdin, with sed only (no jq, no node).
    return hookRecorder(
      `n=$(sed -n 's/.*"notification_type"[[:space:]]*:[[:space:]]*"\\([A-Za-z0-9_]*\\)".*/\\1/p' 2>/dev/null | head -n 1); ` +
        `e="Notification\${n:+:$n}"`,
    );
  }
  return hookRecorder(`e=${event}`);
}

/**
 * The SessionStart hook: records which conversation the agent is in (`source` startup, resume,
 * clear or compact; `/clear` brings a new `session_id`) on the pane as `@amux_conv`; the monitor
 * copies each change to the session's record, so a resume continues the right one.
 */
export function sessionStartCommand(): string {
  return conversationRecorder('j=$(cat)', 'session_id', '"${src:-startup}"', { sourceKey: 'source', fileKey: 'transcript_path' });
}

type HookEntry = { matcher?: string; hooks: Array<{ type: 'command'; command: string; timeout: number }> };

/** Settings JSON for `claude --settings FILE`: one command hook per event, matching every tool. */
export function claudeSettings(): { hooks: Record<ClaudeHookEvent | 'SessionStart', HookEntry[]> } {
  const hooks = {} as Record<ClaudeHookEvent | 'SessionStart', HookEntry[]>;
  hooks.SessionStart = [{ hooks: [{ type: 'command', command: sessionStartCommand(), timeout: 10 }] }];
  for (const event of CLAUDE_HOOK_EVENTS) {
    const entry: HookEntry = { hooks: [{ type: 'command', command: hookCommand(event), timeout: 10 }] };
    if (event === 'PreToolUse' || event === 'PostToolUse') entry.matcher = '*';
    hooks[event] = [entry];
  }
  return { hooks };
}

/** Claude Code's folder for a working directory: every character that is not a letter or digit becomes `-`. */
export function claudeProjectDir(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

/**
 * Conversations: `--session-id UUID` starts a new one under an id amux chose, `--resume ID`
 * continues one (the two cannot be combined). Claude looks for `ID.jsonl` under
 * `$CLAUDE_CONFIG_DIR/projects/<cwd, non-alphanumerics as '-'>/` (default `~/.claude`); with
 * another config dir, an old id would silently start a blank conversation, so amux checks first.
 */
const conversation: ConversationProfile = {
  assignArgs: (id) => ['--session-id', id],
  resumeArgs: (id) => ['--resume', id],
  file: (id, cwd, env) => {
    const dir = env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
    return join(dir, 'projects', claudeProjectDir(cwd), `${id}.jsonl`);
  },
  ownFlags: ['--session-id', '--resume', '-r', '--continue', '-c', '--fork-session', '-p', '--print'],
};

export const claude: AgentProfile = {
  id: 'claude',
  product: 'Claude Code',
  programs: ['claude', 'claude-code', '@anthropic-ai/claude-code'],
  preset: { id: 'claude', description: 'Claude Code (Anthropic)', command: () => ['claude'], canBeStuck: true },
  screen: {
    ...PATTERNS,
    status: `^\\s*[${GLYPHS}]\\s+[^\\n…]{1,80}…(?:\\s*\\([^\\n]*)?\\s*$`,
    tailLines: 30,
    // 2.1.197 sets the title to `⠂ Claude Code` (a turning braille glyph) while a turn runs,
    // hung requests included, and `✳ Claude Code` at the prompt and in a permission dialog.
    title: { busy: ['^[\\u2800-\\u28ff]\\s'] },
    // `⎿  Tip: Use /memory …` appears under a hung spinner; footers and tmux hints change alone.
    chrome: ['^\\s*(?:⎿\\s*)?Tip:', '^\\s*(?:esc to interrupt|\\? for shortcuts|[←→] for agents)', 'tmux focus-events', '·\\s*/effort\\s*$'],
    // The input box: `❯ ` (the last one; earlier ones are the user's prompts in the transcript).
    live: '^\\s*❯(?:[ \\u00a0][^\\n]*)?$',
  },
  hooks: {
    summary: '--settings FILE',
    settingsFile: () => JSON.stringify(claudeSettings(), null, 2) + '\n',
    args: (file) => ['--settings', file],
  },
  approveKeys: ['1'],
  rejectKeys: ['Escape'],
  replyChrome: [/^\s*[❯>]\s*$/, /^\s*\?\s+for shortcuts/i, /esc to (?:interrupt|cancel)/i, /^\s*[←→]\s+for agents/i, /^\s*[✻✳✶✢✽·*]\s+\S+ for (?:\d+[hms]\s*)+$/, /^\s*(?:⎿\s*)?Tip:/],
  conversation,
};
