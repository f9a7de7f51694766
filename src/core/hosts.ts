/**
 * Other machines: hosts reached over SSH (the config's `hosts:`), each running its own amux.
 * A remote session's state is decided by that machine's monitor; this side only asks, over one
 * reused SSH connection per host, with one round trip per request: the remote amux reads a JSON
 * request `{op, input, cwd}` on its standard input (`amux host serve`) and answers with one JSON
 * line. Nothing a user typed is ever on the remote command line (which is a fixed
 * `amux host serve`, quoted for the remote shell): names, prompts and environment values travel
 * in the request.
 *
 * `HOST:SESSION` names a session on a host; every core operation on one session hands such a
 * reference to `viaHost`. Listings (`listHostSessions`) ask every host in parallel, each within
 * its timeout, keep each host's last good listing under AMUX_HOME, and show a host that does not
 * answer with its last sessions, marked offline with when they were seen.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CoreContext } from './context.js';
import { AmuxError, NotFoundError, UsageError, type ErrorCode } from '../util/errors.js';
import { homeDir } from '../util/paths.js';
import type { SessionInfo } from '../state/model.js';
import type { ViewFilter } from '../state/select.js';
import type { HostConfig } from '../config/types.js';
import { DEFAULT_HOST_TIMEOUT_MS, HOST_NAME, parseTarget, type HostSpec } from '../hosts/target.js';

export type { HostSpec };

/** What a remote amux answers to (`amux host serve`). */
export const REMOTE_OPS = [
  'version',
  'listSessions',
  'getSession',
  'stopSession',
  'removeSession',
  'sendKeys',
  'captureSession',
  'sendPrompt',
  'awaitSession',
  'explainSession',
  'readLogs',
  'startSessions',
] as const;
export type RemoteOp = (typeof REMOTE_OPS)[number];

export interface RemoteRequest {
  op: RemoteOp;
  input?: Record<string, unknown>;
  /** The folder the remote operation runs in (the host's `dir`). */
  cwd?: string;
}

/** `HOST:SESSION` → its parts; null for a local reference (session names and ids never hold ':'). */
export function splitHostRef(ref: string): { host: string; session: string } | null {
  const i = ref.indexOf(':');
  if (i < 0) return null;
  return { host: ref.slice(0, i), session: ref.slice(i + 1) };
}

function specOf(name: string, h: HostConfig): HostSpec {
  return { name, ssh: h.ssh, ...(h.amux ? { amux: h.amux } : {}), ...(h.identity ? { identity: h.identity } : {}), ...(h.dir ? { dir: h.dir } : {}), timeoutMs: h.timeout ?? DEFAULT_HOST_TIMEOUT_MS };
}

/** Every configured host. */
export async function hostSpecs(ctx: CoreContext): Promise<HostSpec[]> {
  const hosts = (await ctx.config()).hosts ?? {};
  return Object.entries(hosts).map(([n, h]) => specOf(n, h));
}

/** One configured host by name; not_found (with how to add it) otherwise. */
export async function hostSpec(ctx: CoreContext, name: string): Promise<HostSpec> {
  const h = ((await ctx.config()).hosts ?? {})[name];
  if (!h) {
    const known = Object.keys((await ctx.config()).hosts ?? {});
    throw new NotFoundError(`no host "${name}"${known.length ? ` (hosts: ${known.join(', ')})` : ''}`, {
      hint: `amux host add ${HOST_NAME.test(name) ? name : 'NAME'} --ssh user@host`,
    });
  }
  return specOf(name, h);
}

// ---------------------------------------------------------------------------------------------
// One request to a host

/** The shape of a remote failure, as `amux host serve` reports it. */
interface RemoteError {
  code: ErrorCode;
  message: string;
  hint?: string;
}

function lastLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}

/**
 * Sends one request to the host's amux and returns its result. Failures are AmuxErrors that say
 * where it failed: the host could not be reached, amux is not installed there, it answered too
 * late, or the operation itself failed there (its own code, the host named in the message).
 */
