import type { Server } from '../tmux/server.js';
import { execTmuxInteractive, resolveSocket, socketArgs, socketLabel } from '../tmux/exec.js';
import type { SessionRecord } from './types.js';
import { AmuxError } from '../util/errors.js';
import { shQuote } from '../util/quote.js';

/** Whether the tmux client we run inside ($TMUX) talks to `server`. */
export function insideSameServer(server: Server, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.TMUX) return false;
  const ours = env.TMUX.split(',')[0];
  return !!ours && socketLabel({ path: ours }, env) === server.label;
}

/**
 * Attaches to a session the way the situation asks: `switch-client` inside tmux on the same
 * server; a popup holding a nested attach when amux uses another server; a plain attach
 * outside tmux. Returns tmux's exit code.
 */
export async function attachTo(server: Server, rec: SessionRecord, opts: { readOnly?: boolean } = {}): Promise<number> {
  const target = rec.tmux.sessionId;
  const env = process.env;
  if (env.TMUX) {
    if (insideSameServer(server, env)) {
      return execTmuxInteractive(server.socket, ['switch-client', '-t', target]);
    }
    // Another server: a popup on the user's own server runs a nested client of ours.
    const outer = resolveSocket({ TMUX: env.TMUX });
    const inner = ['tmux', ...socketArgs(server.socket), 'attach-session', ...(opts.readOnly ? ['-r'] : []), '-t', target];
    return execTmuxInteractive(outer, ['display-popup', '-E', '-w', '90%', '-h', '90%', inner.map(shQuote).join(' ')]).catch(() =>
      execTmuxInteractive(server.socket, ['attach-session', '-t', target]),
    );
  }
  if (!process.stdin.isTTY) throw new AmuxError('attach needs a terminal (stdin is not a TTY)');
  return execTmuxInteractive(server.socket, ['attach-session', ...(opts.readOnly ? ['-r'] : []), '-t', target]);
}
