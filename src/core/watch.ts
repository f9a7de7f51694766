/**
 * Following sessions as they change: the monitor pushes a snapshot, then one event per change
 * (a state entered, a session added, changed or removed, the monitor leaving), over its local
 * socket (src/state/event-server.ts). For the TUI, `ps --watch`, and the web and MCP servers:
 * they redraw or forward on each event instead of polling tmux.
 */
import type { CoreContext } from './context.js';
import { AmuxError } from '../util/errors.js';
import { connectEvents, type FeedMessage } from '../state/events.js';

export type { FeedMessage as WatchEvent, SessionJson } from '../state/events.js';

export interface Watch {
  /** Whether events flow now; while false, the caller polls (the monitor is starting or restarting). */
  readonly connected: boolean;
  close(): void;
}

/**
 * Calls `onEvent` with a snapshot of every session of the context's server, then with each
 * change, until `close()`. When the connection ends (the monitor exited, restarted, or dropped
 * a reader that fell behind) it reconnects, starting the monitor again while sessions exist, and
 * delivers a new snapshot: a consumer replaces what it holds with each snapshot.
 * Throws when this machine's AMUX_HOME path is too long for a unix socket (no events at all).
 */
export async function watchSessions(ctx: CoreContext, onEvent: (event: FeedMessage) => void): Promise<Watch> {
  const { daemonPaths, ensureMonitor } = await import('../state/daemon-client.js');
  const path = daemonPaths(ctx.server.socket).events;
  if (!path) {
    throw new AmuxError('the monitor has no event socket: the AMUX_HOME path is too long for a unix socket', { code: 'failed', hint: 'set AMUX_HOME to a shorter folder' });
  }
  const label = ctx.server.label;
  const beforeConnect = async (): Promise<void> => {
    if (ctx.registry.listFor(label).length > 0) await ensureMonitor(ctx.server);
  };
  return connectEvents(path, { message: onEvent }, { beforeConnect });
}
