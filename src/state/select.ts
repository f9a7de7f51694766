import type { SessionView, State } from './model.js';
import { cmp } from '../util/table.js';

/** Display order: sessions that need a person first (waiting, stuck), then by age. */
const RANK: Record<State, number> = { waiting: 0, stuck: 1, running: 2, starting: 3, idle: 4, exited: 5, lost: 6 };

export function sortViews(views: SessionView[]): SessionView[] {
  return [...views].sort(
    (a, b) => RANK[a.state] - RANK[b.state] || cmp(a.record.createdAt, b.record.createdAt) || cmp(a.record.name, b.record.name),
  );
}

export interface ViewFilter {
  all?: boolean;
  project?: string;
  workspace?: string;
  agent?: string;
  tag?: string;
}

export function filterViews(views: SessionView[], f: ViewFilter): SessionView[] {
  return views.filter((v) => {
    const r = v.record;
    if (!f.all && (v.state === 'exited' || v.state === 'lost' || r.archived)) return false;
    if (f.project !== undefined && r.project !== f.project) return false;
    if (f.workspace !== undefined && r.workspace !== f.workspace) return false;
    if (f.agent !== undefined && r.agent !== f.agent) return false;
    if (f.tag !== undefined && !r.tags.includes(f.tag)) return false;
    return true;
  });
}
