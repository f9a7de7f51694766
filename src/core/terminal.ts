/**
 * A browser terminal's tmux client (the web server runs it in a PTY): the live session named by
 * its stamped pane, attached so that the person at the real terminal is never disturbed (see
 * `browserAttach` in src/tmux/attach.ts). In-process surfaces only, like attachView.
 */
import type { CoreContext } from './context.js';
import { AmuxError } from '../util/errors.js';
import type { TmuxProcess } from '../tmux/exec.js';

export async function browserTerminal(ctx: CoreContext, input: { session: string; readOnly: boolean }): Promise<{ session: string; id: string; process: TmuxProcess }> {
  const { resolveView } = await import('./sessions.js');
  const v = await resolveView(ctx, input.session);
  if (!v.pane || v.pane.paneDead) {
    throw new AmuxError(`${v.record.name} ${v.pane ? 'has exited' : 'is lost'}: there is no terminal to open`, { code: 'not_live' });
  }
  const { browserAttach } = await import('../tmux/attach.js');
  return { session: v.record.name, id: v.record.id, process: browserAttach(ctx.server, v.pane.sessionId, { readOnly: input.readOnly, env: ctx.env }) };
}
