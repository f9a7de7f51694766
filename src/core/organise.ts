/**
 * Organising and finding sessions: retag, the tags in use, the full record of one session, find
 * by prefix. Archive and tag live in sessions.ts; removal leaves a tombstone (session/tombstone.ts).
 */
import type { CoreContext } from './context.js';
import { UsageError } from '../util/errors.js';
import { readViews, resolveView } from './sessions.js';
import { viewJson, type SessionInfo } from '../state/model.js';
import { sortInfos } from '../state/select.js';
import { validateTag } from '../session/edit.js';
import { logParts } from '../session/rotation.js';
import { invalidateSnapshot } from '../state/snapshot.js';

function serverRecords(ctx: CoreContext) {
  return ctx.registry.list().filter((r) => r.tmux.socket === ctx.server.label);
}

export interface RetagOutput {
  from: string;
  to: string;
  /** The sessions whose tag was renamed. */
  sessions: string[];
}

/** Renames a tag on every session of this server (or on one): OLD becomes NEW, order kept, no duplicate. */
export async function retagSessions(ctx: CoreContext, input: { from: string; to: string; session?: string }): Promise<RetagOutput> {
  const from = input.from.trim();
  const to = input.to.trim();
  if (!from || !to) throw new UsageError('retag needs OLD=NEW with both tags non-empty');
  validateTag(to);
  const targets = input.session !== undefined ? [(await resolveView(ctx, input.session)).record] : serverRecords(ctx);
  const changed: string[] = [];
  for (const rec of targets) {
    if (!rec.tags.includes(from)) continue;
    const next = await ctx.registry.update(rec.id, (r) => {
      const tags: string[] = [];
      for (const t of r.tags) {
        const n = t === from ? to : t;
        if (!tags.includes(n)) tags.push(n);
      }
      r.tags = tags;
    });
    if (next) changed.push(next.name);
  }
  if (changed.length) invalidateSnapshot(ctx.server.socket);
  return { from, to, sessions: changed };
}

export interface TagCount {
  tag: string;
  /** How many sessions carry it (archived, exited and lost ones included). */
  count: number;
  sessions: string[];
}

/** Every tag in use on this server's sessions, with the sessions that carry it, sorted by tag. */
export async function listTags(ctx: CoreContext): Promise<TagCount[]> {
  const by = new Map<string, string[]>();
  for (const r of serverRecords(ctx)) for (const t of r.tags) by.set(t, [...(by.get(t) ?? []), r.name]);
  return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tag, sessions]) => ({ tag, count: sessions.length, sessions }));
}

/** The full record of a session: what `amux info` shows. */
export interface InfoOutput extends SessionInfo {
  /** The git branch checked out in the session's folder (null outside git). */
  branch: string | null;
  /** The agent's conversation id, when amux knows it. */
  conversationId: string | null;
  /** Names of the variables set for the agent (values are never kept). */
  envNames: string[];
  /** The log's files, oldest first (rotations, then the current file). */
  logFiles: string[];
}

export async function sessionInfo(ctx: CoreContext, input: { session: string }): Promise<InfoOutput> {
  const v = await resolveView(ctx, input.session);
  const r = v.record as typeof v.record & { conversationId?: unknown; conversation?: { id?: unknown } };
  const { gitLine } = await import('../workspace/git.js');
  const branch = await gitLine(r.cwd, ['rev-parse', '--abbrev-ref', 'HEAD']).catch(() => null);
  const conv = typeof r.conversationId === 'string' ? r.conversationId : typeof r.conversation?.id === 'string' ? r.conversation.id : null;
  return {
    ...viewJson(v),
    branch: branch && branch !== 'HEAD' ? branch : branch === 'HEAD' ? '(detached)' : null,
    conversationId: conv,
    envNames: r.envNames ?? [],
    logFiles: logParts(r.logFile),
  };
}

