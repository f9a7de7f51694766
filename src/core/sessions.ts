/**
 * Session use cases: list, get, start, stop, remove, rename, tag, archive, keys, capture, send.
 * Each takes a context and a typed input and returns a typed, JSON-ready output (see schemas.ts).
 * Side effects every caller needs — starting the monitor, invalidating its snapshot after a
 * change — happen here, once.
 */
import type { CoreContext } from './context.js';
import { AmuxError, NotFoundError, UsageError } from '../util/errors.js';
import { buildViews, viewJson, type SessionView, type SessionInfo } from '../state/model.js';
import { filterInfos, filterViews, sortInfos, sortViews, type ViewFilter } from '../state/select.js';
import { invalidateSnapshot } from '../state/snapshot.js';
import type { SessionRecord } from '../session/types.js';
import { stampedWith } from '../session/identity.js';
import { DamagedRecordError, MIN_ID_PREFIX, type DamagedRecord } from '../session/registry.js';
import { isLive } from '../state/model.js';
import { withoutDeadPaneLine, type PaneRow } from '../tmux/formats.js';
import type { AttachOptions, AttachResult } from '../tmux/attach.js';
import { literalText } from '../session/text.js';
import { viaHost } from './hosts.js';

export type { SessionInfo };

/** A lazy value computed once. */
function memo<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= f());
}

/** Starts (or replaces a hung) monitor, so the states read are live (waits for its first publish); never with no server. */
async function ensureMonitor(ctx: CoreContext): Promise<boolean> {
  const { ensureMonitor } = await import('../state/daemon-client.js');
  return ensureMonitor(ctx.server);
}

function records(ctx: CoreContext): SessionRecord[] {
  return ctx.registry.list().filter((r) => r.tmux.socket === ctx.server.label);
}

/** Joins records with the server: the monitor's fresh snapshot when it covers them, else one tmux read. */
export async function readViews(ctx: CoreContext, recs: SessionRecord[] = records(ctx)): Promise<SessionView[]> {
  const { readSnapshot } = await import('../state/snapshot.js');
  const rows = readSnapshot(ctx.server.socket, recs) ?? (await ctx.server.listPanes());
  return buildViews(recs, rows);
}

/** One session by reference (full id, name, or an id prefix of 4+ characters), joined with its pane. */
export async function resolveView(ctx: CoreContext, ref: string): Promise<SessionView> {
  const { records: all, damaged } = ctx.registry.scan();
  let rec: SessionRecord;
  try {
    rec = ctx.registry.resolve(ref, all.filter((r) => r.tmux.socket === ctx.server.label));
  } catch (e) {
    // A reference to a damaged record says so (it is never silently "no such session").
    const lower = ref.toLowerCase();
    const d = damaged.find((x) => x.id === lower || (ref.length >= MIN_ID_PREFIX && x.id.startsWith(lower)));
    if (e instanceof NotFoundError && d) throw new DamagedRecordError(d);
    // A removed session says so (its tombstone), rather than "no such session".
    if (e instanceof NotFoundError) {
      const { tombstonesFor } = await import('../session/tombstone.js');
      const t = tombstonesFor(ref)[0];
      if (t) throw new NotFoundError(`session ${ref} was removed at ${t.removedAt} (${t.name}, ${t.id.slice(0, 8)})`, { hint: 'amux ps --all lists the sessions there are' });
    }
    throw e;
  }
  // Every use of one session (keys, capture, logs, tag, rename, stop, rm, explain, await) reads or acts on live state.
  await ensureMonitor(ctx);
  const [view] = buildViews([rec], await ctx.server.listPanes());
  return view!;
}

/** The view of a session that must be live for what is asked of it; a clear error otherwise. */
async function liveView(ctx: CoreContext, ref: string, what: string): Promise<SessionView & { pane: NonNullable<SessionView['pane']> }> {
  const v = await resolveView(ctx, ref);
  if (!v.pane || !isLive(v.state)) {
    throw new AmuxError(`${v.record.name} ${v.state === 'lost' ? 'is lost: tmux no longer has it' : 'has exited'}: it ${what}`, {
      code: 'not_live',
      hint: `amux rm ${v.record.name} forgets it`,
    });
  }
  return v as SessionView & { pane: NonNullable<SessionView['pane']> };
}

export interface ListInput extends ViewFilter {
  /** Only sessions of the project that holds the context's folder. */
  here?: boolean;
}

export interface ListOutput {
  sessions: SessionInfo[];
  /** How many recorded sessions of this server the filter left out. */
  hidden: number;
  /** Record files that cannot be read: named, with what is wrong (remove them with removeSession). */
  damaged: DamagedRecord[];
}

