/**
 * Cleaning up: which sessions are past their time to live, and removing them. Idle sessions
 * (quiet at the prompt) and exited ones whose last sign of life is older than the TTL are stopped
 * and removed (record, logs; their workspace is kept: it may hold work). Archived sessions and
 * those tagged `keep` are spared, and so are working, waiting, stuck and lost ones. `amux gc`
 * and the monitor (`ttl:` in the config, default 7 days) use the same rule; what is removed is
 * written to AMUX_HOME/gc.log.
 */
import { join } from 'node:path';
import type { SessionView } from './model.js';
import type { Server } from '../tmux/server.js';
import type { Registry } from '../session/registry.js';
import { amuxHome } from '../util/paths.js';
import { appendCapped } from './daemon-log.js';
import { formatAge } from '../util/duration.js';

export const KEEP_TAG = 'keep';

/** When the session last showed life: its last output, state change or start, whichever is latest. */
export function lastActivity(v: SessionView): number {
  return Math.max(v.lastOutputAt ?? 0, v.stateSince ?? 0, Date.parse(v.record.createdAt) || 0);
}

/** Why a session may be collected with this TTL (ms), or null when it is spared. */
export function collectable(v: SessionView, ttl: number, now: number): string | null {
  if (ttl <= 0) return null;
  if (v.record.archived || v.record.tags.includes(KEEP_TAG)) return null;
  if (v.state !== 'idle' && v.state !== 'exited') return null;
  const quiet = now - lastActivity(v);
  return quiet > ttl ? `${v.state} for ${formatAge(quiet)} (ttl ${formatAge(ttl)})` : null;
}

export function gcLogFile(): string {
  return join(amuxHome(), 'gc.log');
}

export function logRemoval(v: SessionView, why: string, by: string): void {
  appendCapped(gcLogFile(), `${new Date().toISOString()} ${by} removed ${v.record.name} (${v.record.id}) agent ${v.record.agent}${v.record.workspace ? ` workspace ${v.record.workspace}` : ''}: ${why}\n`);
}

/** Stops (when still running) and removes one session, keeping its workspace. */
export async function collect(server: Server, v: SessionView, registry: Registry, why: string, by: string): Promise<void> {
  const { stopSession, removeSession } = await import('../session/lifecycle.js');
  if (v.pane && !v.pane.paneDead) await stopSession(server, v, 3000);
  await removeSession(server, v, {}, registry);
  logRemoval(v, why, by);
}

/** The monitor's part: each tick, collect what is past its project's `ttl:` (one pass at a time, in the background). */
export class Collector {
  private busy = false;
  constructor(
    private readonly server: Server,
    private readonly registry: Registry,
    private readonly opts: { ttlFor: (project: string) => number | null; log?: (msg: string) => void },
  ) {}

  tick(views: SessionView[], now: number): void {
    if (this.busy) return;
    const due: [SessionView, string][] = [];
    for (const v of views) {
      if (v.state !== 'idle' && v.state !== 'exited') continue;
      const ttl = this.opts.ttlFor(v.record.project);
      const why = ttl === null ? null : collectable(v, ttl, now);
      if (why) due.push([v, why]);
    }
    if (!due.length) return;
    this.busy = true;
    void (async () => {
      for (const [v, why] of due) {
        try {
          await collect(this.server, v, this.registry, why, 'ttl');
          this.opts.log?.(`gc: removed ${v.record.name} (${why})`);
        } catch (e) {
          this.opts.log?.(`gc: could not remove ${v.record.name}: ${(e as Error).message}`);
        }
      }
    })().finally(() => {
      this.busy = false;
    });
  }
}
