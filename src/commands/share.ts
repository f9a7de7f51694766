import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';
import { getSession } from '../core/sessions.js';

/** The base URL of the running dashboard (or the default one, with a warning). */
export async function dashboardUrl(warn: (m: string) => void): Promise<string> {
  const { readServerInfo } = await import('../web/auth.js');
  const info = readServerInfo();
  if (info) return info.url;
  warn('amux: amux serve is not running: the link works once it does (on its default port)');
  return 'http://127.0.0.1:7878';
}

export class ShareCommand extends AmuxCommand {
  static override paths = [['share']];
  static override usage = Command.Usage({
    description: 'share one session in the browser: a view link and a drive link',
    details: `
      Prints links to the dashboard of the running \`amux serve\` that show only SESSION. The secret sits in the URL's \`#\` fragment, which browsers never send in requests; amux keeps only its hash. The view link is read-only (enforced by the server); the drive link may type. Links expire (\`--expires\`, default 24h) and \`--revoke\` ends them at once.
    `,
    examples: [
      ['View and drive links for a session', '$0 share claude-auth'],
      ['A view link for one hour', '$0 share claude-auth --read-only --expires 1h'],
      ['List the links', '$0 share --list'],
      ['Revoke one link, or every link of a session', '$0 share --revoke 3f2a9c1e01'],
    ],
  });
  session = Option.String({ name: 'SESSION', required: false });
  readOnly = Option.Boolean('--read-only', false, { description: 'Only the view link' });
  expires = Option.String('--expires', '24h', { description: 'How long the links work (30m, 1h, 7d)' });
  list = Option.Boolean('--list', false, { description: 'List the share links' });
  revoke = Option.String('--revoke', { description: 'Revoke a link by id, or every link of a session' });
  jsonOut = jsonOption('the links');

  async run(): Promise<number> {
    const auth = await import('../web/auth.js');
    if (this.list) {
      const all = auth.listShares().map(({ hash: _h, ...s }) => s);
      if (this.jsonOut) this.json({ shares: all });
      else if (all.length === 0) this.out('no share links');
      else for (const s of all) this.out(`${s.id}\t${s.sessionName}\t${s.handoff ? 'takeover' : s.readOnly ? 'view' : 'drive'}\t${s.expired ? 'expired' : s.expiresAt ? `until ${s.expiresAt}` : 'no expiry'}`);
      return 0;
    }
    if (this.revoke !== undefined) {
      const ref = this.revoke;
      let n = auth.revokeShares((s) => s.id === ref);
      if (n === 0) {
        const s = await getSession(await this.core(), { session: ref });
        n = auth.revokeShares((x) => x.session === s.id);
      }
      if (n === 0) throw new UsageError(`no share link ${ref}`);
      this.err(`amux: ${n} share link(s) revoked`);
      return 0;
    }
    if (!this.session) throw new UsageError('which session? amux share SESSION (or --list, --revoke ID)');
    const ms = parseDuration(this.expires);
    if (ms === null || ms <= 0) throw new UsageError(`--expires takes a duration like 30m, 1h or 7d, got "${this.expires}"`);
    const s = await getSession(await this.core(), { session: this.session });
    const base = await dashboardUrl((m) => this.err(m));
    const links: { id: string; mode: 'view' | 'drive'; url: string; expiresAt: string | null }[] = [];
    for (const mode of this.readOnly ? (['view'] as const) : (['view', 'drive'] as const)) {
      const { share, fragment } = auth.createShare({ session: s.id, sessionName: s.name, readOnly: mode === 'view', expiresMs: ms });
      links.push({ id: share.id, mode, url: `${base}/share#${fragment}`, expiresAt: share.expiresAt });
    }
    if (this.jsonOut) this.json({ session: s.name, links });
    else for (const l of links) this.out(`${l.mode}: ${l.url}`);
    return 0;
  }
}

export const commands = [ShareCommand];