/** The sessions of this server as the read model's views (for in-process renderers), sorted, filtered. */
export async function listViews(ctx: CoreContext, input: ListInput = {}): Promise<{ views: SessionView[]; hidden: number; damaged: DamagedRecord[] }> {
  const { records: all, damaged } = ctx.registry.scan();
  const recs = all.filter((r) => r.tmux.socket === ctx.server.label);
  if (recs.length > 0) await ensureMonitor(ctx);
  const filter: ViewFilter = { ...input };
  if (input.here) filter.project = (await ctx.config()).projectRoot;
  const views = await readViews(ctx, recs);
  const shown = sortViews(filterViews(views, filter));
  return { views: shown, hidden: views.length - shown.length, damaged };
}

export async function listSessions(ctx: CoreContext, input: ListInput = {}): Promise<ListOutput> {
  // The monitor's last tick, when the registry has not changed since: one file instead of every
  // record, log and pane (the fast path of `ps --json`).
  const { readPublishedSessions } = await import('../state/snapshot.js');
  const pub = readPublishedSessions(ctx.server.socket, ctx.registry.stamp());
  if (pub) {
    const filter: ViewFilter = { ...input };
    if (input.here) filter.project = (await ctx.config()).projectRoot;
    const shown = sortInfos(filterInfos(pub.sessions, filter));
    return { sessions: shown, hidden: pub.sessions.length - shown.length, damaged: pub.damaged };
  }
  const { views, hidden, damaged } = await listViews(ctx, input);
  return { sessions: views.map(viewJson), hidden, damaged };
}

export async function getSession(ctx: CoreContext, input: { session: string }): Promise<SessionInfo> {
  const remote = await viaHost<SessionInfo>(ctx, 'getSession', input);
  if (remote) return remote;
  return viewJson(await resolveView(ctx, input.session));
}

export interface StopInput {
  session: string;
  /** How long to wait after C-c before killing; 0 kills at once. */
  graceMs?: number;
}

export async function stopSession(ctx: CoreContext, input: StopInput): Promise<{ session: string; id: string; outcome: string }> {
  const remote = await viaHost<{ session: string; id: string; outcome: string }>(ctx, 'stopSession', input);
  if (remote) return remote;
  const v = await resolveView(ctx, input.session);
  const { stopSession: stop } = await import('../session/lifecycle.js');
  try {
    const outcome = await stop(ctx.server, v, input.graceMs ?? 5000);
    return { session: v.record.name, id: v.record.id, outcome };
  } finally {
    // The monitor may have snapshotted the pane alive during the grace period.
    invalidateSnapshot(ctx.server.socket);
  }
}

export interface RemoveInput {
  session: string;
  /** Remove a live session too (it is killed). */
  force?: boolean;
  keepWorkspace?: boolean;
  keepLogs?: boolean;
}

export interface RemoveOutput {
  session: string;
  id: string;
  /** The session's workspace: removed, kept (with why), or none. */
  workspace: { name: string; removed: boolean; reason?: string } | null;
}

/**
 * Removes a session: its tmux session, record, run folder and logs; then its workspace when no
 * other session uses it and it holds no uncommitted or unmerged work.
 */
export async function removeSession(ctx: CoreContext, input: RemoveInput): Promise<RemoveOutput> {
  const remote = await viaHost<RemoveOutput>(ctx, 'removeSession', input);
  if (remote) return remote;
  let v: SessionView;
  try {
    v = await resolveView(ctx, input.session);
  } catch (e) {
    if (e instanceof DamagedRecordError) return removeDamaged(ctx, e.record);
    throw e;
  }
  if (isLive(v.state) && !input.force) {
    throw new AmuxError(`${v.record.name} is still running (${v.state})`, { code: 'conflict', hint: `stop it first (amux stop ${v.record.name}) or use --force` });
  }
  const { removeSession: remove } = await import('../session/lifecycle.js');
  await remove(ctx.server, v, { keepLogs: input.keepLogs }, ctx.registry);
  invalidateSnapshot(ctx.server.socket);
  const out: RemoveOutput = { session: v.record.name, id: v.record.id, workspace: null };
  const ws = v.record.workspace;
  if (!ws || input.keepWorkspace) {
    if (ws) out.workspace = { name: ws, removed: false, reason: 'kept as asked' };
    return out;
  }
  const others = (await readViews(ctx, records(ctx).filter((r) => r.workspace === ws && r.project === v.record.project))).filter((x) => x.state !== 'lost');
  if (others.length > 0) {
    out.workspace = { name: ws, removed: false, reason: `${others.length} other session(s) use it` };
    return out;
  }
  try {
    // The workspace belongs to the session's project, wherever this context was opened.
    const { removeWorkspace } = await import('./workspaces.js');
    const projectCtx = ctx.cwd === v.record.project ? ctx : { ...ctx, cwd: v.record.project, config: memo(() => import('../config/load.js').then((m) => m.loadConfig({ cwd: v.record.project, env: ctx.env }))) };
    await removeWorkspace(projectCtx, { name: ws, force: false });
    out.workspace = { name: ws, removed: true };
  } catch (e) {
    out.workspace = { name: ws, removed: false, reason: (e as Error).message };
  }
  return out;
}