export async function callHost<T>(ctx: CoreContext, host: HostSpec, op: RemoteOp, input: Record<string, unknown> = {}, opts: { timeoutMs?: number; progress?: boolean } = {}): Promise<T> {
  const { sshCall, closeMaster } = await import('../hosts/ssh.js');
  const req: RemoteRequest = { op, input, ...(host.dir ? { cwd: host.dir } : {}) };
  const progress = opts.progress ? ctx.observer.progress : undefined;
  const r = await sshCall(host, ['host', 'serve'], {
    input: JSON.stringify(req) + '\n',
    timeoutMs: opts.timeoutMs,
    env: ctx.env,
    onStderrLine: progress ? (l) => l.trim() && progress(`${host.name}: ${l}`) : undefined,
  });
  const dest = parseTarget(host.ssh)?.destination ?? host.ssh;
  if (r.timedOut) {
    // A master whose link died would hold every later call too: the next one starts afresh.
    await closeMaster(host, ctx.env);
    throw new AmuxError(`host ${host.name} (${host.ssh}) did not answer within ${Math.round((opts.timeoutMs ?? 0) / 100) / 10}s`, { code: 'timeout', hint: `amux host check ${host.name}` });
  }
  const answer = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (answer) {
    let msg: { ok: boolean; result?: T; error?: RemoteError };
    try {
      msg = JSON.parse(answer) as typeof msg;
    } catch {
      throw new AmuxError(`host ${host.name} answered something that is not amux's: ${answer.slice(0, 200)}`, { code: 'failed' });
    }
    if (msg.ok) return msg.result as T;
    const e = msg.error ?? { code: 'failed', message: 'failed' };
    throw new AmuxError(`${host.name}: ${e.message}`, { code: e.code, ...(e.hint ? { hint: `on ${host.name}: ${e.hint}` } : {}) });
  }
  const why = lastLine(r.stderr) || lastLine(r.stdout);
  const amux = host.amux ?? 'amux';
  if (r.code === 255) {
    throw new AmuxError(`cannot reach host ${host.name} (${host.ssh}): ${why.replace(/^ssh: /, '') || 'ssh failed'}`, { code: 'failed', hint: `amux host check ${host.name}` });
  }
  if (/Unknown Syntax Error/.test(r.stdout + r.stderr)) {
    throw new AmuxError(`the amux on ${host.name} is too old to serve requests (no "amux host serve")`, { code: 'failed', hint: `update it there: ssh ${dest} 'npm install -g amux'` });
  }
  if (r.code === 127 || r.code === 126 || /command not found|No such file or directory/i.test(why)) {
    throw new AmuxError(`amux is not installed on ${host.name} (${dest}): ${why || `"${amux}" not found`}`, {
      code: 'failed',
      hint: `install it there: ssh ${dest} 'npm install -g amux' (or point to it: amux host add ${host.name} --ssh ${host.ssh} --amux /path/to/amux)`,
    });
  }
  throw new AmuxError(`host ${host.name}: amux exited ${r.code}${why ? `: ${why}` : ''}`, { code: 'failed' });
}

/** `HOST:` in front of a remote result's session name, so what is printed can be used again. */
function qualify<T>(out: T, host: string): T {
  if (out && typeof out === 'object') {
    const o = out as Record<string, unknown>;
    if (typeof o.session === 'string') o.session = `${host}:${o.session}`;
    if (typeof o.name === 'string' && typeof o.id === 'string') o.name = `${host}:${o.name}`;
  }
  return out;
}

/**
 * A one-session operation on a `HOST:SESSION` reference, done by that host's amux; null for a
 * local reference (the caller goes on locally). Long operations (send, await) have no deadline
 * of their own here: their input bounds them.
 */
export async function viaHost<T>(ctx: CoreContext, op: RemoteOp, input: { session: string }): Promise<T | null> {
  const ref = splitHostRef(input.session);
  if (!ref) return null;
  if (!ref.session) throw new UsageError(`which session on ${ref.host}? (write ${ref.host}:NAME)`);
  const host = await hostSpec(ctx, ref.host);
  return qualify(await callHost<T>(ctx, host, op, { ...input, session: ref.session }, { progress: true }), host.name);
}

// ---------------------------------------------------------------------------------------------
// The remote side

/** What `amux host serve` writes: one JSON line. */
export type RemoteAnswer = { ok: true; result: unknown } | { ok: false; error: RemoteError };

/**
 * Answers one request from another machine (`amux host serve` on this one). Only the operations
 * in REMOTE_OPS; a reference must be local here (no relaying to this machine's own hosts).
 */
