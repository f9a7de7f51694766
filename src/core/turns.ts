/**
 * Waits that outlive one call. A client (an MCP host gives up on a tool call after ~60 s) asks
 * for a bounded wait and gets the state so far plus a cursor; the next call continues from the
 * cursor. A turn's reply is computed from the pane before the prompt and the pane once the turn
 * is over, so the "before" is kept on disk with the turn (the session's run folder, 0600): a
 * reply that arrives between two calls, or after the server restarted, is still found, and once
 * found it is stored with the turn so every later call with that cursor returns the same reply.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreContext } from './context.js';
import { AmuxError, NotFoundError, UsageError } from '../util/errors.js';
import { runDirOf } from '../session/launcher.js';
import type { SessionRecord } from '../session/types.js';
import type { State } from '../state/model.js';
import type { TurnStart } from '../state/send.js';
import { UNTIL_STATES, type Until } from './observe.js';

/** Turns kept per session: a cursor older than the last few prompts has nothing left to find. */
const KEEP_TURNS = 4;

/** What a cursor names: a turn of a session, or a plain wait for a state. */
type CursorData = { s: string; t: string } | { s: string; u: Until };

interface TurnFile extends TurnStart {
  id: string;
  session: string;
  text: string;
  /** Set once the turn is over: the answer every later call returns. */
  end?: { state: State; output: string | null };
}

/** The result of a bounded wait, for a prompt's turn or for a state. */
export interface WaitOutput {
  session: string;
  id: string;
  state: State;
  /** The wait is over: the turn ended (or the state was reached); nothing more to wait for. */
  done: boolean;
  /** What the agent wrote in the turn (so far, while not done); null when waiting for a state. */
  output: string | null;
  /** The bound ran out before the end: call again with `cursor`. */
  timedOut: boolean;
  /** Continues this wait (and finds the same reply once it is done). */
  cursor: string;
}

export function encodeCursor(c: CursorData): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(cursor: string): CursorData {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof c.s === 'string' && /^[0-9a-f-]{36}$/.test(c.s)) {
      if (typeof c.t === 'string' && /^[a-z0-9]+$/.test(c.t)) return { s: c.s, t: c.t };
      if ((UNTIL_STATES as readonly unknown[]).includes(c.u)) return { s: c.s, u: c.u as Until };
    }
  } catch {
    /* reported below */
  }
  throw new UsageError('not a cursor amux gave out (pass the cursor of a send or await result unchanged)');
}

const turnsDir = (sessionId: string) => join(runDirOf(sessionId), 'turns');

/** Keeps a delivered prompt's turn; returns its cursor. Older turns beyond the last few go. */
export function saveTurn(rec: SessionRecord, text: string, start: TurnStart, end?: TurnFile['end']): string {
  const id = `${start.sentAt.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const dir = turnsDir(rec.id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeTurn(dir, { id, session: rec.id, text, ...start, ...(end ? { end } : {}) });
  const old = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const f of old.slice(0, Math.max(0, old.length - KEEP_TURNS))) rmSync(join(dir, f), { force: true });
  return encodeCursor({ s: rec.id, t: id });
}

function writeTurn(dir: string, t: TurnFile): void {
  const file = join(dir, `${t.id}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(t), { mode: 0o600 });
  renameSync(tmp, file);
}

function readTurn(sessionId: string, turnId: string): TurnFile {
  try {
    return JSON.parse(readFileSync(join(turnsDir(sessionId), `${turnId}.json`), 'utf8')) as TurnFile;
  } catch {
    throw new NotFoundError(`that turn is no longer kept (only the last ${KEEP_TURNS} prompts of a session are): capture the screen instead`);
  }
}

export interface AwaitTurnInput {
  /** A cursor from sendPrompt or an earlier awaitTurn; else `session` (and `until`). */
  cursor?: string;
  session?: string;
  /** With `session`: the state to wait for (default any). */
  until?: Until;
  /** The bound of this call (default: no bound). */
  timeoutMs?: number;
}

/**
 * Waits, at most `timeoutMs`, for the end of a prompt's turn (a cursor from `sendPrompt`) or for
 * a session to reach a state. Never throws for a timeout: the result says how far it got.
 */
export async function awaitTurn(ctx: CoreContext, input: AwaitTurnInput): Promise<WaitOutput> {
  const c: CursorData | null = input.cursor !== undefined ? decodeCursor(input.cursor) : null;
  if (!c) {
    if (input.session === undefined) throw new UsageError('give a session or a cursor');
    const { awaitSession } = await import('./observe.js');
    const until = input.until ?? 'any';
    const r = await awaitSession(ctx, { session: input.session, until, timeoutMs: input.timeoutMs });
    return { session: r.name, id: r.id, state: r.state, done: !r.timedOut, output: null, timedOut: r.timedOut, cursor: encodeCursor({ s: r.id, u: until }) };
  }
  const rec = ctx.registry.get(c.s);
  if (!rec) throw new NotFoundError('the session of that cursor is gone (removed)');
  if ('u' in c) {
    const { awaitSession } = await import('./observe.js');
    const r = await awaitSession(ctx, { session: rec.id, until: c.u, timeoutMs: input.timeoutMs });
    return { session: r.name, id: r.id, state: r.state, done: !r.timedOut, output: null, timedOut: r.timedOut, cursor: input.cursor! };
  }
  const turn = readTurn(rec.id, c.t);
  const base = { session: rec.name, id: rec.id, cursor: input.cursor! };
  if (turn.end) return { ...base, ...turn.end, done: true, timedOut: false };

  const { ensureMonitor } = await import('../state/daemon-client.js');
  await ensureMonitor(ctx.server);
  const { waitForView } = await import('../state/watch.js');
  const { turnEnded } = await import('../state/send.js');
  const { turnOutput } = await import('../state/turn.js');
  const r = await waitForView(ctx.server, rec, (x) => turnEnded(turn, x), { timeoutMs: input.timeoutMs, signal: ctx.signal });
  // The last frame of a reply can trail the state by a moment (as send waits for it).
  if (r.matched && r.view.state !== 'exited') await new Promise((res) => setTimeout(res, 50));
  const live = r.view.pane && !r.view.pane.paneDead;
  const after = live ? await ctx.server.pane(rec.tmux.pane).capture({ start: '-' }) : null;
  const output = after === null ? null : turnOutput(turn.before, after, rec.detector, turn.text);
  if (r.timedOut) return { ...base, state: r.view.state, done: false, output, timedOut: true };
  const end = { state: r.view.state, output };
  try {
    writeTurn(turnsDir(rec.id), { ...turn, end });
  } catch (e) {
    throw new AmuxError(`cannot keep the reply of ${rec.name}'s turn: ${(e as Error).message}`, { cause: e });
  }
  return { ...base, ...end, done: true, timedOut: false };
}
