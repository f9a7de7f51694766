/**
 * What the sessions table shows, as plain data: which sessions (filter, archived toggle), in
 * which order (waiting and stuck first, see sortViews), grouped by workspace on demand.
 */
import { basename } from 'node:path';
import type { SessionView } from '../state/model.js';
import { sortViews } from '../state/select.js';

export type Row = { kind: 'group'; label: string; count: number } | { kind: 'session'; view: SessionView };

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

export function visibleViews(views: SessionView[], o: ListOptions): SessionView[] {
  return sortViews(views.filter((v) => (o.showArchived || !v.record.archived) && matchesFilter(v, o.filter)));
}

export function groupLabel(v: SessionView): string {
  return v.record.workspace ? `${basename(v.record.project)} / ${v.record.workspace}` : `${basename(v.record.project)} (main checkout)`;
}

/** Table rows: sessions in display order; with `grouped`, a header row before each workspace's sessions. */
export function buildRows(views: SessionView[], o: ListOptions): Row[] {
  const list = visibleViews(views, o);
  if (!o.grouped) return list.map((view) => ({ kind: 'session', view }));
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
    for (const view of vs) rows.push({ kind: 'session', view });
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
