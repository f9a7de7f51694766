/**
 * One subscription to the monitor's event stream for the whole server (`watchSessions`), fanned
 * out to every open dashboard over its WebSocket: a page gets a snapshot on connect, then each
 * event as the monitor pushes it. Nothing here polls tmux per client; while the monitor is not
 * reachable (none runs because there are no sessions yet, or it restarts) one shared poll of
 * the core's list stands in.
 */
import type { WebSocket } from 'ws';
import type { CoreContext } from '../core/context.js';
import type { Watch, WatchEvent, SessionJson } from '../core/watch.js';

const POLL_MS = 2000;

interface Client {
  ws: WebSocket;
  /** A share's session UUID: the only one it sees; null sees all. */
  only: string | null;
}

export class EventHub {
  private readonly sessions = new Map<string, SessionJson>();
  private readonly clients = new Set<Client>();
  private watch: Watch | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly ctx: CoreContext, private readonly log: (l: string) => void) {}

  async start(): Promise<void> {
    try {
      this.watch = await (await import('../core/watch.js')).watchSessions(this.ctx, (m) => this.onEvent(m));
    } catch (e) {
      this.log(`no event stream (${(e as Error).message}): polling instead`);
    }
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    await this.poll();
  }

  /** Only while no event stream flows. */
  private async poll(): Promise<void> {
    if (this.closed || this.watch?.connected) return;
    try {
      const { listSessions } = await import('../core/sessions.js');
      const r = await listSessions(this.ctx, { all: true });
      if (this.watch?.connected) return;
      const changed = r.sessions.length !== this.sessions.size || r.sessions.some((s) => JSON.stringify(this.sessions.get(s.id)) !== JSON.stringify(s));
      if (changed) this.onEvent({ type: 'snapshot', seq: 0, at: new Date().toISOString(), pid: 0, sessions: r.sessions } as WatchEvent);
    } catch {
      /* no server yet: nothing to show */
    }
  }

  private onEvent(m: WatchEvent): void {
    switch (m.type) {
      case 'snapshot':
        this.sessions.clear();
        for (const s of m.sessions) this.sessions.set(s.id, s);
        for (const c of this.clients) this.sendSnapshot(c);
        return;
      case 'state':
      case 'session-added':
      case 'session-changed':
        this.sessions.set(m.id, m.session);
        break;
      case 'session-removed':
        this.sessions.delete(m.id);
        break;
      default:
        break;
    }
    const text = JSON.stringify(m);
    for (const c of this.clients) if (c.only === null || ('id' in m && m.id === c.only)) c.ws.send(text);
  }

  private sendSnapshot(c: Client): void {
    const sessions = [...this.sessions.values()].filter((s) => c.only === null || s.id === c.only);
    c.ws.send(JSON.stringify({ type: 'snapshot', at: new Date().toISOString(), sessions }));
  }

  add(ws: WebSocket, only: string | null): void {
    const c: Client = { ws, only };
    this.clients.add(c);
    ws.on('close', () => this.clients.delete(c));
    // The page only listens: anything it sends is ignored.
    this.sendSnapshot(c);
  }

  close(): void {
    this.closed = true;
    this.watch?.close();
    if (this.timer) clearInterval(this.timer);
  }
}
