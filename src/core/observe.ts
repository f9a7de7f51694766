/**
 * Watching one session: wait until it reaches a state (`await`), and say why it is in the state
 * it is in (`explain`). Both make sure the monitor runs first (resolveView does), so what they read is live.
 */
import type { CoreContext } from './context.js';
import { UsageError } from '../util/errors.js';
import { viewJson } from '../state/model.js';
import { resolveView, type SessionInfo } from './sessions.js';

/** The states each `until` accepts. */
export const UNTIL_STATES = ['idle', 'waiting', 'exited', 'running', 'stuck', 'any'] as const;
export type Until = (typeof UNTIL_STATES)[number];

export interface AwaitInput {
  session: string;
  /** idle, waiting, exited, running, stuck, or any (anything but working; the default). */
  until?: Until;
  timeoutMs?: number;
}

export interface AwaitOutput extends SessionInfo {
  /** The state matched. */
  matched: boolean;
  /** The time ran out first. */
  timedOut: boolean;
}

/**
 * Waits until the session's state is one `until` accepts. Resolves (never throws) when it
 * matched, timed out, or the session ended first (exited or lost): the output says which.
 */
export async function awaitSession(ctx: CoreContext, input: AwaitInput): Promise<AwaitOutput> {
  const until = input.until ?? 'any';
  if (!UNTIL_STATES.includes(until)) throw new UsageError(`until takes one of ${UNTIL_STATES.join(', ')}, not "${until}"`);
  const v = await resolveView(ctx, input.session);
  const { UNTIL, waitForView } = await import('../state/watch.js');
  const wanted = UNTIL[until] as readonly string[];
  const res = await waitForView(ctx.server, v.record, (x) => wanted.includes(x.state), { timeoutMs: input.timeoutMs, signal: ctx.signal });
  return { ...viewJson(res.view), matched: res.matched, timedOut: res.timedOut };
}

export interface ExplainOutput extends SessionInfo {
  /** The engine's rule that decided the state (null when the monitor published none). */
  rule: string | null;
  /** The evidence the rule weighed, with how old each piece is. */
  signals: { name: string; value: string; at: string | null; ageMs: number | null }[];
}

/** The session's state with the rule that decided it and the evidence behind it. */
export async function explainSession(ctx: CoreContext, input: { session: string }): Promise<ExplainOutput> {
  const v = await resolveView(ctx, input.session);
  const { readExplain } = await import('../state/publish.js');
  const ex = v.pane && !v.pane.paneDead ? await readExplain(ctx.server, v.pane.paneId) : null;
  const now = Date.now();
  const signals = (ex?.signals ?? []).map((s) => ({ name: s.name, value: String(s.value), at: s.at ? new Date(s.at).toISOString() : null, ageMs: s.at ? Math.round(now - s.at) : null }));
  return { ...viewJson(v), rule: ex?.rule ?? null, signals };
}
