import type { SessionView, State } from './model.js';
import { isTerminal } from './model.js';
import { cmp } from '../util/table.js';

/** Display order: sessions that need a person first (waiting, stuck), then by age. */
const RANK: Record<State, number> = { waiting: 0, stuck: 1, running: 2, starting: 3, idle: 4, unknown: 5, hibernated: 6, exited: 7, lost: 8 };

/** What sorting and filtering look at, the same in a view and in its JSON form. */
interface Keys {
  state: State;
  name: string;
  createdAt: string;
  project: string;
  workspace: string | null;
  agent: string;
  tags: string[];
  archived: boolean;
}

const ofView = (v: SessionView): Keys => ({ ...v.record, state: v.state, archived: v.record.archived === true });
const ofInfo = <T extends Keys>(i: T): Keys => i;

function sortBy<T>(xs: T[], key: (x: T) => Keys): T[] {
  return [...xs].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    return RANK[a.state] - RANK[b.state] || cmp(a.createdAt, b.createdAt) || cmp(a.name, b.name);
  });
}

export interface ViewFilter {
  all?: boolean;
  /** Only sessions in one of these states (implies all: exited and lost ones are not hidden). */
  states?: State[];
  project?: string;
  workspace?: string;
  agent?: string;
  tag?: string;
  /** Archived sessions too (they are hidden otherwise, unless `all`). */
  archived?: boolean;
}

function filterBy<T>(xs: T[], f: ViewFilter, key: (x: T) => Keys): T[] {
  return xs.filter((x) => {
    const k = key(x);
    if (f.states) {
      if (!f.states.includes(k.state)) return false;
    } else if (!f.all) {
      // Archived ones (whatever their state) only when asked for; else live ones only.
      if (k.archived ? !f.archived : isTerminal(k.state)) return false;
    }
    if (f.project !== undefined && k.project !== f.project) return false;
    if (f.workspace !== undefined && k.workspace !== f.workspace) return false;
    if (f.agent !== undefined && k.agent !== f.agent) return false;
    if (f.tag !== undefined && !k.tags.includes(f.tag)) return false;
    return true;
  });
}

export const sortViews = (views: SessionView[]): SessionView[] => sortBy(views, ofView);
export const filterViews = (views: SessionView[], f: ViewFilter): SessionView[] => filterBy(views, f, ofView);
/** The same order and filter over the JSON form (the monitor's published views). */
export const sortInfos = <T extends Keys>(xs: T[]): T[] => sortBy(xs, ofInfo);
export const filterInfos = <T extends Keys>(xs: T[], f: ViewFilter): T[] => filterBy(xs, f, ofInfo);
