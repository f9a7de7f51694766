/**
 * `amux ps --host H` / `--all-hosts`: this machine's sessions (at once, from the local monitor)
 * and every host's, asked in parallel, each within its timeout. A host that does not answer keeps
 * its last sessions, marked `⚠ offline, seen 5m ago`.
 */
import { basename } from 'node:path';
import type { AmuxCommand } from './base.js';
import type { CoreContext } from '../core/context.js';
import { listSessions } from '../core/sessions.js';
import { hostSpecs, listHostSessions, type HostListing } from '../core/hosts.js';
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
  watch?: boolean;
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
  const { hosts: _h, allHosts: _a, timeout: _t, json: _j, watch: _w, ...filter } = o;
  const ask = (hosts?: string[]) => listHostSessions(ctx, { ...filter, ...(hosts ? { hosts } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  const local = () => (o.allHosts ? listSessions(ctx, filter) : Promise.resolve(null));
  if (o.watch) return watchHosts(cmd, ctx, o, local, ask);
  // This machine's sessions do not wait for any host.
  const [mine, { hosts }] = await Promise.all([local(), ask(o.hosts?.length ? o.hosts : undefined)]);
  cmd.context.stdout.write(render(o.json, mine, hosts));
  for (const h of hosts.filter((x) => !x.online)) cmd.err(`amux: host ${h.host} ${offlineNote(h)}`);
  return 0;
}

function render(json: boolean, mine: { sessions: SessionInfo[]; hidden: number } | null, hosts: HostListing[], asking: string[] = []): string {
  const rows: Row[] = [
    ...(mine?.sessions ?? []).map((s) => ({ ...s, host: null, online: true, seenAt: null })),
    ...hosts.flatMap((h) => h.sessions.map((s) => ({ ...s, host: h.host, online: h.online, seenAt: h.seenAt }))),
  ];
  if (json) return JSON.stringify(rows) + '\n';
  const hidden = (mine?.hidden ?? 0) + hosts.reduce((n, h) => n + h.hidden, 0);
  return formatHostRows(rows, hidden) + (asking.length ? `(asking ${asking.join(', ')}…)\n` : '');
}

/**
 * `--watch` with hosts: this machine's sessions are drawn at once and every second; each host is
 * asked again as soon as it answered (or timed out), on its own, so a slow host holds up no other
 * and its last listing stays on screen meanwhile.
 */
async function watchHosts(
  cmd: AmuxCommand,
  ctx: CoreContext,
  o: PsHostsOptions,
  local: () => Promise<{ sessions: SessionInfo[]; hidden: number } | null>,
  ask: (hosts?: string[]) => Promise<{ hosts: HostListing[] }>,
): Promise<number> {
  const names = o.hosts?.length ? o.hosts : (await hostSpecs(ctx)).map((h) => h.name);
  const latest = new Map<string, HostListing>();
  let stop = false;
  let wake: (() => void) | null = null;
  process.once('SIGINT', () => ((stop = true), wake?.()));
  const pending = new Set<string>();
  const poll = (name: string) => {
    if (pending.has(name) || stop) return;
    pending.add(name);
    void ask([name])
      .then(({ hosts }) => hosts.forEach((h) => latest.set(h.host, h)))
      .catch(() => undefined)
      .finally(() => {
        pending.delete(name);
        setTimeout(() => poll(name), 1000).unref();
        wake?.();
      });
  };
  names.forEach(poll);
  const tty = process.stdout.isTTY && !o.json;
  while (!stop) {
    const mine = await local();
    const hosts = names.flatMap((n) => latest.get(n) ?? []);
    const text = render(o.json, mine, hosts, names.filter((n) => !latest.has(n)));
    cmd.context.stdout.write(tty ? `\x1b[H\x1b[2J${new Date().toLocaleTimeString()}  amux ps --watch (Ctrl-C to quit)\n\n${text}` : text);
    if (stop) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => wake?.(), 1000);
      wake = () => ((wake = null), clearTimeout(timer), resolve());
    });
  }
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
