/**
 * The web server's secrets, all in 0600 files under AMUX_HOME/web (a 0700 folder): the server
 * secret that signs login cookies, bearer tokens (stored as SHA-256 hashes, shown once), and
 * share links (their secret sits in the URL's `#` fragment; only its hash is kept). Every
 * process reads the same files, so `amux token revoke` and `amux share --revoke` take effect on a
 * running server at its next request.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { homeDir } from '../util/paths.js';
import { AmuxError, NotFoundError, UsageError } from '../util/errors.js';

export const webDir = (): string => homeDir('web');

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const random = (n = 32): string => randomBytes(n).toString('base64url');

/** Writes a private file atomically (0600). */
export function writePrivate(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new AmuxError(`cannot read ${file}: ${(e as Error).message}`, { code: 'damaged', hint: 'remove the file to start over' });
  }
}

/** The server secret (created on first use): signs cookies. */
export function serverSecret(): Buffer {
  const file = join(webDir(), 'secret');
  if (!existsSync(file)) {
    try {
      writeFileSync(file, random(48) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim());
}

export function sign(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---- bearer tokens ----

export interface TokenEntry {
  name: string;
  hash: string;
  readOnly: boolean;
  createdAt: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const tokensFile = () => join(webDir(), 'tokens.json');

export function listTokens(): TokenEntry[] {
  return readJson<TokenEntry[]>(tokensFile(), []);
}

/** A new bearer token: returned once, stored hashed. */
export function createToken(name: string, readOnly: boolean): { name: string; token: string; readOnly: boolean } {
  if (!NAME_RE.test(name)) throw new UsageError(`a token name is letters, digits, _ . - (up to 63), got "${name}"`);
  const all = listTokens();
  if (all.some((t) => t.name === name)) throw new AmuxError(`a token named ${name} exists`, { code: 'conflict', hint: `amux token revoke ${name} first` });
  const token = `amux_${random(32)}`;
  all.push({ name, hash: sha256(token), readOnly, createdAt: new Date().toISOString() });
  writePrivate(tokensFile(), JSON.stringify(all, null, 2) + '\n');
  return { name, token, readOnly };
}

export function revokeToken(name: string): void {
  const all = listTokens();
  const left = all.filter((t) => t.name !== name);
  if (left.length === all.length) throw new NotFoundError(`no token named ${name}`, { hint: 'amux token list shows them' });
  writePrivate(tokensFile(), JSON.stringify(left, null, 2) + '\n');
}

export function findToken(token: string): TokenEntry | null {
  if (!token.startsWith('amux_')) return null;
  const h = sha256(token);
  return listTokens().find((t) => safeEqual(t.hash, h)) ?? null;
}

// ---- share links ----

export interface ShareEntry {
  id: string;
  /** The session's UUID. */
  session: string;
  sessionName: string;
  readOnly: boolean;
  createdAt: string;
  expiresAt: string | null;
  hash: string;
  /** A takeover link of `amux handoff`: opening it takes control. */
  handoff?: boolean;
}

const sharesFile = () => join(webDir(), 'shares.json');

export function listShares(now = Date.now()): (ShareEntry & { expired: boolean })[] {
  return readJson<ShareEntry[]>(sharesFile(), []).map((s) => ({ ...s, expired: s.expiresAt !== null && Date.parse(s.expiresAt) <= now }));
}

/** A new share link's secret part (`ID.SECRET`), for the URL fragment. */
export function createShare(o: { session: string; sessionName: string; readOnly: boolean; expiresMs: number | null; handoff?: boolean }): { share: ShareEntry; fragment: string } {
  const all = readJson<ShareEntry[]>(sharesFile(), []).filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > Date.now());
  const id = randomBytes(5).toString('hex');
  const secret = random(24);
  const share: ShareEntry = {
    id,
    session: o.session,
    sessionName: o.sessionName,
    readOnly: o.readOnly,
    createdAt: new Date().toISOString(),
    expiresAt: o.expiresMs === null ? null : new Date(Date.now() + o.expiresMs).toISOString(),
    hash: sha256(secret),
    ...(o.handoff ? { handoff: true } : {}),
  };
  all.push(share);
  writePrivate(sharesFile(), JSON.stringify(all, null, 2) + '\n');
  return { share, fragment: `${id}.${secret}` };
}

/** Revokes share links by id, or every link of a session (by its UUID). Returns how many went. */
export function revokeShares(match: (s: ShareEntry) => boolean): number {
  const all = readJson<ShareEntry[]>(sharesFile(), []);
  const left = all.filter((s) => !match(s));
  if (left.length !== all.length) writePrivate(sharesFile(), JSON.stringify(left, null, 2) + '\n');
  return all.length - left.length;
}

/** A share that is live now (not revoked, not expired). */
export function findShare(id: string, now = Date.now()): ShareEntry | null {
  const s = listShares(now).find((x) => x.id === id);
  return s && !s.expired ? s : null;
}

/** Checks a fragment `ID.SECRET`; the live share, or null. */
export function redeemShare(fragment: string): ShareEntry | null {
  const dot = fragment.indexOf('.');
  if (dot < 1) return null;
  const s = findShare(fragment.slice(0, dot));
  return s && safeEqual(s.hash, sha256(fragment.slice(dot + 1))) ? s : null;
}

// ---- the running server, for links printed by other commands ----

export interface ServerInfo {
  url: string;
  pid: number;
  port: number;
  fingerprint: string | null;
}

const infoFile = () => join(webDir(), 'server.json');

export function writeServerInfo(info: ServerInfo): void {
  writePrivate(infoFile(), JSON.stringify(info, null, 2) + '\n');
}

/** The running `amux serve` of this AMUX_HOME, or null. */
export function readServerInfo(): ServerInfo | null {
  const info = readJson<ServerInfo | null>(infoFile(), null);
  if (!info) return null;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch {
    return null;
  }
}

export function clearServerInfo(pid: number): void {
  const info = readJson<ServerInfo | null>(infoFile(), null);
  if (info?.pid === pid) writePrivate(infoFile(), 'null\n');
}

export { random as randomSecret, sha256 };

// ---- one-time login codes (any amux process may mint one for the running server) ----

const loginsFile = () => join(webDir(), 'logins.json');
const LOGIN_VALID_MS = 24 * 3600_000;

/** A new one-time login code (valid a day, once). */
export function createLoginCode(now = Date.now()): string {
  const code = random(24);
  const live = readJson<{ hash: string; until: number }[]>(loginsFile(), []).filter((l) => l.until > now);
  live.push({ hash: sha256(code), until: now + LOGIN_VALID_MS });
  writePrivate(loginsFile(), JSON.stringify(live) + '\n');
  return code;
}

/** Uses up a login code: true when it was valid. */
export function consumeLoginCode(code: string, now = Date.now()): boolean {
  const all = readJson<{ hash: string; until: number }[]>(loginsFile(), []);
  const h = sha256(code);
  const hit = all.find((l) => safeEqual(l.hash, h) && l.until > now);
  if (!hit) return false;
  writePrivate(loginsFile(), JSON.stringify(all.filter((l) => l !== hit && l.until > now)) + '\n');
  return true;
}

/** The takeover links of a session's handoff end when control returns. */
export function endTakeoverLinks(sessionId: string): number {
  return revokeShares((x) => x.handoff === true && x.session === sessionId);
}
