/**
 * The state engine: a pure function from the signals of one session (and what it remembered
 * from the previous tick) to its state, per ../shared/design/STATES.md. No I/O, no clock: the
 * caller passes `now`. The daemon calls `decide` every tick for every session and keeps
 * `Decision.next` in memory; after a restart it rebuilds that memory from what it published on
 * the pane (`prevFromPublished`) so nothing flips falsely.
 *
 * Evidence, strongest first:
 *   1. the registry knows the session but tmux does not        → lost
 *   2. pane_dead (+ exit code once tmux fills it)              → exited
 *   3. a waiting screen (permission panel, y/n prompt)         → waiting (beats any hook)
 *   4. a waiting hook (Notification:permission_prompt), unless a screen captured after it shows
 *      work or an idle prompt                                  → waiting
 *   5. a busy screen                                            → running / stuck, unless a
 *      Stop-like hook arrived after that capture               → idle
 *   6. an idle screen: idle after a ~1 s settle, at once when a Stop-like hook agrees; a hook
 *      claiming work is believed for a few seconds, then overruled (Esc fires no Stop)
 *   7. no screen verdict: the hook's claim, else starting (young, silent) or output flow
 *      (running while output came within idleAfter, idle after)
 * `stuck` is `running` whose progress (new content, a changed token count, a new work hook)
 * has not moved for `stuckAfter`: a turning spinner and a ticking clock are not progress.
 *
 * Feeding it (what the daemon must do):
 *   - call `decide` every tick even when nothing was captured: settle, overrule, idleAfter and
 *     stuckAfter are rules of time. Pass `screen`/`progress` only for a NEW capture (or the
 *     same ones again: equal keys are no progress); with null the engine keeps its memory.
 *   - capture when window_activity / the log moved, and when @amux_hook_at changed: "a screen
 *     captured after the hook" decides whether a Stop or permission hook is contradicted.
 *   - after a restart, start from `prevFromPublished(@amux_state, @amux_state_since)`.
 */
import { keyMoved, type Verdict } from './detectors.js';
import { DEFAULT_STUCK_AFTER_MS, isDetectorKind } from '../agents/index.js';

/**
 * `unknown` is never decided here: the read model (model.ts) shows it instead of a published
 * state whose monitor has not ticked for a few seconds (it died or hangs; the next command restarts it).
 */
export type State = 'starting' | 'running' | 'waiting' | 'idle' | 'stuck' | 'exited' | 'lost' | 'hibernated' | 'unknown';

export interface ScreenSignal {
  /** The detector's verdict for the pane's current screen (null: no pattern matched). */
  verdict: Verdict | null;
  pattern?: string;
  line?: string;
  /** When this screen was captured. It is taken to be current until the next capture. */
  at: number;
  /** Since when this verdict has been shown, if the caller tracks it; else the engine does. */
  since?: number;
  /** An idle verdict that a second signal (the pane title) confirms: no settle needed. */
  confirmed?: boolean;
}

export interface ProgressSignal {
  /** `progressOf(...).key` of the captured screen. */
  key: string;
  tokens: number | null;
  /** When it was computed (the capture time). */
  at: number;
  /** When the caller last saw it change, if it tracks that; else the engine does. */
  changedAt?: number;
}

export interface HookSignal {
  /** `UserPromptSubmit`, `PreToolUse`, `PostToolUse`, `Notification[:type]`, `Stop`, `SessionEnd`, `agent-turn-complete`. */
  event: string;
  /** Epoch ms. */
  at: number;
}

export interface Signals {
  /** Detector kind (`claude`, `codex`, `gemini`, `aider`, `generic`, or anything: treated as generic). */
  kind: string;
  /** When the session was launched (epoch ms). */
  createdAt: number;
  /** The registry knows the session but tmux has no such pane. */
  lost?: boolean;
  paneDead?: boolean;
  /** null while tmux has not filled pane_dead_status (it lags pane_dead): never read as 0. */
  exitCode?: number | null;
  exitSignal?: number | null;
  /** pane_dead_time (epoch ms) when known. */
  deadAt?: number | null;
  /** Last output (window_activity ×1000 or the log's mtime); null when unknown. */
  lastOutputAt?: number | null;
  screen?: ScreenSignal | null;
  progress?: ProgressSignal | null;
  hook?: HookSignal | null;
  /** ms of quiet output after which a command with no screen verdict is idle (default 2000). */
  idleAfter?: number;
  /** ms without progress after which claimed work is stuck (default DEFAULT_STUCK_AFTER_MS, 5 min, for agents; generic: never unless set). */
  stuckAfter?: number;
  /** Tuning (tests and config): settle of a fresh idle screen, hook-overrule delay, starting window (agents and commands alike when set). */
  settleMs?: number;
  overruleMs?: number;
  startingMs?: number;
}

