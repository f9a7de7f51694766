/**
 * What the sessions table shows, as plain data: which sessions (filter, archived toggle), in
 * which order (waiting and stuck first, see tableOrder), grouped by workspace on demand.
 */
import { basename } from 'node:path';
import type { SessionView } from '../state/model.js';
import { treeOrder } from '../core/lineage.js';

/** A session row's `depth`: how far below its parent session it is indented (0: no parent shown). */
export type Row = { kind: 'group'; label: string; count: number } | { kind: 'session'; view: SessionView; depth?: number };

export interface ListOptions {
  filter: string;
  showArchived: boolean;
  grouped: boolean;
}

/** Does a session match the `/` filter? Every word must match name, agent, workspace, project, state or a tag. */
export function matchesFilter(v: SessionView, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const r = v.record;
  const hay = [r.name, r.agent, r.workspace ?? '', basename(r.project), v.state, ...r.tags.map((t) => `#${t}`), ...r.tags].join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * The table's order bands: sessions that need a person (waiting, stuck) first, then every live
 * one, then the finished ones. Within a band: creation time, then name. Running, idle, starting
 * and unknown share a band on purpose: a generic session flips between running and idle each
 * time it prints, and ranking those apart (as `ps` does) made rows jump every second under the
 * cursor and the mouse. A row moves only when it needs a person or finishes.
 */
const BAND: Record<SessionView['state'], number> = { waiting: 0, stuck: 1, running: 2, starting: 2, idle: 2, unknown: 2, hibernated: 3, exited: 3, lost: 4 };

export function tableOrder(views: SessionView[]): SessionView[] {
  return [...views].sort(
    (a, b) =>
      BAND[a.state] - BAND[b.state] ||
      (a.record.createdAt < b.record.createdAt ? -1 : a.record.createdAt > b.record.createdAt ? 1 : 0) ||
      (a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : 0) ||
      (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0),
  );
}

export function visibleViews(views: SessionView[], o: ListOptions): SessionView[] {
  return tableOrder(views.filter((v) => (o.showArchived || !v.record.archived) && matchesFilter(v, o.filter)));
}

export function groupLabel(v: SessionView): string {
  return v.record.workspace ? `${basename(v.record.project)} / ${v.record.workspace}` : `${basename(v.record.project)} (main checkout)`;
}

/** Table rows: sessions in display order; with `grouped`, a header row before each workspace's sessions. */
export function buildRows(views: SessionView[], o: ListOptions): Row[] {
  const list = visibleViews(views, o);
  if (!o.grouped) return treeOrder(list).map(({ view, depth }) => ({ kind: 'session', view, depth }));
  const groups = new Map<string, SessionView[]>();
  for (const v of list) {
    const k = groupLabel(v);
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  // Groups in the order of their most urgent session (list is already sorted).
  const rows: Row[] = [];
  for (const [label, vs] of groups) {
    rows.push({ kind: 'group', label, count: vs.length });
    for (const { view, depth } of treeOrder(vs)) rows.push({ kind: 'session', view, depth });
  }
  return rows;
}

/** Index of the row holding session `id`, else -1. */
export function indexOfSession(rows: Row[], id: string | null): number {
  if (!id) return -1;
  return rows.findIndex((r) => r.kind === 'session' && r.view.record.id === id);
}

/** The session row nearest to `from` moving by `delta` (group rows are skipped); -1 when none. */
export function moveSelection(rows: Row[], from: number, delta: number): number {
  const sessions = rows.map((r, i) => (r.kind === 'session' ? i : -1)).filter((i) => i >= 0);
  if (sessions.length === 0) return -1;
  if (from < 0) return delta >= 0 ? sessions[0]! : sessions[sessions.length - 1]!;
  let pos = sessions.findIndex((i) => i >= from);
  if (pos < 0) pos = sessions.length - 1;
  if (sessions[pos] !== from && delta > 0) pos--; // `from` was a group row: the next session is one step
  const next = Math.max(0, Math.min(sessions.length - 1, pos + delta));
  return sessions[next]!;
}

export function firstSession(rows: Row[]): number {
  return rows.findIndex((r) => r.kind === 'session');
}

export function lastSession(rows: Row[]): number {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.kind === 'session') return i;
  return -1;
}
