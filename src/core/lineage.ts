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
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { homeDir } from '../util/paths.js';

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

/** Places among a parent's children held for launches under way. */
export interface ChildPlaces {
  /** One launch is over (its record exists, or it failed): its place is no longer held. */
  one(): void;
  /** Every place left goes (call it in a finally). */
  all(): void;
}

/**
 * Checks the limits and holds `count` places among `parent`'s children while they launch. The
 * count and the reservation happen under the parent's record lock, so concurrent starts
 * (several MCP calls, several processes) cannot pass the limit together: each counts the
 * others' places. A place is given back as each launch ends, right after its record is written.
 */
export async function reserveChildren(ctx: CoreContext, parent: SessionRecord, count: number): Promise<ChildPlaces> {
  const dir = homeDir('children', parent.id);
  const file = join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
  let left = count;
  const write = () => {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, count: left }), { mode: 0o600 });
    renameSync(tmp, file);
  };
  await ctx.registry.locked(parent.id, async () => {
    await checkChildLimits(ctx, parent, count, heldPlaces(dir));
    write();
  });
  return {
    one() {
      if (left <= 0) return;
      left--;
      if (left > 0) write();
      else rmSync(file, { force: true });
    },
    all() {
      left = 0;
      rmSync(file, { force: true });
    },
  };
}

/** Places held by launches still under way (a reservation whose process died holds none). */
function heldPlaces(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { pid: number; count: number };
      process.kill(r.pid, 0);
      n += r.count;
    } catch (e) {
      // Gone (ESRCH) or unreadable: stale, forget it.
      if ((e as NodeJS.ErrnoException).code !== 'EPERM') rmSync(join(dir, f), { force: true });
      else n += 1;
    }
  }
  return n;
}

/**
 * Refuses to start `count` more children of `parent` past the config's limits: depth (a
 * session a person started is at depth 0) and live children (plus `held` places of launches
 * under way). `reserveChildren` is the race-free form.
 */
export async function checkChildLimits(ctx: CoreContext, parent: SessionRecord, count: number, held = 0): Promise<void> {
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
  const live = (await readViews(ctx, children)).filter((v) => isLive(v.state)).length + held;
  if (live + count > mcp.maxChildren) {
    throw new AmuxError(`${parent.name} has ${live} live session(s) of its own${held ? ' (counting ones starting now)' : ''}; ${count} more would pass mcp.maxChildren (${mcp.maxChildren})`, {
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

/**
 * Sessions as a tree for display: each child right under its parent (indented by `depth`), in
 * the order the list already had; a child whose parent is not in the list stands at the top.
 */
export function treeOrder<T extends { record: { id: string; parent?: string } }>(views: T[]): { view: T; depth: number }[] {
  const ids = new Set(views.map((v) => v.record.id));
  const kids = new Map<string, T[]>();
  const roots: T[] = [];
  for (const v of views) {
    const p = v.record.parent;
    if (p && p !== v.record.id && ids.has(p)) {
      const k = kids.get(p);
      if (k) k.push(v);
      else kids.set(p, [v]);
    } else roots.push(v);
  }
  const out: { view: T; depth: number }[] = [];
  const seen = new Set<string>();
  const walk = (v: T, depth: number) => {
    if (seen.has(v.record.id)) return;
    seen.add(v.record.id);
    out.push({ view: v, depth });
    for (const k of kids.get(v.record.id) ?? []) walk(k, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  // Damaged records that name each other as parents: shown, at the top.
  for (const v of views) walk(v, 0);
  return out;
}

/** The name column's text for a session at `depth` in the tree. */
export function treeName(name: string, depth: number): string {
  return depth === 0 ? name : `${'  '.repeat(depth - 1)}└ ${name}`;
}
