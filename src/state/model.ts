import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Server, PaneRow } from '../tmux/server.js';
import type { SessionRecord } from '../session/types.js';
import { Registry } from '../session/registry.js';
import type { State } from './engine.js';
import { matchPane } from '../session/identity.js';
import { formatAge } from '../util/duration.js';
import { headBranch } from '../workspace/head.js';

export { matchPane };

export type { State };

/** How old the monitor's heartbeat may be before its published states stop counting as current (it ticks every 400 ms). */
export const STALE_AFTER_MS = 3000;

/** A session that has a process: it can take input, keys, a stop. */
export function isLive(state: State): boolean {
  return state !== 'exited' && state !== 'lost' && state !== 'hibernated';
}

/**
 * A session whose process is gone for good (exited) or whose pane tmux no longer has (lost).
 * A hibernated session is neither live nor over: it is listed, and a resume wakes it.
 */
export function isTerminal(state: State): boolean {
  return state === 'exited' || state === 'lost';
}

/**
 * The read model: the one join of a durable record with its live pane and the state the monitor
 * published, and the one rule for "this pane belongs to this record". Every surface (ps, --json,
 * the TUI, the web and MCP servers) reads sessions through this file.
 *
 * One session as every view shows it: the durable record joined with its live pane (if any)
 * and the state the monitor published. `amux ps`, `--json`, the TUI and scripts read this.
 */
export interface SessionView {
  record: SessionRecord;
  pane: PaneRow | null;
  state: State;
  stateSince: number | null;
  reason: string;
  exitCode: number | null;
  exitSignal: number | null;
  lastOutputAt: number | null;
}

/** The log's modification time (ms precision) when it has any content: when output last came. */
export function logOutputAt(rec: SessionRecord): number | null {
  try {
    const st = statSync(rec.logFile);
    if (st.size > 0) return st.mtimeMs;
  } catch {
    /* no log yet */
  }
  return null;
}

/** A live pane whose log writer is gone (it died: folder unwritable or full): its log does not move. */
export function writerDown(pane: PaneRow | null): boolean {
  return !!pane && !pane.paneDead && !pane.panePipe;
}

/**
 * Last output time: the log's modification time, else tmux's window activity; the later of the
 * two when no log writer runs, so a dead writer never turns output into quiet. The monitor
 * passes the log time it has just stat'ed (`logAt`) rather than stat the log twice.
 */
export function lastOutputAt(rec: SessionRecord, pane: PaneRow | null, logAt: number | null = logOutputAt(rec)): number | null {
  const activity = pane && pane.windowActivity > 0 ? pane.windowActivity * 1000 : null;
  if (writerDown(pane) && activity !== null) return Math.max(activity, logAt ?? 0);
  return logAt ?? activity;
}

/**
 * The state tmux alone tells: exited / lost, else whatever the monitor published (or running), as
 * long as the monitor's heartbeat is fresh: `unknown` otherwise, never an old state as current.
 */
function baseState(rec: SessionRecord, pane: PaneRow | null, now: number): Pick<SessionView, 'state' | 'stateSince' | 'reason' | 'exitCode' | 'exitSignal'> {
  if (!pane && rec.hibernated) {
    const at = Date.parse(rec.hibernated.at);
    const conv = rec.conversation ? ` (conversation ${rec.conversation.id})` : '';
    return { state: 'hibernated', stateSince: Number.isFinite(at) ? at : null, reason: `hibernated: ${rec.hibernated.reason}; its process was stopped to free memory${conv}; send, attach or resume wakes it`, exitCode: null, exitSignal: null };
  }
  if (!pane) return { state: 'lost', stateSince: null, reason: 'recorded by amux, but tmux has no such pane', exitCode: null, exitSignal: null };
  if (pane.paneDead) {
    const since = pane.paneDeadTime ? pane.paneDeadTime * 1000 : null;
    // The first code the monitor saw wins: tmux 3.3a can later report 0 for the same dead pane.
    const kept = /^\d+$/.test(pane.opts.exit) ? Number(pane.opts.exit) : null;
    const code = kept ?? pane.paneDeadStatus;
    const sig = kept === null ? pane.paneDeadSignal : null;
    const how = sig ? `killed by signal ${sig}` : code === null ? 'exit code not yet reported' : `exit code ${code}`;
    return { state: 'exited', stateSince: since, reason: `process ended (${how})`, exitCode: code, exitSignal: sig };
  }
  const published = pane.opts.state as State;
  if (published && now - pane.monitorTick > STALE_AFTER_MS) {
    const age = pane.monitorTick > 0 ? `its last tick was ${formatAge(now - pane.monitorTick)} ago` : 'it never ticked';
    return { state: 'unknown', stateSince: null, reason: `state unknown (monitor restarting): ${age}; it last published ${published}`, exitCode: null, exitSignal: null };
  }
  if (published) {
    const since = Number(pane.opts.stateSince);
    return { state: published, stateSince: Number.isFinite(since) && since > 0 ? since : null, reason: pane.opts.reason, exitCode: null, exitSignal: null };
  }
  return { state: 'running', stateSince: Date.parse(rec.createdAt), reason: 'process alive (no state published yet)', exitCode: null, exitSignal: null };
}

