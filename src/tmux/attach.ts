/**
 * Attaching a person's terminal to a session, the way the situation asks: `switch-client` inside
 * tmux on the same server; a popup on the user's own server holding a nested client of ours when
 * amux uses another server; a plain attach outside tmux (or when there is no client to show a
 * popup on). One implementation for `amux attach`, `run`, `connect` and the TUI.
 */
import { Server } from './server.js';
import { resolveSocket, runInTerminal, socketLabel, tmuxProcess, type TmuxProcess } from './exec.js';
import { AmuxError } from '../util/errors.js';
import { shQuote } from '../util/quote.js';

/** Whether the tmux client we run inside ($TMUX) talks to `server`. */
export function insideSameServer(server: Server, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.TMUX) return false;
  const ours = env.TMUX.split(',')[0];
  return !!ours && socketLabel({ path: ours }, env) === server.label;
}

export interface AttachOptions {
  /** A read-only client (the popup's and the plain attach). */
  readOnly?: boolean;
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

export async function attachSession(server: Server, sessionId: string, opts: AttachOptions = {}): Promise<AttachResult> {
  const env = process.env;
  const attach = ['attach-session', ...(opts.readOnly ? ['-r'] : []), '-t', sessionId];
  // The nested client must not take the $TMUX of the client it runs in for its own server.
  const childEnv = { ...env };
  delete childEnv.TMUX;
  if (env.TMUX) {
    if (insideSameServer(server, env)) {
      await server.run(['switch-client', '-t', sessionId]);
      return { how: 'switched', code: 0 };
    }
    // amux's server is not the one we run in: a popup on ours holds a nested client of amux's.
    const nested = tmuxProcess(server.socket, attach, childEnv);
    const inner = ['env', '-u', 'TMUX', nested.file, ...nested.args].map(shQuote).join(' ');
    const outer = new Server(resolveSocket({ TMUX: env.TMUX }));
    const popped = await outer.run(['display-popup', '-E', '-w', '90%', '-h', '90%', inner]).then(
      () => true,
      () => false,
    );
    if (popped) return { how: 'popup', code: 0 };
    // No client to show a popup on: attach in this terminal instead, as outside tmux.
  }
  const client = tmuxProcess(server.socket, attach, childEnv);
  if (opts.handOver) return { how: 'attached', code: await opts.handOver(client) };
  if (!process.stdin.isTTY) throw new AmuxError('attach needs a terminal (stdin is not a TTY)');
  return { how: 'attached', code: await runInTerminal(client) };
}

/**
 * Hands the terminal to another program (an `ssh -t` to a session on another machine): inside
 * tmux, in a popup on the client we run in when it can show one; otherwise (outside tmux, or no
 * client to show a popup on) in this terminal. Resolves to the program's exit code (0 for a popup).
 */
export async function runCommandInTerminal(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const childEnv = { ...env };
  delete childEnv.TMUX;
  delete childEnv.TMUX_PANE;
  if (env.TMUX) {
    const outer = new Server(resolveSocket({ TMUX: env.TMUX }));
    const popped = await outer.run(['display-popup', '-E', '-w', '90%', '-h', '90%', argv.map(shQuote).join(' ')]).then(
      () => true,
      () => false,
    );
    if (popped) return 0;
  }
  if (!process.stdin.isTTY) throw new AmuxError('attach needs a terminal (stdin is not a TTY)');
  return runInTerminal({ file: argv[0]!, args: argv.slice(1), env: childEnv });
}