/**
 * Removes a damaged record: its tmux session is found by the id stamped on its pane (the record
 * cannot say where it is), then the file and its name reservations go.
 */
async function removeDamaged(ctx: CoreContext, d: DamagedRecord): Promise<RemoveOutput> {
  for (const row of await ctx.server.listPanes()) {
    if (stampedWith(row, d.id)) await ctx.server.session(row.sessionId).kill().catch(() => undefined);
  }
  await ctx.registry.removeDamaged(d);
  invalidateSnapshot(ctx.server.socket);
  return { session: `(damaged ${d.id.slice(0, 8)})`, id: d.id, workspace: null };
}

export async function renameSession(ctx: CoreContext, input: { session: string; name: string }): Promise<SessionInfo> {
  const v = await resolveView(ctx, input.session);
  const { renameSession: rename } = await import('../session/edit.js');
  const rec = await rename(ctx.server, v.record.id, input.name, ctx.registry, v.record.name);
  invalidateSnapshot(ctx.server.socket);
  return viewJson((await readViews(ctx, [rec]))[0]!);
}

export async function tagSession(ctx: CoreContext, input: { session: string; add?: string[]; remove?: string[] }): Promise<SessionInfo> {
  const v = await resolveView(ctx, input.session);
  const { tagSession: tag } = await import('../session/edit.js');
  const rec = await tag(v.record.id, { add: input.add, remove: input.remove }, ctx.registry);
  return viewJson((await readViews(ctx, [rec]))[0]!);
}

/** Archives (hides from lists unless asked) or unarchives a session. */
export async function archiveSession(ctx: CoreContext, input: { session: string; archived: boolean }): Promise<SessionInfo> {
  const v = await resolveView(ctx, input.session);
  const { archiveSession: archive } = await import('../session/edit.js');
  const rec = await archive(v.record.id, input.archived, ctx.registry);
  return viewJson((await readViews(ctx, [rec]))[0]!);
}

/** tmux key names amux passes through: named keys, modifiers, and single characters. */
export const KEY_RE = /^((C-|M-|S-)*([A-Za-z0-9]|F([1-9]|1[0-2])|Enter|Escape|Tab|BTab|Space|BSpace|Up|Down|Left|Right|Home|End|PageUp|PageDown|PPage|NPage|DC|IC|Delete|Insert))$/;

/** Presses keys in a live session (answers dialogs). Text is for `send`. */
export async function sendKeys(ctx: CoreContext, input: { session: string; keys: string[] }): Promise<{ session: string; id: string; keys: string[] }> {
  const remote = await viaHost<{ session: string; id: string; keys: string[] }>(ctx, 'sendKeys', input);
  if (remote) return remote;
  if (input.keys.length === 0) throw new UsageError('which keys? e.g. Enter, Escape, C-c, y');
  for (const k of input.keys) if (!KEY_RE.test(k)) throw new UsageError(`not a key name: "${k}" (use Enter, Escape, C-c, Up, y, ...; to type text use amux send)`);
  const v = await liveView(ctx, input.session, 'takes no keys');
  (await import('./handoff.js')).checkNotHeld(v.record);
  await ctx.server.pane(v.pane.paneId).sendKeys(input.keys);
  invalidateSnapshot(ctx.server.socket);
  return { session: v.record.name, id: v.record.id, keys: input.keys };
}

export interface CaptureInput {
  session: string;
  /** The last N lines, reaching into the scrollback; else the visible screen. */
  lines?: number;
  /** Keep colours and attributes as escape sequences. */
  ansi?: boolean;
}

