/**
 * A tmux control-mode client (`tmux -C`): one long-lived connection over stdio pipes that runs
 * commands for ~0.1 ms each instead of ~4 ms per `execFile`. See TMUX-FACTS.md, "Talking to tmux".
 *
 * - It attaches to a hidden session of its own (`new-session -A -s _amux-monitor`, running an
 *   inert `tail -f /dev/null`), never to an agent's session whose death would end it, with the
 *   client flag `no-output`: a control client that stops reading `%output` can stall panes.
 * - Every command is ONE line, every argument single-quoted (`'` written `'\''`), so words
 *   starting with `%` or `-`, `;`, `#`, `$`, `~` and spaces reach tmux literally. Arguments
 *   holding control characters (a newline would end the line) are double-quoted with escapes.
 *   An empty line is never written (it would detach the client).
 * - Replies come as `%begin T N F` … `%end|%error T N F` blocks, in the order commands were
 *   written: a FIFO of pending promises matches them. Blocks with flags 0 did not come from a
 *   command of ours (the attach's own reply, hooks) and are skipped by their flags, not their
 *   position.
 * - `%exit` (the session was killed, the server died, the client was detached) rejects every
 *   pending command and emits `exit`; the owner reconnects with a new client.
 * - `%subscription-changed` (see `subscribe`, `refresh-client -B`) is emitted as `subscription`.
 *   `%output` and other notifications are ignored (other notifications are emitted raw as
 *   `notification` for whoever listens).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { socketArgs, socketLabel, type SocketChoice } from './exec.js';
import { withExclusive } from './gate.js';
import { TmuxError } from './errors.js';
import { tmuxQuote } from '../util/quote.js';
import { tethered } from './tether.js';

export const MONITOR_SESSION = '_amux-monitor';

export interface ControlOptions {
  socket?: SocketChoice;
  /**
   * The session to attach to. With `create` (the default) it is created when missing
   * (`new-session -A`), running `command`; otherwise it must exist (`attach -t =NAME:`).
   */
  session?: string;
  create?: boolean;
  /** Start a tmux server when none runs (default true). The monitor passes false (`tmux -N`): it must never bring back a server that went away. */
  startServer?: boolean;
  /** The hidden session's program (default: an inert `tail -f /dev/null`). */
  command?: string;
  /** Environment of the tmux client process (and of a server it starts). */
  env?: NodeJS.ProcessEnv;
  /** Reject `connect()` when the first round trip takes longer (default 10 s). */
  connectTimeoutMs?: number;
}

export interface SubscriptionEvent {
  name: string;
  /** `$N` for the session the format was expanded in. */
  sessionId: string;
  /** `@N`, `-` for session-level subscriptions. */
  windowId: string;
  windowIndex: string;
  /** `%N`, `-` for session- and window-level subscriptions. */
  paneId: string;
  value: string;
}

interface Pending {
  args: readonly string[];
  resolve: (lines: string[]) => void;
  reject: (e: Error) => void;
}

/** The control client exited (or was closed) while a command was pending. */
export class ControlClosedError extends TmuxError {
  constructor(args: readonly string[], reason: string) {
    super(args, null, `control client closed: ${reason}`);
    this.name = 'ControlClosedError';
  }
}

/** tmux command-language quoting of one argument for a control-mode line. */
export function quoteControlArg(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f]/.test(s)) return tmuxQuote(s);
  // Double quotes allow escapes; `$` and `\` and `"` must be escaped in them.
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"' || ch === '$') out += '\\' + ch;
    else if (c < 0x20 || c === 0x7f) out += '\\' + c.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out + '"';
}

const BEGIN = /^%begin (\d+) (\d+) (\d+)$/;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export declare interface ControlClient {
  on(event: 'exit', listener: (reason: string) => void): this;
  on(event: 'subscription', listener: (ev: SubscriptionEvent) => void): this;
  on(event: 'notification', listener: (line: string) => void): this;
  once(event: 'exit', listener: (reason: string) => void): this;
  once(event: 'subscription', listener: (ev: SubscriptionEvent) => void): this;
}

