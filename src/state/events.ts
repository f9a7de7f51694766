import { createConnection, type Socket } from 'node:net';
import type { State, viewJson } from './model.js';

/**
 * The monitor's local API, client side. The daemon (event-server.ts) listens on a unix socket
 * under AMUX_HOME and speaks newline-delimited JSON: a client sends `{"op":"snapshot"}` for one
 * snapshot, or `{"op":"subscribe"}` for the snapshot followed by one message per change, so the
 * TUI, the web and MCP servers are pushed changes instead of polling tmux.
 */

/** A session in the read model's JSON form (what `ps --json` prints). */
export type SessionJson = ReturnType<typeof viewJson>;

/** Every session of the server as of the monitor's last tick; `seq` is the last event it includes. */
export interface SnapshotMessage {
  type: 'snapshot';
  seq: number;
  /** The tick that read it (ISO time). */
  at: string;
  /** The daemon's pid: a new one means a new sequence. */
  pid: number;
  sessions: SessionJson[];
}

interface EventBase {
  /** Increases by one per event of this daemon. */
  seq: number;
  /** When the tick that saw the change read the server (ISO time). */
  at: string;
}

/** A session entered a new state. */
export interface StateEvent extends EventBase {
  type: 'state';
  id: string;
  name: string;
  state: State;
  previous: State;
  /** When the new state was entered (ISO time), as `stateSince`. */
  since: string | null;
  reason: string;
  session: SessionJson;
}

/** A record appeared (a session was started) or anything else a view shows changed (name, tags, exit code, pane). */
export interface SessionEvent extends EventBase {
  type: 'session-added' | 'session-changed';
  id: string;
  name: string;
  session: SessionJson;
}

/** A record disappeared (the session was removed). */
export interface SessionRemovedEvent extends EventBase {
  type: 'session-removed';
  id: string;
  name: string;
}

/** The monitor is shutting down; the connection ends next. */
export interface MonitorExitEvent extends EventBase {
  type: 'monitor-exit';
  reason: string;
}

export type MonitorEvent = StateEvent | SessionEvent | SessionRemovedEvent | MonitorExitEvent;
export type FeedMessage = SnapshotMessage | MonitorEvent;

/** The answer to a line that is not a request. */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type ServerMessage = FeedMessage | ErrorMessage;

/** What a client may ask, one JSON object per line. */
export type EventRequest = { op: 'snapshot' } | { op: 'subscribe' };

export interface FeedHandlers {
  /** Every message: a snapshot after each (re)connection, then the events. */
  message(m: FeedMessage): void;
}

export interface FeedOptions {
  /** Runs before each connection attempt: starts the monitor when it should run. */
  beforeConnect?: () => Promise<void>;
}

/** Waits between connection attempts: from the first, doubling up to the last. */
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 2000;

export interface EventFeed {
  /** Whether a subscription is open now (its snapshot arrived). */
  readonly connected: boolean;
  /** Ends the subscription for good. */
  close(): void;
}

/**
 * Subscribes to the monitor's events at `path` and keeps subscribed: after the connection ends
 * (the monitor restarted, or dropped us for reading too slowly) it reconnects and delivers a
 * fresh snapshot, so a client resyncs from it rather than from events it may have missed.
 */
export function connectEvents(path: string, handlers: FeedHandlers, opts: FeedOptions = {}): EventFeed {
  let closed = false;
  let connected = false;
  let socket: Socket | null = null;
  let timer: NodeJS.Timeout | null = null;
  let retry = RETRY_FIRST_MS;

  const scheduleRetry = (): void => {
    if (closed) return;
    timer = setTimeout(() => void attempt(), retry);
    retry = Math.min(retry * 2, RETRY_MAX_MS);
  };

  const attempt = async (): Promise<void> => {
    timer = null;
    if (closed) return;
    try {
      await opts.beforeConnect?.();
    } catch {
      /* the monitor could not be started now: the connection attempt says so */
    }
    if (closed) return;
    const s = createConnection(path);
    socket = s;
    let input = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write(`${JSON.stringify({ op: 'subscribe' } satisfies EventRequest)}\n`));
    s.on('data', (chunk: string) => {
      input += chunk;
      let nl: number;
      while ((nl = input.indexOf('\n')) >= 0) {
        const line = input.slice(0, nl);
        input = input.slice(nl + 1);
        let m: ServerMessage;
        try {
          m = JSON.parse(line) as ServerMessage;
        } catch {
          continue; // not ours to fail on: the next line stands alone
        }
        if (m.type === 'error') continue; // answers a bad request, which this client never sends
        if (m.type === 'snapshot') {
          connected = true;
          retry = RETRY_FIRST_MS;
        }
        if (!closed) handlers.message(m);
      }
    });
    // The monitor exited, dropped us for reading too slowly, or is not there yet: 'close' retries.
    s.on('error', () => undefined);
    s.on('close', () => {
      if (socket === s) socket = null;
      connected = false;
      scheduleRetry();
    });
  };

  void attempt();
  return {
    get connected() {
      return connected;
    },
    close() {
      closed = true;
      connected = false;
      if (timer) clearTimeout(timer);
      socket?.destroy();
    },
  };
}