export async function serveHostRequest(open: (cwd?: string) => Promise<CoreContext>, raw: string): Promise<RemoteAnswer> {
  try {
    let req: RemoteRequest;
    try {
      req = JSON.parse(raw) as RemoteRequest;
    } catch {
      throw new UsageError('the request is not JSON');
    }
    if (!req || typeof req !== 'object' || !(REMOTE_OPS as readonly string[]).includes(req.op)) throw new UsageError(`unknown operation ${JSON.stringify(req?.op)}`);
    const input = { ...(req.input ?? {}) };
    if (typeof input.session === 'string' && input.session.includes(':')) throw new UsageError(`"${input.session}" is not a session of this machine`);
    if (req.op === 'version') {
      const { version } = await import('../version.js');
      return { ok: true, result: { version, node: process.version, platform: process.platform } };
    }
    const ctx = await open(typeof req.cwd === 'string' ? req.cwd : undefined);
    const result = await runOp(ctx, req.op, input);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof AmuxError) return { ok: false, error: e.toJSON() };
    return { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } };
  }
}

async function runOp(ctx: CoreContext, op: Exclude<RemoteOp, 'version'>, input: Record<string, unknown>): Promise<unknown> {
  const i = input as never;
  switch (op) {
    case 'awaitSession':
    case 'explainSession':
      return (await import('./observe.js'))[op](ctx, i);
    case 'readLogs':
      return (await import('./logs.js')).readLogs(ctx, i);
    case 'startSessions': {
      // Started for a person elsewhere: never a child of a session here.
      const { parent: _p, cleanEnv: _c, ...rest } = input;
      const { records: _r, ...out } = await (await import('./start.js')).startSessions(ctx, rest as never);
      return out;
    }
    default:
      return (await import('./sessions.js'))[op](ctx, i);
  }
}

// ---------------------------------------------------------------------------------------------
// Listing every host

export interface RemoteSessionInfo extends SessionInfo {
  /** The host it runs on; its reference is `HOST:NAME`. */
  host: string;
}

export interface HostListing {
  host: string;
  ssh: string;
  /** It answered this time. */
  online: boolean;
  /** When its sessions were last read (now when online; from the cache when not; null: never). */
  seenAt: string | null;
  /** Why it did not answer. */
  error: string | null;
  sessions: RemoteSessionInfo[];
  /** Sessions the filter left out. */
  hidden: number;
}

export interface HostListInput extends ViewFilter {
  /** Host names; every configured host when absent. */
  hosts?: string[];
  /** Longest wait for each host (default: each host's own timeout, 5s). */
  timeoutMs?: number;
}

function cacheFile(host: string): string {
  return join(homeDir('hosts'), `${host}.json`);
}

interface CacheEntry {
  ssh: string;
  seenAt: string;
  sessions: SessionInfo[];
}

function readCache(host: HostSpec): CacheEntry | null {
  try {
    const c = JSON.parse(readFileSync(cacheFile(host.name), 'utf8')) as CacheEntry;
    return c.ssh === host.ssh && Array.isArray(c.sessions) ? c : null;
  } catch {
    return null;
  }
}

function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * The sessions of the given hosts (every configured one by default), asked in parallel, each
 * within its timeout. A host that does not answer is listed with its last good listing, offline.
 */
export async function listHostSessions(ctx: CoreContext, input: HostListInput = {}): Promise<{ hosts: HostListing[] }> {
  const specs = input.hosts ? await Promise.all(input.hosts.map((h) => hostSpec(ctx, h))) : await hostSpecs(ctx);
  const { filterInfos, sortInfos } = await import('../state/select.js');
  const { hosts: _hs, timeoutMs: _t, ...filter } = input;
  const hosts = await Promise.all(
    specs.map(async (host): Promise<HostListing> => {
      let sessions: SessionInfo[];
      let seenAt: string | null;
      let error: string | null = null;
      let online = true;
      try {
        const res = await callHost<{ sessions: SessionInfo[] }>(ctx, host, 'listSessions', { all: true }, { timeoutMs: input.timeoutMs ?? host.timeoutMs });
        sessions = res.sessions;
        seenAt = new Date().toISOString();
        try {
          writePrivate(cacheFile(host.name), JSON.stringify({ ssh: host.ssh, seenAt, sessions } satisfies CacheEntry));
        } catch {
          /* a full disk: the listing is still good */
        }
      } catch (e) {
        online = false;
        error = e instanceof AmuxError ? e.message : String(e);
        const c = readCache(host);
        sessions = c?.sessions ?? [];
        seenAt = c?.seenAt ?? null;
      }
      const shown = sortInfos(filterInfos(sessions, filter)).map((s) => ({ ...s, host: host.name }));
      return { host: host.name, ssh: host.ssh, online, seenAt, error, sessions: shown, hidden: sessions.length - shown.length };
    }),
  );
  return { hosts };
}

