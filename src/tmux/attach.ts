/**
 * Attaching a person's terminal to a session, the way the situation asks. Inside tmux: a popup
 * over the client we run in, holding a nested client of amux's server (the same server or
 * another), so detaching (prefix d) closes the popup and leaves the person where they were —
 * measured on tmux 3.3a: the popup takes the prefix key, the outer client stays. `switch` asks
 * for `switch-client` instead (prefix L, tmux's last-session key, goes back). Outside tmux, or
 * with no client to show a popup on: a plain attach in this terminal. One implementation for
 * `amux attach`, `run`, `connect` and the TUI. (display-popup runs its command as given: no format expansion.)
 */
import { Server } from './server.js';
import { resolveSocket, runInTerminal, socketLabel, tmuxProcess, type TmuxProcess } from './exec.js';
import { AmuxError } from '../util/errors.js';
import { shQuote } from '../util/quote.js';
import { messageLiteral } from './formats.js';

/** Whether the tmux client we run inside ($TMUX) talks to `server`. */
export function insideSameServer(server: Server, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.TMUX) return false;
  const ours = env.TMUX.split(',')[0];
  return !!ours && socketLabel({ path: ours }, env) === server.label;
}

export interface AttachOptions {
  /** A read-only client (the popup's and the plain attach). */
  readOnly?: boolean;
  /** Inside tmux on the same server: switch the client instead of opening a popup. */
  switch?: boolean;
  /**
   * Hands the terminal to a tmux client until it exits; resolves to its exit code. The default
   * runs it with inherited stdio and needs stdin to be a terminal; a full-screen program passes
   * its own (the TUI leaves and restores its screen around it).
   */
  handOver?: (client: TmuxProcess) => Promise<number>;
}

export interface AttachResult {
  /** `switched`: the client we run in now shows the session; `popup`/`attached`: we are back after a detach. */
  how: 'switched' | 'popup' | 'attached';
  /** The tmux client's exit code (0 for a switch). */
  code: number;
}

async function switchTo(server: Server, sessionId: string): Promise<AttachResult> {
  await server.run(['switch-client', '-t', sessionId]);
  await server.run(['display-message', '-d', '4000', messageLiteral('amux: prefix L goes back to the session you came from')]).catch(() => undefined);
  return { how: 'switched', code: 0 };
}

export async function attachSession(server: Server, sessionId: string, opts: AttachOptions = {}): Promise<AttachResult> {
  const env = process.env;
  const attach = ['attach-session', ...(opts.readOnly ? ['-r'] : []), '-t', sessionId];
  // The nested client must not take the $TMUX of the client it runs in for its own server.
  const childEnv = { ...env };
  delete childEnv.TMUX;
  if (env.TMUX) {
    const same = insideSameServer(server, env);
    if (same && opts.switch) return switchTo(server, sessionId);
    // A popup on the server we run in holds a nested client of amux's server; it closes on detach.
    const nested = tmuxProcess(server.socket, attach, childEnv);
    const inner = ['env', '-u', 'TMUX', nested.file, ...nested.args].map(shQuote).join(' ');
    const outer = same ? server : new Server(resolveSocket({ TMUX: env.TMUX }));
    const popped = await outer.run(['display-popup', '-E', '-B', '-w', '100%', '-h', '100%', inner]).then(
      () => true,
      () => false,
    );
    if (popped) return { how: 'popup', code: 0 };
    // No client to show a popup on: switch when we can, else attach in this terminal.
    if (same) return switchTo(server, sessionId);
  }
  const client = tmuxProcess(server.socket, attach, childEnv);
  if (opts.handOver) return { how: 'attached', code: await opts.handOver(client) };
  if (!process.stdin.isTTY) throw new AmuxError('attach needs a terminal (stdin is not a TTY)');
  return { how: 'attached', code: await runInTerminal(client) };
}

/**
 * The tmux client a browser terminal runs in its PTY (src/web/terminal.ts): UTF-8 (`-u`), and
 * `-f ignore-size` so a small viewer never shrinks the window of the person at the real
 * terminal (tmux 3.3a sizes a window to its latest client otherwise). A viewer also gets `-r`:
 * tmux itself drops its keys. The window is never resized (resize-window would pin it to
 * `window-size manual`).
 */
export function browserAttach(server: Server, sessionId: string, opts: { readOnly: boolean; env?: NodeJS.ProcessEnv }): TmuxProcess {
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env), TERM: 'xterm-256color' };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const p = tmuxProcess(server.socket, ['attach-session', ...(opts.readOnly ? ['-r'] : []), '-f', 'ignore-size', '-t', sessionId], env);
  return { ...p, args: ['-u', ...p.args] };
}
