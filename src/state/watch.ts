import type { Server } from '../tmux/server.js';
import type { SessionRecord } from '../session/types.js';
import { buildViews, type SessionView, type State } from './model.js';
import { ensureMonitor } from './daemon-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The published view of one session: one `list-panes` of the whole server per read. */
export async function readView(server: Server, rec: SessionRecord): Promise<SessionView> {
  return buildViews([rec], await server.listPanes())[0]!;
}

export interface WaitResult {
  view: SessionView;
  matched: boolean;
  timedOut: boolean;
}

/**
 * Polls the state the monitor published until `accept(view)` holds, the session ends (exited or
 * lost, unless accepted), or the deadline passes.
 */
export async function waitForView(
  server: Server,
  rec: SessionRecord,
  accept: (v: SessionView) => boolean,
  opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<WaitResult> {
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  for (;;) {
    const view = await readView(server, rec);
    if (accept(view)) return { view, matched: true, timedOut: false };
    // The monitor stopped ticking while we wait: replace it (once hung long enough) rather than wait on old states.
    if (view.state === 'unknown') await ensureMonitor(server);
    if (view.state === 'lost' || view.state === 'hibernated' || (view.state === 'exited' && view.exitCode !== null) || (view.state === 'exited' && view.stateSince && Date.now() - view.stateSince > 5000)) {
      return { view, matched: false, timedOut: false };
    }
    if (Date.now() >= deadline || opts.signal?.aborted) return { view, matched: false, timedOut: true };
    await sleep(Math.min(opts.intervalMs ?? 200, Math.max(10, deadline - Date.now())));
  }
}

export const UNTIL = {
  idle: ['idle'],
  waiting: ['waiting'],
  exited: ['exited'],
  running: ['running'],
  stuck: ['stuck'],
  /** Anything but working: the agent needs nobody's patience any more. */
  any: ['idle', 'waiting', 'stuck', 'exited'],
} as const satisfies Record<string, readonly State[]>;

export type Until = keyof typeof UNTIL;