/** The record as label/value rows, the way `amux info` and the TUI's `i` show it. */
export function infoRows(i: InfoOutput): [string, string][] {
  return [
    ['name', i.name],
    ['id', i.id],
    ['agent', i.agent],
    ['state', `${i.state} (${i.reason})`],
    ['command', i.command.map((a) => (/[\s"'\\$]/.test(a) || a === '' ? JSON.stringify(a) : a)).join(' ')],
    ['cwd', i.cwd],
    ['project', i.project],
    ['workspace', i.workspace ?? '-'],
    ['branch', i.branch ?? '-'],
    ['conversation', i.conversationId ?? '-'],
    ['env', i.envNames.length ? i.envNames.join(' ') : '-'],
    ['tags', i.tags.length ? i.tags.join(' ') : '-'],
    ['archived', i.archived ? 'yes' : 'no'],
    ['created', i.createdAt],
    ['last output', i.lastOutputAt ?? '-'],
    ['exit code', i.exitCode === null ? (i.exitSignal ? `signal ${i.exitSignal}` : '-') : String(i.exitCode)],
    ['parent', i.parent ?? '-'],
    ['logs', i.logFiles.join(' ')],
    ['tmux', `${i.tmux.session} ${i.tmux.sessionId} ${i.tmux.window} ${i.tmux.pane} (server ${i.tmux.socket})`],
  ];
}

/**
 * Sessions whose name or id starts with `prefix` (case-insensitive for ids), archived, exited
 * and lost ones included, in list order. An empty prefix is refused.
 */
export async function findSessions(ctx: CoreContext, input: { prefix: string }): Promise<SessionInfo[]> {
  const p = input.prefix;
  if (!p.trim()) throw new UsageError('find needs a prefix of a session name or id');
  const lower = p.toLowerCase();
  const recs = serverRecords(ctx).filter((r) => r.name.startsWith(p) || r.name.toLowerCase().startsWith(lower) || r.id.startsWith(lower));
  return sortInfos((await readViews(ctx, recs)).map(viewJson));
}

/** The columns `ps --columns` can print, and how each reads a session. */
export const COLUMNS: Record<string, (s: SessionInfo) => string> = {
  id: (s) => s.id,
  short: (s) => s.id.slice(0, 8),
  name: (s) => s.name,
  agent: (s) => s.agent,
  state: (s) => s.state,
  workspace: (s) => s.workspace ?? '',
  tags: (s) => s.tags.join(','),
  project: (s) => s.project,
  cwd: (s) => s.cwd,
  created: (s) => s.createdAt,
  since: (s) => s.stateSince ?? '',
  lastoutput: (s) => s.lastOutputAt ?? '',
  exitcode: (s) => (s.exitCode === null ? '' : String(s.exitCode)),
  archived: (s) => (s.archived ? 'yes' : 'no'),
  parent: (s) => s.parent ?? '',
  reason: (s) => s.reason,
  pane: (s) => s.tmux.pane,
  session: (s) => s.tmux.session,
  log: (s) => s.logFile,
  command: (s) => s.command.join(' '),
};

/** Checks a `--columns` list (comma-separated, case-insensitive); an unknown column is a usage error. */
export function parseColumns(spec: string): string[] {
  const cols = spec.split(',').map((c) => c.trim().toLowerCase().replace(/[-_]/g, ''));
  const bad = cols.filter((c) => !COLUMNS[c]);
  if (!cols.length || bad.length) throw new UsageError(`unknown column${bad.length > 1 ? 's' : ''} ${bad.map((b) => `"${b}"`).join(', ') || '""'} (columns: ${Object.keys(COLUMNS).join(', ')})`);
  return cols;
}

/** Sessions as tab-separated rows (tabs and newlines inside a value become spaces). */
export function columnsTsv(sessions: SessionInfo[], cols: string[]): string {
  return sessions.map((s) => cols.map((c) => COLUMNS[c]!(s).replace(/[\t\r\n]+/g, ' ')).join('\t') + '\n').join('');
}
