/** `amux gc`: removes sessions idle or exited longer than a time to live (state/gc.ts has the rule). */
import type { CoreContext } from './context.js';
import { UsageError } from '../util/errors.js';
import { listViews } from './sessions.js';
import { collect, collectable } from '../state/gc.js';
import { parseDuration } from '../util/duration.js';
import { invalidateSnapshot } from '../state/snapshot.js';

export interface GcInput {
  /** Remove what has been idle or exited longer than this (`24h`); default the config's `ttl:`. */
  idle?: string;
  /** Only say what would be removed. */
  dryRun?: boolean;
}

export interface GcOutput {
  dryRun: boolean;
  ttlMs: number;
  removed: { session: string; id: string; why: string }[];
  failed: { session: string; message: string }[];
}

export async function gcSessions(ctx: CoreContext, input: GcInput = {}): Promise<GcOutput> {
  let ttl: number;
  if (input.idle !== undefined) {
    const ms = parseDuration(input.idle);
    if (ms === null || ms <= 0) throw new UsageError(`--idle takes a duration such as 24h, 90m or 7d, got "${input.idle}"`);
    ttl = ms;
  } else ttl = (await ctx.config()).ttl;
  const out: GcOutput = { dryRun: input.dryRun === true, ttlMs: ttl, removed: [], failed: [] };
  if (ttl <= 0) return out;
  const { views } = await listViews(ctx, { all: true });
  const now = Date.now();
  for (const v of views) {
    const why = collectable(v, ttl, now);
    if (!why) continue;
    if (!input.dryRun) {
      try {
        await collect(ctx.server, v, ctx.registry, why, 'amux gc');
      } catch (e) {
        out.failed.push({ session: v.record.name, message: (e as Error).message });
        continue;
      }
    }
    out.removed.push({ session: v.record.name, id: v.record.id, why });
  }
  if (out.removed.length && !input.dryRun) invalidateSnapshot(ctx.server.socket);
  return out;
}
