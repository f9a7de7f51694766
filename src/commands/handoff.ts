import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';
import { handoffSession, returnControl } from '../core/handoff.js';
import { dashboardUrl } from './share.js';

export class HandoffCommand extends AmuxCommand {
  static override paths = [['handoff']];
  static override usage = Command.Usage({
    description: 'hand a session to a person (takeover link), or return control to its agent',
    details: `
      Run inside an amux session (it reads AMUX_SESSION_ID), or name SESSION: marks it as waiting for a person and prints a takeover link to the dashboard. Whoever opens it holds control; until control returns, \`amux send\`, \`amux keys\`, the MCP server and other scripts are refused (code forbidden).

      \`--return SESSION\` gives control back: the agent is told so, with \`git diff --stat\` of its worktree since the handoff. The dashboard has a button for it too.
    `,
    examples: [
      ['From inside a session', "$0 handoff --reason 'needs a login in the browser'"],
      ['Give control back', '$0 handoff --return claude-auth'],
    ],
  });
  session = Option.String({ name: 'SESSION', required: false });
  reason = Option.String('--reason', { description: 'Why a person is needed' });
  ret = Option.String('--return', { description: 'Return control of this session to its agent' });
  note = Option.String('--note', { description: 'With --return: a short note for the agent' });
  expires = Option.String('--expires', '24h', { description: 'How long the takeover link works' });
  jsonOut = jsonOption('the result');

  async run(): Promise<number> {
    const ctx = await this.core();
    if (this.ret !== undefined) {
      const r = await returnControl(ctx, { session: this.ret, note: this.note });
      (await import('../web/auth.js')).endTakeoverLinks(r.id);
      if (this.jsonOut) this.json(r);
      else this.out(`control of ${r.session} is back with its agent${r.diffStat ? `; changes since the handoff:\n${r.diffStat}` : '; nothing changed in its worktree'}`);
      return 0;
    }
    const ref = this.session ?? process.env.AMUX_SESSION_ID ?? process.env.AMUX_SESSION;
    if (!ref) throw new UsageError('which session? run amux handoff inside an amux session, or name it: amux handoff SESSION');
    const { parseDuration } = await import('../util/duration.js');
    const ms = parseDuration(this.expires);
    if (ms === null || ms <= 0) throw new UsageError(`--expires takes a duration like 30m or 1h, got "${this.expires}"`);
    const h = await handoffSession(ctx, { session: ref, reason: this.reason });
    const { createShare } = await import('../web/auth.js');
    const { share, fragment } = createShare({ session: h.id, sessionName: h.session, readOnly: false, expiresMs: ms, handoff: true });
    const url = `${await dashboardUrl((m) => this.err(m))}/share#${fragment}`;
    if (this.jsonOut) this.json({ ...h, url, linkId: share.id });
    else {
      this.out(`${h.session} waits for a person${h.handoff.reason ? ` (${h.handoff.reason})` : ''}; scripts are refused until control returns.`);
      this.out(`take over: ${url}`);
    }
    return 0;
  }
}

export const commands = [HandoffCommand];