export class ControlClient extends EventEmitter {
  readonly socket: SocketChoice;
  readonly session: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buf = '';
  /** The block being read: its closing lines and collected output. */
  private block: { end: string; error: string; ours: boolean; lines: string[] } | null = null;
  private exited: string | null = null;
  private sawAttach = false;
  private attachedResolve!: () => void;
  /** Resolves when the attach / new-session reply block ended well; never rejects. */
  private readonly attached = new Promise<void>((r) => (this.attachedResolve = r));
  private stderr = '';
  private readonly exitPromise: Promise<string>;
  /** The client's name (`client_name`), known after `connect()`. */
  clientName = '';

  /** Spawns the client and waits for its first round trip. */
  static connect(opts: ControlOptions = {}): Promise<ControlClient> {
    // tmux 3.3a can crash while a control client identifies itself: keep amux's commands out (gate.ts).
    return withExclusive(socketLabel(opts.socket ?? {}), () => ControlClient.connectNow(opts));
  }

  private static async connectNow(opts: ControlOptions): Promise<ControlClient> {
    const c = new ControlClient(opts);
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TmuxError(['-C'], null, `control client did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const lines = await Promise.race([c.command(['display-message', '-p', '#{client_name}']), timeout]);
      // The attach's own reply may come after ours: wait for it (briefly) so a failed attach
      // (a missing session) rejects here instead of exiting right after.
      await Promise.race([c.attached, sleep(500), timeout]);
      if (c.exited !== null) throw new ControlClosedError(['-C'], c.exited);
      c.clientName = lines[0] ?? '';
      // Our first command can run before the client's own attach has finished (the two race);
      // its name is then not known yet: ask again, now that the attach is done.
      for (let i = 0; i < 5 && !c.clientName; i++) {
        await sleep(20);
        c.clientName = (await Promise.race([c.command(['display-message', '-p', '#{client_name}']), timeout]))[0] ?? '';
      }
      return c;
    } catch (e) {
      c.kill();
      if (e instanceof ControlClosedError && c.stderr.trim()) throw new TmuxError(['-C'], null, c.stderr);
      throw e;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** Prefer `ControlClient.connect()`, which also waits until tmux answers. */
  constructor(opts: ControlOptions = {}) {
    super();
    this.socket = opts.socket ?? {};
    this.session = opts.session ?? MONITOR_SESSION;
    const create = opts.create ?? true;
    const argv = create
      ? ['-C', 'new-session', '-A', '-f', 'no-output', '-s', this.session, opts.command ?? 'exec tail -f /dev/null']
      : ['-C', 'attach-session', '-f', 'no-output', '-t', `=${this.session}:`];
    // Plain pipes: `-CC` needs a tty; `-C` works over pipes. Tethered: it never outlives us (tether.ts).
    const run = tethered(['tmux', ...socketArgs(this.socket), ...(opts.startServer === false ? ['-N'] : []), ...argv]);
    this.child = spawn(run.command, run.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => this.onData(d));
    this.child.stderr.on('data', (d: string) => {
      if (this.stderr.length < 8192) this.stderr += d;
    });
    this.child.stdin.on('error', () => {
      /* EPIPE after tmux went away: reported through 'exit' */
    });
    this.exitPromise = new Promise((resolve) => {
      this.child.on('error', (e: NodeJS.ErrnoException) => {
        this.finish(e.code === 'ENOENT' ? 'perl not found: amux runs its tmux control client through it (see tether.ts)' : e.message);
        resolve(this.exited!);
      });
      this.child.on('close', () => {
        this.finish(this.stderr.trim() || 'tmux control client ended');
        resolve(this.exited!);
      });
    });
  }

  /** True once the client has exited or been closed: make a new one. */
  get closed(): boolean {
    return this.exited !== null;
  }

  /** Number of commands written and not yet answered. */
  get inFlight(): number {
    return this.pending.length;
  }

  /**
   * Runs one tmux command (argv words, the command name first). Resolves to its output lines;
   * rejects with a TmuxError carrying tmux's message on `%error`, or a ControlClosedError.
   * Commands may be pipelined: call many, then await them.
   */
  command(args: readonly string[]): Promise<string[]> {
    if (this.exited !== null) return Promise.reject(new ControlClosedError(args, this.exited));
    if (args.length === 0) return Promise.reject(new TmuxError(args, null, 'empty command (an empty line would detach the client)'));
    const line = args.map(quoteControlArg).join(' ');
    return new Promise((resolve, reject) => {
      this.pending.push({ args, resolve, reject });
      this.child.stdin.write(line + '\n');
    });
  }

  /**
   * `refresh-client -B name:what:format`: tmux sends `%subscription-changed` (emitted as
   * `subscription`) when the expanded value changes, at most once a second. `what` is empty
   * for the attached session, `%N`/`@N` for one pane/window, `%*`/`@*` for all of them.
   * Use a session-level format with loops (`#{S:#{W:#{P:…}}}`) to watch the whole server.
   */
  subscribe(name: string, format: string, what = ''): Promise<string[]> {
    return this.command(['refresh-client', '-B', `${name}:${what}:${format}`]);
  }

  unsubscribe(name: string): Promise<string[]> {
    return this.command(['refresh-client', '-B', name]);
  }

  /** Ends the client (EOF on its stdin) and waits for it; pending commands are rejected. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.exited === null) {
      this.child.stdin.end();
      const t = setTimeout(() => this.kill(), timeoutMs);
      await this.exitPromise;
      clearTimeout(t);
    }
    this.finish('closed');
  }

  /** Waits for the client to exit; resolves to the reason. */
  waitExit(): Promise<string> {
    return this.exitPromise;
  }

  private kill(): void {
    try {
      this.child.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }

  private finish(reason: string): void {
    if (this.exited !== null) return;
    this.exited = reason;
    this.block = null;
    this.attachedResolve();
    const pending = this.pending.splice(0);
    for (const p of pending) p.reject(new ControlClosedError(p.args, reason));
    this.emit('exit', reason);
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let start = 0;
    for (;;) {
      const nl = this.buf.indexOf('\n', start);
      if (nl < 0) break;
      let line = this.buf.slice(start, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      start = nl + 1;
      this.onLine(line);
    }
    this.buf = start === 0 ? this.buf : this.buf.slice(start);
  }

  private onLine(line: string): void {
    const b = this.block;
    if (b) {
      if (line === b.end || line === b.error) {
        this.block = null;
        if (!b.ours) {
          // The first block not of ours is the attach / new-session itself: if it failed, the
          // client is not attached to anything (tmux exits right after): report why.
          if (!this.sawAttach) {
            this.sawAttach = true;
            if (line === b.error) this.finish(b.lines.join('\n') || 'attach failed');
            else this.attachedResolve();
          }
          return;
        }
        const p = this.pending.shift();
        if (!p) return;
        if (line === b.end) p.resolve(b.lines);
        else p.reject(new TmuxError(p.args, null, b.lines.join('\n') || 'command failed'));
        return;
      }
      if (b.ours || !this.sawAttach) b.lines.push(line);
      return;
    }
    if (line.charCodeAt(0) !== 37 /* % */) return;
    if (line.startsWith('%begin ')) {
      const m = BEGIN.exec(line);
      if (!m) return;
      const tail = `${m[1]} ${m[2]} ${m[3]}`;
      // Flags 1: the reply to a command this client wrote; 0: the attach itself, hooks, …
      const ours = m[3] !== '0';
      this.block = { end: `%end ${tail}`, error: `%error ${tail}`, ours, lines: [] };
      return;
    }
    if (line.startsWith('%output ') || line.startsWith('%extended-output ')) return;
    if (line.startsWith('%subscription-changed ')) {
      const ev = parseSubscription(line);
      if (ev) this.emit('subscription', ev);
      return;
    }
    if (line === '%exit' || line.startsWith('%exit ')) {
      this.finish(line.length > 6 ? line.slice(6) : 'tmux sent %exit');
      return;
    }
    if (this.listenerCount('notification') > 0) this.emit('notification', line);
  }
}

/** `%subscription-changed NAME $S @W IDX %P … : VALUE` */
export function parseSubscription(line: string): SubscriptionEvent | null {
  const rest = line.slice('%subscription-changed '.length);
  const parts: string[] = [];
  let i = 0;
  while (parts.length < 5) {
    const sp = rest.indexOf(' ', i);
    if (sp < 0) return null;
    parts.push(rest.slice(i, sp));
    i = sp + 1;
  }
  // Any further words up to a lone ':' are for future use.
  const sep = rest.indexOf(':', i);
  if (sep < 0) return null;
  let value = rest.slice(sep + 1);
  if (value.startsWith(' ')) value = value.slice(1);
  return { name: parts[0]!, sessionId: parts[1]!, windowId: parts[2]!, windowIndex: parts[3]!, paneId: parts[4]!, value };
}
