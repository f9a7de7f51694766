import type { Server } from '../tmux/server.js';
import type { SessionRecord } from '../session/types.js';
import type { SessionView, State } from './model.js';
import { typeText } from '../session/deliver.js';
import { AmuxError } from '../util/errors.js';
import { readView, waitForView } from './watch.js';
import { turnOutput } from './turn.js';
import { getDetector } from './detectors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SendResult {
  state: State;
  output?: string;
  timedOut: boolean;
  /** Where the turn began: enough to find its end and its reply later, in another call. */
  turn: TurnStart;
}

/** A delivered prompt's turn, as `turnEnded` and `turnOutput` need it. */
export interface TurnStart {
  /** The pane (history + screen) before the prompt was typed. */
  before: string;
  /** When the prompt was typed (ms). */
  sentAt: number;
  /** The monitor saw the turn start (else only the screen moved). */
  viaState: boolean;
  /**
   * The pane's foreground program before the prompt (a plain shell: `sh`, `bash`): a command
   * typed into it has ended only when the shell is in the foreground again, however long it
   * pauses (`sleep 3` prints nothing for longer than idleAfter).
   */
  foreground?: string;
}

/** Whether a view shows the turn begun at `turn` over: idle again after it, a question, stuck, or exited. */
export function turnEnded(turn: Pick<TurnStart, 'sentAt' | 'viaState' | 'foreground'>, x: SessionView): boolean {
  const back = !turn.foreground || !x.pane || x.pane.paneCurrentCommand === turn.foreground;
  return (x.state === 'idle' && back && (!turn.viaState || (x.stateSince ?? 0) >= turn.sentAt - 50)) || x.state === 'waiting' || x.state === 'stuck' || x.state === 'exited';
}

/**
 * Whether the agent's input box still holds the prompt (typed, not submitted): its first line
 * is in the live bottom region (from the profile's input-box line down; else the last 8 lines).
 * The same words higher up are the transcript of a turn that already ran.
 */
function stillTyped(kind: string, screen: string, text: string): boolean {
  const probe = (text.split('\n').map((l) => l.trim()).find(Boolean) ?? '').slice(0, 40);
  if (!probe) return false;
  let lines = screen.replace(/\s+$/, '').split('\n');
  const live = getDetector(kind).live;
  if (live) {
    live.lastIndex = 0;
    const from = lines.findLastIndex((l) => {
      live.lastIndex = 0;
      return live.test(l);
    });
    if (from >= 0) lines = lines.slice(from);
  } else lines = lines.slice(-8);
  return lines.some((l) => l.includes(probe));
}

/**
 * Waits until the monitor has seen the agent idle at its prompt: a starting agent is waited for,
 * and a question on screen is not answered by a prompt. Throws when it exits or the time runs out.
 */
export async function waitUntilReady(server: Server, rec: SessionRecord, timeoutMs: number, onProgress?: (m: string) => void, signal?: AbortSignal): Promise<SessionView> {
  const v = await readView(server, rec);
  if (v.state === 'idle' && !signal?.aborted) return v;
  onProgress?.(`waiting for ${rec.name} to be ready for input (now ${v.state})...`);
  const r = await waitForView(server, rec, (x) => x.state === 'idle', { timeoutMs, signal });
  // A caller that gave up never gets its text typed later.
  if (signal?.aborted) throw new AmuxError(`cancelled while waiting for ${rec.name} to be ready for input; prompt not sent`);
  if (r.matched) return r.view;
  if (r.timedOut) throw new AmuxError(`${rec.name} did not become ready for input (still ${r.view.state}); prompt not sent`);
  throw new AmuxError(`${rec.name} ${r.view.state} before it could take the prompt`);
}

/** A first prompt (`amux run -p`, the TUI's new-session dialog): typed once the agent is ready. */
export async function deliverPrompt(server: Server, rec: SessionRecord, text: string, opts: { timeoutMs?: number; onProgress?: (m: string) => void } = {}): Promise<void> {
  await waitUntilReady(server, rec, opts.timeoutMs ?? 60_000, opts.onProgress);
  await typeText(server, rec.tmux.pane, text);
}

/**
 * The whole `send` protocol: wait until the agent can take input, deliver the text literally,
 * confirm the turn started (the state left idle, or the screen moved), and unless told not to,
 * wait for the turn to end and return what the agent wrote.
 */
export async function sendPrompt(
  server: Server,
  rec: SessionRecord,
  text: string,
  opts: { wait: boolean; timeoutMs?: number; onProgress?: (m: string) => void; signal?: AbortSignal },
): Promise<SendResult> {
  const pane = server.pane(rec.tmux.pane);
  const start = Date.now();
  const left = () => (opts.timeoutMs === undefined ? undefined : Math.max(0, opts.timeoutMs - (Date.now() - start)));

  // 1. Ready for input.
  let v = await waitUntilReady(server, rec, left() ?? 10 * 60_000, opts.onProgress, opts.signal);

  // 2. Deliver.
  const before = await pane.capture({ start: '-' });
  const idleSince = v.stateSince ?? 0;
  const foreground = v.pane?.paneCurrentCommand || undefined;
  const sentAt = Date.now();
  await typeText(server, rec.tmux.pane, text);

  // 3. Confirm the turn started: the published state moved past the send, or (a command with no
  // detector) the screen changed. An agent whose input box still holds the text after a while
  // did not take the Enter — Codex reads keys that come fast after a paste as part of it, so the
  // Enter became a newline — and gets it again (twice at most).
  const agent = rec.detector !== 'generic';
  let started = false;
  let viaState = false;
  let enterAt = Date.now();
  let retries = 0;
  const confirmDeadline = Date.now() + 10_000;
  while (Date.now() < confirmDeadline) {
    v = await readView(server, rec);
    if (v.state !== 'idle' || (v.stateSince ?? 0) > idleSince) {
      started = viaState = true;
      break;
    }
    if (agent && retries < 2 && Date.now() - enterAt > 1500 && stillTyped(rec.detector, await pane.capture(), text)) {
      await pane.sendKeys(['Enter']);
      enterAt = Date.now();
      retries++;
      continue;
    }
    if (Date.now() - sentAt > (agent ? 4000 : 1500) && (await pane.capture({ start: '-' })) !== before) {
      started = true;
      // The screen moved but the monitor may not have published it yet: give it its latency.
      await sleep(1500);
      v = await readView(server, rec);
      viaState = v.state !== 'idle' || (v.stateSince ?? 0) > idleSince;
      break;
    }
    await sleep(100);
  }
  if (!started) throw new AmuxError(`${rec.name} showed no reaction to the prompt within 10s (it was delivered; see amux capture ${rec.name})`);
  // Only a plain command's turn waits for its foreground program (an agent is its own foreground).
  const turn: TurnStart = agent || !foreground ? { before, sentAt, viaState } : { before, sentAt, viaState, foreground };
  if (!opts.wait) return { state: v.state, timedOut: false, turn };

  // 4. The turn ends: idle again after the send (or a question, stuck, an exit).
  const r = await waitForView(server, rec, (x) => turnEnded(turn, x), { timeoutMs: left(), signal: opts.signal });
  if (r.view.state === 'idle' || r.view.state === 'waiting' || r.view.state === 'stuck') await sleep(50);
  const after = r.view.pane && !r.view.pane.paneDead ? await pane.capture({ start: '-' }) : before;
  return { state: r.view.state, output: turnOutput(before, after, rec.detector, text), timedOut: r.timedOut, turn };
}
