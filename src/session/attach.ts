import type { Server } from '../tmux/server.js';
import { attachSession } from '../tmux/attach.js';
import type { SessionRecord } from './types.js';

/**
 * Attaches the terminal to a session's tmux session (switch, popup or plain attach: see
 * tmux/attach.ts). Returns tmux's exit code.
 */
export async function attachTo(server: Server, rec: SessionRecord, opts: { readOnly?: boolean } = {}): Promise<number> {
  return (await attachSession(server, rec.tmux.sessionId, opts)).code;
}
