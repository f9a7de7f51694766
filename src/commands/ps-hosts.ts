/**
 * `amux ps --host H` / `--all-hosts`: this machine's sessions (at once, from the local monitor)
 * and every host's, asked in parallel, each within its timeout. A host that does not answer keeps
 * its last sessions, marked `⚠ offline, seen 5m ago`.
 */
import { basename } from 'node:path';
import type { AmuxCommand } from './base.js';
import type { CoreContext } from '../core/context.js';
import { listSessions } from '../core/sessions.js';
import { listHostSessions, type HostListing } from '../core/hosts.js';
import type { SessionInfo } from '../state/model.js';
import type { ViewFilter } from '../state/select.js';
import { UsageError } from '../util/errors.js';
import { formatAge, parseDuration } from '../util/duration.js';
import { renderTable, truncate } from '../util/table.js';
import { stateWord, lastOutputText } from '../state/present.js';

export interface PsHostsOptions extends ViewFilter {
  here?: boolean;
  hosts?: string[];
  allHosts: boolean;
  timeout?: string;
  json: boolean;
}

/** A session of any machine as `ps` lists it: `host` null for this one. */
type Row = SessionInfo & { host: string | null; online: boolean; seenAt: string | null };

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

/** `⚠ offline, seen 5m ago` (or never). */
export function offlineWord(seenAt: string | null, now = Date.now()): string {
  return `⚠ offline, ${seenAt ? `seen ${formatAge(now - Date.parse(seenAt))} ago` : 'never seen'}`;
}

export async function psHosts(cmd: AmuxCommand, ctx: CoreContext, o: PsHostsOptions): Promise<number> {
  let timeoutMs: number | undefined;
  if (o.timeout !== undefined) {
    const d = parseDuration(o.timeout);
    if (d === null || d < 100) throw new UsageError(`--timeout takes a duration like 5s or 800ms, got "${o.timeout}"`);
    timeoutMs = d;
  }
  if (o.hosts?.length && o.allHosts) throw new UsageError('give --host H or --all-hosts, not both');
  const { hosts: _h, allHosts: _a, timeout: _t, json: _j, ...filter } = o;
  // This machine's sessions do not wait for any host.
  const local = o.allHosts ? listSessions(ctx, filter) : Promise.resolve(null);
  const remote = listHostSessions(ctx, { ...filter, ...(o.hosts?.length ? { hosts: o.hosts } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  const [mine, { hosts }] = await Promise.all([local, remote]);
  const rows: Row[] = [
    ...(mine?.sessions ?? []).map((s) => ({ ...s, host: null, online: true, seenAt: null })),
    ...hosts.flatMap((h) => h.sessions.map((s) => ({ ...s, host: h.host, online: h.online, seenAt: h.seenAt }))),
  ];
  if (o.json) cmd.json(rows);
  else {
    const hidden = (mine?.hidden ?? 0) + hosts.reduce((n, h) => n + h.hidden, 0);
    cmd.context.stdout.write(formatHostRows(rows, hidden));
  }
  for (const h of hosts.filter((x) => !x.online)) cmd.err(`amux: host ${h.host} ${offlineNote(h)}`);
  return 0;
}

function offlineNote(h: HostListing): string {
  const seen = h.seenAt ? `showing its ${h.sessions.length} session(s) as seen ${formatAge(Date.now() - Date.parse(h.seenAt))} ago` : 'never seen';
  return `is offline (${h.error ?? 'no answer'}); ${seen}`;
}

export function formatHostRows(rows: Row[], hidden = 0, now = Date.now()): string {
  if (rows.length === 0) {
    return hidden > 0 ? `no sessions match (${hidden} hidden: exited, lost, archived or filtered out; --all shows every one)\n` : 'no amux sessions on these machines\n';
  }
  const table = rows.map((s) => {
    const state = s.online
      ? stateWord({ state: s.state, exitCode: s.exitCode, exitSignal: s.exitSignal, stateSince: ms(s.stateSince) }, now)
      : offlineWord(s.seenAt, now);
    return [
      s.host ?? '-',
      truncate(s.host ? `${s.host}:${s.name}` : s.name, 40),
      s.id.slice(0, 8),
      truncate(s.agent, 16),
      truncate(basename(s.project), 20),
      truncate(s.workspace ?? '-', 20),
      state,
      formatAge(now - Date.parse(s.createdAt)),
      s.online ? lastOutputText({ lastOutputAt: ms(s.lastOutputAt) }, now) : '-',
    ];
  });
  return renderTable(['HOST', 'NAME', 'ID', 'AGENT', 'PROJECT', 'WORKSPACE', 'STATE', 'AGE', 'LAST OUTPUT'], table);
}
