import { paneBelongs, unstamped } from '../session/identity.js';
import { Registry } from '../session/registry.js';
import type { SessionRecord } from '../session/types.js';
import { Server, type PaneRow } from '../tmux/server.js';
import { resolveSocket, socketLabel, type SocketChoice } from '../tmux/exec.js';
import { TmuxNotFoundError } from '../tmux/errors.js';
import { isInside, type RepoContext } from './project.js';

/** A live amux session in a workspace. */
export interface LiveSession {
  id: string;
  name: string;
  agent: string;
  pane: string;
}

interface WorkspaceLike {
  name: string;
  path: string;
}

/** The tmux server a record was made on, from the label it stored. */
function socketOf(label: string): SocketChoice {
  if (label === 'default') return {};
  if (label.includes('/')) return { path: label };
  return { name: label };
}

/**
 * Finds the live sessions of workspaces: registry records of this project and workspace whose
 * pane is alive (present and not dead) on the server they were started on. One whole-server
 * read per server involved (normally one, often none).
 */
export async function liveSessionFinder(ctx: RepoContext): Promise<(ws: WorkspaceLike) => LiveSession[]> {
  const projects = new Set([ctx.projectRoot, ctx.config.projectRoot]);
  const records = new Registry().list().filter((r) => r.workspace !== null && !r.archived);
  const belongs = (r: SessionRecord, ws: WorkspaceLike) =>
    r.workspace === ws.name && (projects.has(r.project) || (typeof r.cwd === 'string' && isInside(r.cwd, ws.path)));
  const relevant = records.filter((r) => projects.has(r.project) || (typeof r.cwd === 'string' && isInside(r.cwd, ctx.root)));
  if (relevant.length === 0) return () => [];

  const current = socketLabel(resolveSocket(process.env, ctx.config.tmux?.socket));
  const panesBySocket = new Map<string, Map<string, PaneRow>>();
  for (const label of new Set(relevant.map((r) => r.tmux?.socket ?? current))) {
    let rows: PaneRow[] = [];
    try {
      rows = await new Server(label === current ? resolveSocket(process.env, ctx.config.tmux?.socket) : socketOf(label)).listPanes();
    } catch (e) {
      if (!(e instanceof TmuxNotFoundError)) throw e; // no tmux: nothing can be running
    }
    panesBySocket.set(label, new Map(rows.map((p) => [p.paneId, p])));
  }
  const live = (r: SessionRecord): boolean => {
    const row = panesBySocket.get(r.tmux?.socket ?? current)?.get(r.tmux?.pane);
    // Before removing a worktree, doubt counts as live: a pane with no stamp at all may be ours.
    if (!row || row.paneDead) return false;
    return unstamped(row) || paneBelongs(r, row);
  };
  return (ws) =>
    relevant
      .filter((r) => belongs(r, ws) && live(r))
      .map((r) => ({ id: r.id, name: r.name, agent: r.agent, pane: r.tmux.pane }));
}