/** What the engine remembers between ticks. Plain data: keep it in memory, or rebuild it. */
export interface Prev {
  state: State;
  since: number;
  /** The last screen verdict and since when it has been shown. */
  verdict: Verdict | null;
  verdictSince: number;
  /** When that screen was captured (null: not since the restart), and what matched on it. */
  screenAt: number | null;
  pattern?: string;
  line?: string;
  /** The last progress key and token count (null: none seen yet — the next one is a baseline). */
  progressKey: string | null;
  tokens: number | null;
  /** When progress last moved (or work began). */
  progressAt: number;
}

export interface SignalEntry {
  name: string;
  value: string;
  /** Age of this evidence in ms (null when it has none). */
  ageMs: number | null;
}

export interface Decision {
  state: State;
  since: number;
  /** One human sentence: which rule fired, on which evidence, how old. */
  reason: string;
  /** Short rule id (`screen-waiting`, `hook-stop`, `esc-interrupt`, …). */
  rule: string;
  /** Every signal with its value and age, for `amux explain`. */
  signals: SignalEntry[];
  /** Exit code / signal when exited (null until tmux reports it). */
  exitCode?: number | null;
  exitSignal?: number | null;
  /** Pass back as `prev` on the next tick. */
  next: Prev;
}

export const ENGINE_DEFAULTS = {
  idleAfter: 2000,
  stuckAfter: DEFAULT_STUCK_AFTER_MS,
  /** A fresh idle screen must hold this long before a working agent counts as idle. */
  settleMs: 1000,
  /** A hook claiming work is overruled after the idle prompt showed this long after it. */
  overruleMs: 2500,
  /** A command that printed nothing and is younger than this is starting. */
  startingMs: 3000,
  /** An agent whose UI matched no pattern yet (and fired no hook) is starting this long. */
  agentStartingMs: 8000,
} as const;

type Claim = 'running' | 'waiting' | 'idle' | null;

/** What a hook event claims about the turn. */
export function hookClaim(event: string): Claim {
  switch (event) {
    case 'UserPromptSubmit':
    case 'PreToolUse':
    case 'PostToolUse':
      return 'running';
    case 'Stop':
    case 'SessionEnd':
    case 'agent-turn-complete':
    case 'Notification:idle_prompt':
      return 'idle';
    case 'Notification:permission_prompt':
    case 'Notification:elicitation_dialog':
      return 'waiting';
    default:
      return null;
  }
}

function age(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  // Whole seconds, as ps and the TUI show ages ("for 0s", never "0ms" beside "0s").
  if (ms < 1000) return '0s';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
}

function quoteLine(line: string | undefined): string {
  // The words of the line, not the box around them: `│ Do you want to proceed?      │`.
  const words = (line ?? '').replace(/^[\s│┃║|╭╮╰╯─━═>❯›]+|[\s│┃║|╭╮╰╯─━═]+$/g, '').replace(/\s{2,}/g, ' ');
  if (!words) return '';
  const l = words.length > 60 ? words.slice(0, 57) + '…' : words;
  return ` ("${l}")`;
}

/**
 * The memory to start from after a daemon restart: the state and since it published on the
 * pane (`@amux_state`, `@amux_state_since`). A first screen that agrees with the state continues
 * it (an idle prompt shown since then is not "fresh"); the next progress seen is a baseline; a
 * published `stuck` stays stuck until progress moves.
 */
export function prevFromPublished(state: string, since: number, now: number): Prev | null {
  const states: State[] = ['starting', 'running', 'waiting', 'idle', 'stuck', 'exited', 'lost'];
  if (!states.includes(state as State) || !Number.isFinite(since) || since <= 0) return null;
  // What the screen must have shown for that state: the first capture that agrees continues it.
  const verdict: Verdict | null = state === 'idle' ? 'idle' : state === 'waiting' ? 'waiting' : state === 'running' || state === 'stuck' ? 'busy' : null;
  return {
    state: state as State,
    since: Math.min(since, now),
    verdict,
    verdictSince: Math.min(since, now),
    screenAt: null,
    progressKey: null,
    tokens: null,
    progressAt: state === 'stuck' ? -Infinity : now,
  };
}

