/**
 * Sessions that start sessions. An agent reaching amux through `amux mcp` runs inside an amux
 * session (its environment names it); the sessions it starts are its children. The config's
 * `mcp` limits bound how many live children one session has and how deep the tree grows, so an
 * agent cannot fork without bound; and a session may not stop, remove or drive its own
 * ancestors (a worker that kills its lead ends the work it was part of).
 */
import type { CoreContext } from './context.js';
import { AmuxError } from '../util/errors.js';
import type { SessionRecord } from '../session/types.js';
import { isLive } from '../state/model.js';

/** The session the caller runs in (`AMUX_SESSION_ID`, set by the launcher), when this server has it. */
export function callerSession(ctx: CoreContext): SessionRecord | null {
  const id = ctx.env.AMUX_SESSION_ID;
  if (!id) return null;
  const rec = ctx.registry.get(id);
  return rec && rec.tmux.socket === ctx.server.label ? rec : null;
}

/** The ids above a session, its parent first (a loop in damaged records ends the walk). */
export function ancestorsOf(ctx: CoreContext, rec: SessionRecord): string[] {
  const out: string[] = [];
  let cur: SessionRecord | null = rec;
  while (cur?.parent && !out.includes(cur.parent) && cur.parent !== rec.id) {
    out.push(cur.parent);
    cur = ctx.registry.get(cur.parent);
  }
  return out;
}

/**
 * Refuses to start `count` more children of `parent` past the config's limits: depth (a
 * session a person started is at depth 0) and live children.
 */
export async function checkChildLimits(ctx: CoreContext, parent: SessionRecord, count: number): Promise<void> {
  const { mcp } = await ctx.config();
  const depth = ancestorsOf(ctx, parent).length + 1;
  if (depth > mcp.maxDepth) {
    throw new AmuxError(`${parent.name} may not start sessions: they would be ${depth} levels below a session a person started (mcp.maxDepth is ${mcp.maxDepth})`, {
      code: 'limit',
      hint: 'do the work yourself, or ask your lead to start the session',
    });
  }
  const { readViews } = await import('./sessions.js');
  const children = ctx.registry.list().filter((r) => r.parent === parent.id && r.tmux.socket === ctx.server.label);
  const live = (await readViews(ctx, children)).filter((v) => isLive(v.state)).length;
  if (live + count > mcp.maxChildren) {
    throw new AmuxError(`${parent.name} has ${live} live session(s) of its own; ${count} more would pass mcp.maxChildren (${mcp.maxChildren})`, {
      code: 'limit',
      hint: 'stop and remove a finished one first',
    });
  }
}

/** Refuses when `caller` would act on itself or on a session above it. */
export function checkMayTouch(ctx: CoreContext, caller: SessionRecord, target: SessionRecord, what: string): void {
  if (target.id === caller.id) throw new AmuxError(`a session may not ${what} itself`, { code: 'forbidden' });
  if (ancestorsOf(ctx, caller).includes(target.id)) {
    throw new AmuxError(`${caller.name} may not ${what} ${target.name}: it started ${caller.name}`, { code: 'forbidden' });
  }
}
