import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { viewJson, type SessionView } from './model.js';
import type { EventRequest, MonitorEvent, ServerMessage, SessionJson, SnapshotMessage } from './events.js';

/**
 * The monitor's local API, daemon side (the protocol is in events.ts). Each tick the daemon
 * hands over the views it has just published; this diffs them with the last ones and pushes one
 * message per change to every subscriber. Nothing here talks to tmux: a client costs the monitor
 * a write to its socket, never a tmux call.
 *
 * A client that does not read must not hold the monitor up or make it hoard memory: writes never
 * block (Node queues them), and a client whose queue passes MAX_QUEUED_BYTES is dropped. It
 * reconnects and starts again from a snapshot.
 */
export const MAX_QUEUED_BYTES = 4 << 20;
/** A request line longer than this is not a request: the client is dropped. */
const MAX_REQUEST_BYTES = 4096;

interface Client {
  socket: Socket;
  subscribed: boolean;
  /** Asked for a snapshot before the first tick: answered by it. */
  pending: 'snapshot' | 'subscribe' | null;
  input: string;
}

/** What a session is compared on to call it changed, apart from its state (reason and ages move every tick). */
function shapeOf(s: SessionJson): string {
  return JSON.stringify({ ...s, state: null, stateSince: null, reason: null, lastOutputAt: null });
}

export class EventServer {
  private seq = 0;
  private sessions: Map<string, { json: SessionJson; shape: string }> | null = null;
  private snapshot: SnapshotMessage | null = null;
  /** The current snapshot serialised: once per tick however many clients ask, never when none does. */
  private snapshotText: string | null = null;
  private readonly clients = new Set<Client>();

  private constructor(
    private readonly server: NetServer,
    readonly path: string,
    /** The socket file this daemon made (inode and change time: inodes are reused): only that one is removed at exit, never a successor's. */
    private readonly identity: string,
    private readonly log: (msg: string) => void,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /**
   * Listens on `path`, created 0600 (under the umask while binding, then chmod: the folder is
   * 0700 already). The caller holds the daemon's pid file, so a socket file already there is a
   * dead daemon's: it is replaced.
   */
  static async listen(path: string, log: (msg: string) => void): Promise<EventServer> {
    try {
      if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The bind happens inside listen(), synchronously: the umask covers it and nothing else.
      const umask = process.umask(0o177);
      try {
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      } finally {
        process.umask(umask);
      }
    });
    chmodSync(path, 0o600);
    return new EventServer(server, path, fileIdentity(path), log);
  }

  /** A tick's views: remembered for snapshots, diffed with the last tick's into events. */
  publish(views: SessionView[], at: number): void {
    const atIso = new Date(at).toISOString();
    const next = new Map<string, { json: SessionJson; shape: string }>();
    for (const v of views) {
      const json = viewJson(v);
      next.set(json.id, { json, shape: shapeOf(json) });
    }
    const events: MonitorEvent[] = [];
    const prev = this.sessions;
    if (prev) {
      for (const [id, { json, shape }] of next) {
        const before = prev.get(id);
        const base = { id, name: json.name, session: json, at: atIso };
        if (!before) events.push({ type: 'session-added', ...base, seq: ++this.seq });
        else {
          if (before.json.state !== json.state) {
            const { state, stateSince: since, reason } = json;
            events.push({ type: 'state', ...base, state, previous: before.json.state, since, reason, seq: ++this.seq });
          }
          if (before.shape !== shape) events.push({ type: 'session-changed', ...base, seq: ++this.seq });
        }
      }
      for (const [id, { json }] of prev) {
        if (!next.has(id)) events.push({ type: 'session-removed', id, name: json.name, at: atIso, seq: ++this.seq });
      }
    }
    this.sessions = next;
    this.snapshot = { type: 'snapshot', seq: this.seq, at: atIso, pid: process.pid, sessions: [...next.values()].map((s) => s.json) };
    this.snapshotText = null;
    for (const e of events) this.broadcast(line(e));
    for (const c of this.clients) {
      if (!c.pending) continue;
      this.send(c, this.snapshotLine(this.snapshot));
      c.subscribed = c.pending === 'subscribe';
      c.pending = null;
    }
  }

  /** Tells subscribers the monitor is leaving, ends every connection and removes the socket file. */
  async close(reason: string): Promise<void> {
    const bye = line({ type: 'monitor-exit', reason, at: new Date().toISOString(), seq: ++this.seq });
    const ended = [...this.clients].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.socket.once('close', () => resolve());
          if (c.subscribed) c.socket.end(bye);
          else c.socket.end();
        }),
    );
    this.server.close();
    // A client that does not read its last bytes does not keep the daemon from exiting.
    await Promise.race([Promise.all(ended), new Promise((r) => setTimeout(r, 300))]);
    for (const c of this.clients) c.socket.destroy();
    try {
      if (fileIdentity(this.path) === this.identity) unlinkSync(this.path);
    } catch {
      /* gone already */
    }
  }

  private accept(socket: Socket): void {
    const c: Client = { socket, subscribed: false, pending: null, input: '' };
    this.clients.add(c);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      c.input += chunk;
      let nl: number;
      while ((nl = c.input.indexOf('\n')) >= 0) {
        const text = c.input.slice(0, nl).trim();
        c.input = c.input.slice(nl + 1);
        if (text) this.request(c, text);
      }
      if (c.input.length > MAX_REQUEST_BYTES) this.drop(c, 'request too long');
    });
    // A client that vanished (closed, crashed, reset) is forgotten; its errors are not ours.
    socket.on('error', () => undefined);
    socket.on('close', () => this.clients.delete(c));
  }

  private request(c: Client, text: string): void {
    let op: EventRequest['op'] | undefined;
    try {
      op = (JSON.parse(text) as Partial<EventRequest>).op;
    } catch {
      /* answered below */
    }
    if (op !== 'snapshot' && op !== 'subscribe') {
      this.send(c, line({ type: 'error', message: 'send {"op":"snapshot"} or {"op":"subscribe"}, one JSON object per line' }));
      return;
    }
    if (!this.snapshot) {
      // Before the first tick: the first snapshot answers (a subscription wins over a snapshot).
      if (c.pending !== 'subscribe') c.pending = op;
      return;
    }
    this.send(c, this.snapshotLine(this.snapshot));
    if (op === 'subscribe') c.subscribed = true;
  }

  private snapshotLine(snapshot: SnapshotMessage): string {
    return (this.snapshotText ??= line(snapshot));
  }

  private broadcast(text: string): void {
    for (const c of this.clients) if (c.subscribed) this.send(c, text);
  }

  private send(c: Client, text: string): void {
    if (c.socket.destroyed) return;
    c.socket.write(text);
    if (c.socket.writableLength > MAX_QUEUED_BYTES) this.drop(c, `more than ${MAX_QUEUED_BYTES >> 20} MiB unread`);
  }

  private drop(c: Client, why: string): void {
    this.log(`event client dropped: ${why}`);
    this.clients.delete(c);
    c.socket.destroy();
  }
}

function line(m: ServerMessage): string {
  return `${JSON.stringify(m)}\n`;
}

function fileIdentity(path: string): string {
  const st = lstatSync(path, { bigint: true });
  return `${st.ino}:${st.ctimeNs}`;
}
