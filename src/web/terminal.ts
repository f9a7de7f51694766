/**
 * Browser terminals: each is a PTY (`@lydell/node-pty`, prebuilt) running the tmux client the
 * core gives (`browserTerminal`: `-u`, `-f ignore-size`, `-r` for a viewer), bridged to one
 * WebSocket. Output goes to the page as binary frames; the page sends JSON text frames: input,
 * a resize (of this client only: the window keeps the size of the person at the real terminal),
 * or a key-bar press, answered with whether it was applied. A read-only terminal drops input
 * here, on the server, besides tmux's own `-r`.
 */
import { createRequire } from 'node:module';
import type { WebSocket } from 'ws';
import type { IPty } from '@lydell/node-pty';
import type { CoreContext } from '../core/context.js';
import { AmuxError } from '../util/errors.js';

/** What each key-bar key types. */
export const KEY_BAR: Record<string, string> = {
  Escape: '\x1b',
  Tab: '\t',
  BTab: '\x1b[Z',
  'C-c': '\x03',
  Up: '\x1b[A',
  Down: '\x1b[B',
  Right: '\x1b[C',
  Left: '\x1b[D',
  Enter: '\r',
  '1': '1',
  '2': '2',
  '3': '3',
};

/** Output waiting in a socket beyond this pauses the PTY until it drains. */
const HIGH_WATER = 1 << 20;

type ClientMessage = { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number } | { type: 'key'; key: string; id?: number };

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Math.floor(n)));

export class Terminal {
  /** Input frames dropped because this terminal is read-only. */
  dropped = 0;

  constructor(
    readonly session: string,
    readonly id: string,
    readonly readOnly: boolean,
    private readonly pty: IPty,
    private readonly onEnd: () => void,
  ) {}

  bind(ws: WebSocket): void {
    const pty = this.pty;
    let paused = false;
    ws.send(JSON.stringify({ type: 'hello', session: this.session, id: this.id, readOnly: this.readOnly }));
    pty.onData((d) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(Buffer.from(d, 'utf8'));
      if (!paused && ws.bufferedAmount > HIGH_WATER) {
        paused = true;
        pty.pause();
        const wait = setInterval(() => {
          if (ws.readyState !== ws.OPEN || ws.bufferedAmount < HIGH_WATER / 4) {
            clearInterval(wait);
            paused = false;
            pty.resume();
          }
        }, 20);
      }
    });
    pty.onExit(() => {
      if (ws.readyState === ws.OPEN) ws.close(1000, 'the terminal ended');
    });
    ws.on('message', (raw, isBinary) => {
      let m: ClientMessage;
      try {
        m = JSON.parse(isBinary ? Buffer.from(raw as Buffer).toString('utf8') : String(raw)) as ClientMessage;
      } catch {
        return;
      }
      if (typeof m !== 'object' || m === null) return;
      if (m.type === 'resize') {
        // The client's size only: with ignore-size the window is not resized.
        if (Number.isFinite(m.cols) && Number.isFinite(m.rows)) pty.resize(clamp(m.cols, 2, 500), clamp(m.rows, 2, 200));
        return;
      }
      if (m.type === 'key') {
        const seq = typeof m.key === 'string' && Object.hasOwn(KEY_BAR, m.key) ? KEY_BAR[m.key] : undefined;
        const reply = (applied: boolean, why?: string) => ws.send(JSON.stringify({ type: 'key', id: m.id ?? null, key: m.key, applied, ...(why ? { why } : {}) }));
        if (seq === undefined) return reply(false, 'not a key-bar key');
        if (this.readOnly) {
          this.dropped++;
          return reply(false, 'read-only');
        }
        pty.write(seq);
        return reply(true);
      }
      if (m.type === 'input' && typeof m.data === 'string') {
        if (this.readOnly) {
          this.dropped++;
          if (this.dropped === 1) ws.send(JSON.stringify({ type: 'dropped', why: 'read-only: input is not sent' }));
          return;
        }
        pty.write(m.data);
      }
    });
    ws.on('close', () => this.end());
  }

  end(): void {
    try {
      this.pty.kill();
    } catch {
      /* gone */
    }
    this.onEnd();
  }
}

export class TerminalSet {
  private readonly live = new Set<Terminal>();
  /** Opening ones count against the cap too. */
  private pending = 0;

  constructor(private readonly ctx: CoreContext, private readonly max: number) {}

  get size(): number {
    return this.live.size + this.pending;
  }

  hasRoom(): boolean {
    return this.size < this.max;
  }

  async open(session: string, readOnly: boolean, cols: number, rows: number): Promise<Terminal> {
    if (!this.hasRoom()) throw new AmuxError(`too many terminals open (the most is ${this.max})`, { code: 'limit' });
    this.pending++;
    try {
      const { browserTerminal } = await import('../core/terminal.js');
      const t = await browserTerminal(this.ctx, { session, readOnly });
      const pty = loadPty().spawn(t.process.file, t.process.args, {
        name: 'xterm-256color',
        cols: clamp(cols, 2, 500),
        rows: clamp(rows, 2, 200),
        cwd: process.env.HOME ?? '/',
        env: t.process.env as Record<string, string>,
      });
      let ended = false;
      const term = new Terminal(t.session, t.id, readOnly, pty, () => {
        if (ended) return;
        ended = true;
        this.live.delete(term);
      });
      pty.onExit(() => term.end());
      this.live.add(term);
      return term;
    } finally {
      this.pending--;
    }
  }

  closeAll(): void {
    for (const t of [...this.live]) t.end();
  }
}

let pty: typeof import('@lydell/node-pty') | null = null;
/** node-pty is a native module: loaded on first use, from the installed package. */
function loadPty(): typeof import('@lydell/node-pty') {
  return (pty ??= createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty'));
}