/** Decides the state of one session. Pure: same inputs, same decision. */
export function decide(sig: Signals, prev: Prev | null, now: number): Decision {
  const isAgent = isDetectorKind(sig.kind) && sig.kind !== 'generic';
  const idleAfter = sig.idleAfter ?? ENGINE_DEFAULTS.idleAfter;
  const stuckAfter = sig.stuckAfter ?? (isAgent ? ENGINE_DEFAULTS.stuckAfter : Infinity);
  const settleMs = sig.settleMs ?? ENGINE_DEFAULTS.settleMs;
  const overruleMs = sig.overruleMs ?? ENGINE_DEFAULTS.overruleMs;
  const startingMs = sig.startingMs ?? ENGINE_DEFAULTS.startingMs;
  const agentStartingMs = sig.startingMs ?? ENGINE_DEFAULTS.agentStartingMs;

  // --- Memory: verdict continuity ---------------------------------------------------------
  const screen = sig.screen ?? null;
  const verdict: Verdict | null = screen ? screen.verdict : (prev?.verdict ?? null);
  let verdictSince: number;
  if (screen?.since !== undefined) verdictSince = screen.since;
  else if (prev && prev.verdict === verdict) verdictSince = prev.verdictSince;
  else verdictSince = screen ? Math.min(screen.at, now) : now;
  const verdictAge = now - verdictSince;
  const screenAt = screen ? screen.at : (prev?.screenAt ?? null);
  const pattern = screen ? screen.pattern : prev?.pattern;
  const line = screen ? screen.line : prev?.line;

  // --- Memory: progress -------------------------------------------------------------------
  const hook = sig.hook ?? null;
  const claim = hook ? hookClaim(hook.event) : null;
  let progressKey = prev?.progressKey ?? null;
  let tokens = prev?.tokens ?? null;
  let progressAt = prev?.progressAt ?? now;
  let progressWhy = 'work began';
  const pr = sig.progress ?? null;
  if (pr) {
    if (pr.changedAt !== undefined && pr.changedAt > progressAt) {
      progressAt = pr.changedAt;
      progressWhy = 'screen content changed';
    }
    // New or grown transcript lines are progress; lines that scrolled away or went are not.
    if (progressKey !== null && keyMoved(progressKey, pr.key)) {
      progressAt = Math.max(progressAt, Math.min(pr.at, now));
      progressWhy = 'screen content changed';
    } else if (tokens !== null && pr.tokens !== null && pr.tokens !== tokens) {
      progressAt = Math.max(progressAt, Math.min(pr.at, now));
      progressWhy = `token count moved to ${pr.tokens}`;
    }
    progressKey = pr.key;
    tokens = pr.tokens;
  }
  if (hook && claim === 'running' && hook.at > progressAt) {
    progressAt = Math.min(hook.at, now);
    progressWhy = `hook ${hook.event}`;
  }

  // --- Evidence list for explain ----------------------------------------------------------
  const signals: SignalEntry[] = [];
  signals.push({ name: 'detector', value: sig.kind, ageMs: null });
  signals.push({ name: 'session', value: 'created', ageMs: now - sig.createdAt });
  if (sig.lost) signals.push({ name: 'tmux', value: 'no pane for this session', ageMs: null });
  else if (sig.paneDead)
    signals.push({
      name: 'pane',
      value: sig.exitSignal ? `dead, signal ${sig.exitSignal}` : sig.exitCode == null ? 'dead, exit code not yet reported' : `dead, exit code ${sig.exitCode}`,
      ageMs: sig.deadAt ? now - sig.deadAt : null,
    });
  else signals.push({ name: 'pane', value: 'alive', ageMs: null });
  if (screenAt !== null)
    signals.push({
      name: 'screen',
      value: `${verdict ?? 'no match'}${pattern ? ` /${pattern}/` : ''}${quoteLine(line)}`,
      ageMs: verdictAge,
    });
  if (screenAt !== null) signals.push({ name: 'capture', value: 'last screen capture', ageMs: now - screenAt });
  if (hook) signals.push({ name: 'hook', value: `${hook.event}${claim ? ` (claims ${claim})` : ''}`, ageMs: now - hook.at });
  signals.push({ name: 'output', value: sig.lastOutputAt != null ? 'last output' : 'none seen', ageMs: sig.lastOutputAt != null ? now - sig.lastOutputAt : null });
  if (pr || progressKey !== null)
    signals.push({ name: 'progress', value: `${progressWhy}${tokens !== null ? `; ${tokens} tokens` : ''}`, ageMs: Number.isFinite(progressAt) ? now - progressAt : null });
  signals.push({ name: 'thresholds', value: `idleAfter ${age(idleAfter)}, stuckAfter ${Number.isFinite(stuckAfter) ? age(stuckAfter) : 'never'}`, ageMs: null });

  const finish = (state: State, rule: string, reason: string, evidenceAt: number = now): Decision => {
    let since: number;
    if (prev && prev.state === state) since = prev.since;
    else {
      const floor = prev ? prev.since : -Infinity;
      since = Math.min(now, Math.max(floor, evidenceAt));
    }
    const d: Decision = {
      state,
      since,
      reason,
      rule,
      signals,
      next: {
        state,
        since,
        verdict,
        verdictSince,
        screenAt,
        progressKey,
        tokens,
        progressAt: state === 'running' || state === 'stuck' ? progressAt : now,
      },
    };
    if (pattern !== undefined) d.next.pattern = pattern;
    if (line !== undefined) d.next.line = line;
    if (state === 'exited') {
      d.exitCode = sig.exitCode ?? null;
      d.exitSignal = sig.exitSignal ?? null;
    }
    return d;
  };

  // Work: running, or stuck when progress stopped for stuckAfter.
  const work = (rule: string, because: string, evidenceAt: number): Decision => {
    // Entering work from a state that was not work: the turn's start counts as progress.
    const wasWork = !!prev && (prev.state === 'running' || prev.state === 'stuck');
    if (!wasWork) progressAt = Math.max(progressAt, Math.min(evidenceAt, now));
    const still = now - progressAt;
    if (Number.isFinite(stuckAfter) && still >= stuckAfter) {
      const howLong = Number.isFinite(still) ? `for ${age(still)}` : 'since before the monitor restarted';
      return finish(
        'stuck',
        'no-progress',
        `${because}, but no progress ${howLong} (stuckAfter ${age(stuckAfter)}): no new content or tokens — a turning spinner and a ticking clock are not progress`,
        progressAt + stuckAfter,
      );
    }
    return finish('running', rule, because, evidenceAt);
  };

  // 1. lost
  if (sig.lost) return finish('lost', 'lost', 'amux recorded this session, but tmux has no pane for it (server restarted or killed by hand)');

  // 2. exited
  if (sig.paneDead) {
    const how = sig.exitSignal
      ? `killed by signal ${sig.exitSignal}`
      : sig.exitCode == null
        ? 'tmux has not reported its exit code yet'
        : `exit code ${sig.exitCode}`;
    const ago = sig.deadAt ? ` ${age(now - sig.deadAt)} ago` : '';
    return finish('exited', 'pane-dead', `the process ended${ago} (${how}); the pane and its logs remain`, sig.deadAt ?? now);
  }

  const screenDesc = quoteLine(line);
  // A fresh idle screen the title confirms needs no settle (the title's spinner stopped too).
  const settle = screen?.confirmed && verdict === 'idle' ? 0 : settleMs;
  const hookAge = hook ? now - hook.at : 0;
  const out = sig.lastOutputAt ?? null;
  const sawOutput = out !== null && out > sig.createdAt;
  const young = now - sig.createdAt < startingMs;

  // 3. waiting on screen beats any hook.
  if (verdict === 'waiting') {
    return finish('waiting', 'screen-waiting', `the screen shows a prompt that needs a person${screenDesc}, for ${age(verdictAge)}`, verdictSince);
  }

  if (isAgent) {
    // Is the screen newer than the hook? (a capture taken after the hook fired)
    const screenAfterHook = !!hook && screenAt !== null && screenAt >= hook.at;

    // 4. a waiting hook, unless a later capture shows work or a settled idle prompt.
    if (claim === 'waiting' && hook) {
      if (verdict === 'busy' && screenAfterHook) {
        return work('screen-busy-after-notification', `the screen shows work${screenDesc} after the ${hook.event} hook of ${age(hookAge)} ago (the prompt was answered)`, Math.max(verdictSince, hook.at));
      }
      if (verdict === 'idle' && verdictSince >= hook.at && verdictAge >= settleMs) {
        return finish('idle', 'screen-idle-after-notification', `the idle prompt has shown for ${age(verdictAge)}${screenDesc}, after the ${hook.event} hook of ${age(hookAge)} ago`, verdictSince);
      }
      return finish('waiting', 'hook-waiting', `the ${hook.event} hook ${age(hookAge)} ago says a person must answer`, hook.at);
    }

    // 5. busy on screen.
    if (verdict === 'busy') {
      if (claim === 'idle' && hook && !screenAfterHook) {
        return finish('idle', 'hook-stop', `the ${hook.event} hook ${age(hookAge)} ago ended the turn (the last screen capture${screenAt !== null ? `, ${age(now - screenAt)} old,` : ''} predates it)`, hook.at);
      }
      return work('screen-busy', `the screen shows work${screenDesc}, for ${age(verdictAge)}`, verdictSince);
    }

    // 6. idle on screen.
    if (verdict === 'idle') {
      if (claim === 'running' && hook) {
        const idleAfterHook = now - Math.max(verdictSince, hook.at);
        // The overrule delay covers the race at a turn's start (the hook fires before the agent
        // redraws). An idle prompt that appeared long after the hook (the turn was seen working,
        // then Esc) ends the turn after the ordinary settle.
        const needed = verdictSince - hook.at >= overruleMs ? settle : overruleMs;
        if (idleAfterHook >= needed && screenAt !== null && screenAt >= hook.at) {
          return finish(
            'idle',
            'esc-interrupt',
            `the ${hook.event} hook ${age(hookAge)} ago says a turn is running, but the screen has shown the idle prompt for ${age(idleAfterHook)} since${screenDesc} (an Esc interrupt fires no Stop hook)`,
            Math.max(verdictSince, hook.at),
          );
        }
        return work('hook-running', `the ${hook.event} hook ${age(hookAge)} ago says a turn is running (the idle prompt on screen is younger than ${age(needed)})`, hook.at);
      }
      if (claim === 'idle' && hook) {
        return finish('idle', 'hook-stop-screen-idle', `the ${hook.event} hook ${age(hookAge)} ago ended the turn and the screen shows the idle prompt${screenDesc}`, hook.at);
      }
      if (verdictAge >= settle || !prev || prev.state === 'idle') {
        return finish('idle', 'screen-idle', `the screen shows the idle prompt${screenDesc} with no busy marker, for ${age(verdictAge)}`, verdictSince);
      }
      // Settling: keep what we had for up to settleMs (a redraw between phases is not a turn end).
      const why = `the idle prompt appeared ${age(verdictAge)} ago; settling for ${age(settleMs)} before calling it idle`;
      if (prev.state === 'running' || prev.state === 'stuck') return work('settling', why, prev.since);
      if (prev.state === 'waiting' || prev.state === 'starting') return finish(prev.state, 'settling', why, prev.since);
      return finish('idle', 'screen-idle', `the screen shows the idle prompt${screenDesc} with no busy marker`, verdictSince);
    }

    // 7. no screen verdict: the hook's claim.
    if (claim === 'running' && hook) return work('hook-running', `the ${hook.event} hook ${age(hookAge)} ago says a turn is running (no pattern matched the screen)`, hook.at);
    if (claim === 'idle' && hook) return finish('idle', 'hook-stop', `the ${hook.event} hook ${age(hookAge)} ago ended the turn (no pattern matched the screen)`, hook.at);
  } else {
    // Generic: user patterns first, then output flow.
    if (verdict === 'busy') return work('screen-busy', `the screen shows work${screenDesc}, for ${age(verdictAge)}`, verdictSince);
    if (verdict === 'idle' && (verdictAge >= settleMs || !prev || prev.state === 'idle')) {
      return finish('idle', 'screen-idle', `the screen shows an idle prompt${screenDesc}, for ${age(verdictAge)}`, verdictSince);
    }
  }

  // 8. starting (an agent: until its UI shows; a command: until it prints), then output flow.
  if (isAgent ? now - sig.createdAt < agentStartingMs && verdict === null && !hook : young && !sawOutput && !hook) {
    return finish(
      'starting',
      'starting',
      `launched ${age(now - sig.createdAt)} ago and ${isAgent ? 'its UI is not drawn yet' : 'nothing printed yet'}`,
      sig.createdAt,
    );
  }
  if (out !== null && now - out < idleAfter && sawOutput) {
    return work('output-flowing', `output ${age(now - out)} ago (within idleAfter ${age(idleAfter)})`, out);
  }
  if (out === null || !sawOutput) {
    return finish('idle', 'output-quiet', `no output since launch ${age(now - sig.createdAt)} ago (idleAfter ${age(idleAfter)})`, sig.createdAt + startingMs);
  }
  return finish('idle', 'output-quiet', `no output for ${age(now - out)} (idleAfter ${age(idleAfter)})`, out + idleAfter);
}