/** One record joined with its pane (already matched); `logAt` as in `lastOutputAt`. */
export function viewOf(record: SessionRecord, pane: PaneRow | null, logAt?: number | null, now = Date.now()): SessionView {
  const base = baseState(record, pane, now);
  // Said wherever the state is shown (ps --json, explain): the log stopped, the monitor re-attaches a writer.
  if (writerDown(pane)) base.reason += `; warning: no log writer runs (is ${dirname(record.logFile)} unwritable or full?): output is read from tmux's window activity`;
  const out = lastOutputAt(record, pane, logAt);
  if (base.state === 'lost') {
    // How long ago it was lost: tmux can no longer say, its last output (or its last relaunch) can.
    const seen = Math.max(out ?? 0, Date.parse(record.relaunchedAt ?? record.createdAt) || 0);
    if (seen > 0) {
      base.stateSince = seen;
      const branch = headBranch(record.cwd);
      const where = `${record.workspace ? `workspace ${record.workspace}` : 'the main checkout'}${branch ? `, branch ${branch}` : ''}`;
      base.reason += ` (its last sign of life was ${formatAge(now - seen)} ago, in ${where}); amux resume ${record.name} relaunches it`;
    }
  }
  return { record, pane, ...base, lastOutputAt: out };
}

export function buildViews(records: SessionRecord[], panes: PaneRow[]): SessionView[] {
  const byPane = new Map(panes.map((p) => [p.paneId, p]));
  return records.map((record) => viewOf(record, matchPane(record, byPane)));
}

/** Records of this server, joined with one whole-server read. */
export async function loadViews(server: Server, registry = new Registry()): Promise<SessionView[]> {
  const [records, panes] = [registry.list().filter((r) => r.tmux.socket === server.label), await server.listPanes()];
  return buildViews(records, panes);
}

/** What `--json` prints for a session: the stable public shape. */
export function viewJson(v: SessionView) {
  const r = v.record;
  return {
    id: r.id,
    name: r.name,
    agent: r.agent,
    project: r.project,
    projectName: basename(r.project),
    workspace: r.workspace,
    cwd: r.cwd,
    state: v.state,
    stateSince: v.stateSince === null ? null : new Date(v.stateSince).toISOString(),
    reason: v.reason,
    exitCode: v.exitCode,
    exitSignal: v.exitSignal,
    createdAt: r.createdAt,
    lastOutputAt: v.lastOutputAt === null ? null : new Date(v.lastOutputAt).toISOString(),
    tags: r.tags,
    parent: r.parent ?? null,
    archived: r.archived === true,
    handoff: r.handoff ?? null,
    detector: r.detector,
    command: r.argv,
    logFile: r.logFile,
    tmux: { socket: r.tmux.socket, session: r.tmux.session, sessionId: r.tmux.sessionId, window: r.tmux.window, pane: r.tmux.pane },
    conversation: r.conversation?.id ?? null,
  };
}

/** A session in its stable JSON form (what `ps --json`, the web API and MCP show). */
export type SessionInfo = ReturnType<typeof viewJson>;
