/**
 * The shape of an agent profile: everything amux knows about one agent product, as data. One
 * file per agent (`claude.ts`, `codex.ts`, …) fills it in; `index.ts` is the registry.
 */

/** The agent kinds amux knows; a session record's `detector` holds one (or a custom name). */
/**
 * How long an agent may claim to work with no progress before it is `stuck`: the one default,
 * used by the presets and by the engine for agents whose config sets none.
 */
export const DEFAULT_STUCK_AFTER_MS = 5 * 60_000;

export const DETECTOR_KINDS = ['claude', 'codex', 'gemini', 'aider', 'generic'] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

/** Braille spinner glyphs (Gemini CLI, aider, many node tools), as a regex character range. */
export const BRAILLE = '\\u2800-\\u28ff';

/**
 * Regex sources per verdict, matched over the last lines of the rendered, ANSI-stripped screen.
 * Compiled case-insensitive and multi-line (`^`/`$` per line).
 */
export interface PatternSources {
  readonly busy: readonly string[];
  readonly waiting: readonly string[];
  readonly idle: readonly string[];
}

/** What the agent draws, read by the screen detector (state/detectors.ts). */
export interface ScreenProfile extends PatternSources {
  /**
   * The live status line (spinner / "Working (12s …)"), when the UI has one: read for the token
   * count and the spinner text, and masked out of the progress key. Compiled global, multi-line.
   */
  readonly status: string | null;
  /** How many lines, counted back from the last non-blank one, the patterns look at. */
  readonly tailLines: number;
  /**
   * Patterns over the pane title (`#{pane_title}`, set by the program with an OSC sequence), when
   * the product puts its state there: Codex draws a spinner while it works and `[ ! ] Action
   * Required` during an approval; Claude Code a braille spinner while it works. A title verdict
   * beats the screen's busy/idle (waiting on the title beats everything).
   */
  readonly title?: { readonly busy?: readonly string[]; readonly waiting?: readonly string[] };
  /**
   * Lines that are chrome, never progress: tips and hints under a spinner, footers, clocks.
   * They are dropped from the progress key (state/detectors.ts `progressOf`).
   */
  readonly chrome?: readonly string[];
  /**
   * The first line of the live bottom region (the input box): it and everything under it are
   * not the transcript, so they never count as progress. The last match in the tail is used.
   */
  readonly live?: string;
}

/** The built-in agent of this profile, so `amux run <id>` works with no config file. */
export interface PresetProfile {
  /** The agent id (`shell` for the generic profile). */
  readonly id: string;
  readonly description: string;
  /** Its argv; the environment matters only to the shell's (`$SHELL`). */
  readonly command: (env: NodeJS.ProcessEnv) => string[];
  /** False for a shell: stuck needs a claim of work (STATES.md), so it gets no `stuckAfter`. */
  readonly canBeStuck: boolean;
}

/**
 * How the agent reports its own turns, wired in at launch. The words from `args` go right after
 * the agent's program word (state/hooks.ts), so an overridden command still gets them.
 */
export interface HookWiring {
  /** A one-line summary for error messages, e.g. `--settings FILE`. */
  readonly summary: string;
  /** Text to write to the per-launch settings file before the launch, when the agent reads one. */
  readonly settingsFile?: () => string;
  /** The argv words to add; `settingsFile` is the path the settings text was written to. */
  readonly args: (settingsFile: string) => string[];
}

/**
 * How the agent keeps and continues a conversation: what `amux resume` needs. The agent's own
 * id is what continues it, never "the newest in this folder".
 */
export interface ConversationProfile {
  /** argv words that start a NEW conversation under an id amux chose (null: the agent cannot be told one). */
  readonly assignArgs: ((id: string) => string[]) | null;
  /** argv words that continue the conversation `id`. */
  readonly resumeArgs: (id: string) => string[];
  /**
   * Where the agent will look for conversation `id` when started in `cwd` with environment
   * `env` (its config dir may be relocated: CLAUDE_CONFIG_DIR, CODEX_HOME); null when it cannot
   * be found. A resume is refused when this file does not exist.
   */
  readonly file: (id: string, cwd: string, env: NodeJS.ProcessEnv) => string | null;
  /** Words of a user's own command that already pick a conversation (amux then assigns none). */
  readonly ownFlags: readonly string[];
}

export interface AgentProfile {
  readonly id: DetectorKind;
  /** The product's name, for messages. */
  readonly product: string;
  /**
   * Program names that mean this agent in a command: the binary's basename first (`claude`),
   * then other names it is started by (npm package names, `*-cli` aliases). Empty for generic.
   */
  readonly programs: readonly string[];
  readonly preset: PresetProfile;
  readonly screen: ScreenProfile;
  /** Null when the agent has no hook amux can use: the screen alone tells its state. */
  readonly hooks: HookWiring | null;
  /** tmux keys that answer "yes" to the agent's waiting dialog (the TUI's `y`). */
  readonly approveKeys: readonly string[];
  /** tmux keys that answer "no" / cancel the agent's waiting dialog. */
  readonly rejectKeys: readonly string[];
  /**
   * Lines of the agent's own input chrome (its prompt line, footer hints) that `amux send`
   * drops from the ends of a reply. Blank lines and horizontal rules are dropped for every agent.
   */
  readonly replyChrome: readonly RegExp[];
  /** How to continue a conversation by id (absent: the agent cannot be resumed, only restarted fresh). */
  readonly conversation?: ConversationProfile;
}