export async function captureSession(ctx: CoreContext, input: CaptureInput): Promise<{ session: string; id: string; text: string }> {
  const n = input.lines;
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new UsageError(`lines must be a positive whole number, got ${n}`);
  const remote = await viaHost<{ session: string; id: string; text: string }>(ctx, 'captureSession', input);
  if (remote) return remote;
  const v = await resolveView(ctx, input.session);
  if (!v.pane) throw new AmuxError(`${v.record.name} is lost: tmux no longer has it`, { code: 'not_live' });
  const pane = ctx.server.pane(v.pane.paneId);
  const dead = v.pane.paneDead;
  // A dead pane's screen is mostly empty (and ends in tmux's "Pane is dead" line): what the
  // program printed is read from the whole history instead.
  const start = dead ? '-' : n === undefined ? undefined : -n - v.pane.paneHeight;
  let lines = (await pane.capture({ escapes: input.ansi, ...(start !== undefined ? { start } : {}) })).split('\n');
  if (dead) lines = withoutDeadPaneLine(lines);
  // The empty rows below the last output are not output.
  let end = lines.length;
  // eslint-disable-next-line no-control-regex
  while (end > 0 && lines[end - 1]!.replace(/\x1b\[[0-9;]*m/g, '').trim() === '') end--;
  lines = lines.slice(0, end);
  const keep = n ?? (dead ? v.pane.paneHeight : lines.length);
  const text = lines.slice(-keep).join('\n');
  return { session: v.record.name, id: v.record.id, text: text ? text + '\n' : '' };
}

/**
 * The panes of the server for a long-lived view (the TUI each tick): the monitor's fresh
 * snapshot when it covers `recs` (no process at all), else one tmux read. A server that is not
 * running is an AmuxError with code `no_server`.
 */
export async function readPanes(ctx: CoreContext, recs: SessionRecord[]): Promise<{ panes: PaneRow[]; fromSnapshot: boolean }> {
  const { readSnapshot } = await import('../state/snapshot.js');
  const snap = readSnapshot(ctx.server.socket, recs);
  return snap ? { panes: snap, fromSnapshot: true } : { panes: await ctx.server.panes(), fromSnapshot: false };
}

/**
 * Attaches the caller's terminal to a live session (switch inside tmux, a popup on another
 * server, a plain attach outside): the session is named by its stamped pane, never by a
 * recorded id alone. `handOver` lets a full-screen caller (the TUI) run the client itself.
 */
export async function attachView(ctx: CoreContext, v: SessionView, opts: AttachOptions = {}): Promise<AttachResult> {
  // A hibernated session wakes first: its conversation is resumed, then the client attaches.
  if (v.state === 'hibernated') v = await (await import('./resume.js')).wakeView(ctx, v);
  if (!v.pane) throw new AmuxError(`${v.record.name} is lost: tmux no longer has it`, { code: 'not_live', hint: `amux rm ${v.record.name} forgets it` });
  const { attachSession } = await import('../tmux/attach.js');
  return attachSession(ctx.server, v.pane.sessionId, opts);
}

/**
 * A live preview's text (the TUI, later the web view): the last `rows` lines with colours, or for
 * a dead pane what the program printed (its whole history, without tmux's dead-pane line).
 */
export async function previewText(ctx: CoreContext, pane: NonNullable<SessionView['pane']>, rows: number): Promise<string> {
  const text = await ctx.server.pane(pane.paneId).capture({ escapes: true, joinWrapped: false, start: pane.paneDead ? '-' : -rows });
  return pane.paneDead ? withoutDeadPaneLine(text.split('\n')).join('\n') : text;
}

export interface SendInput {
  session: string;
  text: string;
  /** Wait for the turn to end and return the reply (default true). */
  wait?: boolean;
  timeoutMs?: number;
}

export interface SendOutput {
  session: string;
  id: string;
  state: string;
  delivered: boolean;
  output: string | null;
  timedOut: boolean;
  /** The turn is over (idle again, a question, stuck or exited): `output` is the whole reply. */
  done: boolean;
  /** Continues the wait for this turn's reply (awaitTurn), in this process or another. */
  cursor: string;
}

/**
 * Sends a prompt the one way amux knows: wait until the agent can take input, type the text
 * literally, confirm the turn started, and unless told not to, wait for the reply.
 */
export async function sendPrompt(ctx: CoreContext, input: SendInput): Promise<SendOutput> {
  // Refused before waiting for the agent (typeText enforces the same rule at the pane).
  const text = literalText(input.text).replace(/\n+$/, '');
  if (text.length === 0) throw new UsageError('the prompt is empty');
  const remote = await viaHost<SendOutput>(ctx, 'sendPrompt', input);
  if (remote) return remote;
  // A hibernated session wakes first (its conversation resumed); the prompt waits until it is ready.
  const asked = await resolveView(ctx, input.session);
  if (asked.state === 'hibernated') await (await import('./resume.js')).wakeView(ctx, asked);
  const v = await liveView(ctx, asked.record.id, 'can take no input');
  (await import('./handoff.js')).checkNotHeld(v.record);
  await ensureMonitor(ctx);
  const { sendPrompt: send } = await import('../state/send.js');
  const wait = input.wait ?? true;
  const res = await send(ctx.server, v.record, text, { wait, timeoutMs: input.timeoutMs, onProgress: ctx.observer.progress, signal: ctx.signal });
  invalidateSnapshot(ctx.server.socket);
  const done = wait && !res.timedOut;
  const output = res.output ?? null;
  const { saveTurn } = await import('./turns.js');
  const cursor = saveTurn(v.record, text, res.turn, done ? { state: res.state, output } : undefined);
  return { session: v.record.name, id: v.record.id, state: res.state, delivered: true, output, timedOut: res.timedOut, done, cursor };
}