// ---------------------------------------------------------------------------------------------
// Managing hosts

export interface HostInfo {
  name: string;
  ssh: string;
  amux: string;
  identity: string | null;
  dir: string | null;
  timeoutMs: number;
  /** When its sessions were last read, and how many there were (null: never). */
  seenAt: string | null;
  sessions: number | null;
}

function infoOf(h: HostSpec): HostInfo {
  const c = readCache(h);
  return { name: h.name, ssh: h.ssh, amux: h.amux ?? 'amux', identity: h.identity ?? null, dir: h.dir ?? null, timeoutMs: h.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS, seenAt: c?.seenAt ?? null, sessions: c ? c.sessions.length : null };
}

/** The configured hosts, with when each was last seen. */
export async function listHosts(ctx: CoreContext, _input: Record<string, never> = {}): Promise<{ hosts: HostInfo[] }> {
  return { hosts: (await hostSpecs(ctx)).map(infoOf) };
}

/** A host to add: the same fields the config gives a host (hosts/target.ts). */
export type AddHostInput = HostSpec;

/** The user-wide config file, created when missing; edited in place (comments kept) and validated before it is written. */
async function editUserConfig(ctx: CoreContext, edit: (doc: import('yaml').Document) => void): Promise<string> {
  const { userConfigFile } = await import('../config/load.js');
  const { userConfigDir } = await import('../util/paths.js');
  const file = userConfigFile(ctx.env) ?? join(userConfigDir(ctx.env), 'config.yaml');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : 'version: 1\n';
  const Y = await import('yaml');
  const doc = Y.parseDocument(before);
  if (doc.errors.length) throw new AmuxError(`${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, { code: 'config', hint: 'amux config validate' });
  edit(doc);
  const text = doc.toString();
  const { validateConfigText, formatIssue } = await import('../config/validate.js');
  const issues = validateConfigText(text, file);
  if (issues.length) throw new AmuxError(issues.map(formatIssue).join('\n'), { code: 'config' });
  writePrivate(file, text);
  return file;
}

/** Adds (or replaces) a host in the user-wide config. */
export async function addHost(ctx: CoreContext, input: AddHostInput): Promise<HostInfo & { file: string }> {
  if (!HOST_NAME.test(input.name)) throw new UsageError(`invalid host name "${input.name}" (letters, digits, ".", "-" and "_", starting with a letter or digit)`);
  if (!parseTarget(input.ssh)) throw new UsageError(`not an ssh destination: "${input.ssh}" (write user@host or user@host:port)`);
  if (input.timeoutMs !== undefined && (!Number.isInteger(input.timeoutMs) || input.timeoutMs < 100)) throw new UsageError('the timeout must be at least 100ms');
  const entry: Record<string, unknown> = { ssh: input.ssh };
  if (input.amux) entry.amux = input.amux;
  if (input.identity) entry.identity = input.identity;
  if (input.dir) entry.dir = input.dir;
  if (input.timeoutMs !== undefined) entry.timeout = `${input.timeoutMs}ms`;
  const file = await editUserConfig(ctx, (doc) => doc.setIn(['hosts', input.name], doc.createNode(entry)));
  const h: HostConfig = { ssh: input.ssh, ...(input.amux ? { amux: input.amux } : {}), ...(input.identity ? { identity: input.identity } : {}), ...(input.dir ? { dir: input.dir } : {}), ...(input.timeoutMs ? { timeout: input.timeoutMs } : {}) };
  return { ...infoOf(specOf(input.name, h)), file };
}

/** Removes a host from the user-wide config, with its cached listing and its connection. */
export async function removeHost(ctx: CoreContext, input: { name: string }): Promise<{ name: string; file: string }> {
  const host = await hostSpec(ctx, input.name);
  const { userConfigFile } = await import('../config/load.js');
  const user = userConfigFile(ctx.env);
  const config = await ctx.config();
  let inUser = false;
  if (user) {
    const Y = await import('yaml');
    const doc = Y.parseDocument(readFileSync(user, 'utf8'));
    inUser = doc.hasIn(['hosts', input.name]);
  }
  if (!inUser) throw new AmuxError(`host ${input.name} is defined in ${config.file ?? 'the project config'}, not the user config`, { code: 'conflict', hint: `remove it from that file (amux config edit)` });
  const file = await editUserConfig(ctx, (doc) => {
    doc.deleteIn(['hosts', input.name]);
    const rest = doc.getIn(['hosts']) as { items?: unknown[] } | undefined;
    if (rest && Array.isArray(rest.items) && rest.items.length === 0) doc.delete('hosts');
  });
  const { closeMaster } = await import('../hosts/ssh.js');
  await closeMaster(host, ctx.env);
  rmSync(cacheFile(input.name), { force: true });
  return { name: input.name, file };
}

export interface HostCheck {
  name: string;
  ssh: string;
  ok: boolean;
  /** The remote amux's version (null when it did not answer). */
  version: string | null;
  node: string | null;
  /** How long the round trip took. */
  latencyMs: number;
  error: string | null;
  hint: string | null;
}

/** Reaches the host and its amux once: what answered, how fast, or what is wrong and what to do. */
export async function checkHost(ctx: CoreContext, input: { name: string; timeoutMs?: number }): Promise<HostCheck> {
  const host = await hostSpec(ctx, input.name);
  const t0 = Date.now();
  try {
    const v = await callHost<{ version: string; node: string }>(ctx, host, 'version', {}, { timeoutMs: input.timeoutMs ?? host.timeoutMs });
    return { name: host.name, ssh: host.ssh, ok: true, version: v.version, node: v.node, latencyMs: Date.now() - t0, error: null, hint: null };
  } catch (e) {
    const ae = e instanceof AmuxError ? e : new AmuxError(String(e));
    return { name: host.name, ssh: host.ssh, ok: false, version: null, node: null, latencyMs: Date.now() - t0, error: ae.message, hint: ae.hint ?? null };
  }
}

/** Starts sessions on a host with that host's own config and presets (`run --host`). */
export async function startOnHost(ctx: CoreContext, input: Omit<import('./start.js').StartInput, 'parent' | 'cleanEnv'> & { host: string }): Promise<import('./start.js').StartOutput> {
  const { host: name, ...rest } = input;
  const host = await hostSpec(ctx, name);
  const out = await callHost<import('./start.js').StartOutput>(ctx, host, 'startSessions', rest as Record<string, unknown>, { progress: true });
  return { started: out.started.map((s) => ({ ...s, name: `${host.name}:${s.name}` })), failed: out.failed };
}

/**
 * Attaches the terminal to a session on a host: `ssh -t` running that host's `amux attach`
 * (there it is a plain attach). Inside tmux it opens in a popup when a client can show one, else
 * in this terminal, as outside tmux.
 */
export async function attachHost(ctx: CoreContext, ref: string, opts: { readOnly?: boolean } = {}): Promise<number> {
  const r = splitHostRef(ref);
  if (!r || !r.session) throw new UsageError(`which session on ${r?.host ?? '?'}? (write HOST:NAME)`);
  const host = await hostSpec(ctx, r.host);
  // The session must exist there (a clear error here rather than inside the terminal).
  await callHost(ctx, host, 'getSession', { session: r.session }, { timeoutMs: host.timeoutMs });
  const { sshArgv, healControlSocket } = await import('../hosts/ssh.js');
  await healControlSocket(host, ctx.env);
  const argv = ['ssh', ...sshArgv(host, ['host', 'attach', r.session, ...(opts.readOnly ? ['--read-only'] : [])], { tty: true, env: ctx.env })];
  const { runCommandInTerminal } = await import('../tmux/attach.js');
  return runCommandInTerminal(argv, ctx.env);
}
