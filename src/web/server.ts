/**
 * `amux serve`: the dashboard and its REST API over the core, with the monitor's event stream
 * pushed to every page over one WebSocket, and browser terminals (a PTY each, src/web/terminal.ts).
 *
 * Safe by default (localhost dashboards have shipped drive-by RCE): every request and every
 * WebSocket upgrade has its Host checked against an allowlist (DNS rebinding) and its Origin
 * against this server's own (cross-site requests, WebSocket hijacking; an upgrade without an
 * Origin is refused); mutations are POSTs of JSON carrying a custom header; failed logins are
 * rate-limited; PTYs, bodies, frames and idle sockets are capped; every response carries a strict
 * CSP, `frame-ancestors 'none'` and `Referrer-Policy: no-referrer`; every asset comes from the
 * package.
 */
import { createServer as createHttp, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { networkInterfaces, hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CoreContext } from '../core/context.js';
import { SCHEMAS } from '../core/schemas.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { approveKeys, rejectKeys } from '../agents/index.js';
import * as auth from './auth.js';
import { EventHub } from './hub.js';
import { TerminalSet } from './terminal.js';
import { validate } from './validate.js';
import { assets } from './assets.js';

export interface ServeOptions {
  ctx: CoreContext;
  host: string;
  port: number;
  tls: { cert: string; key: string } | null;
  /** More host names (or host:port) the browser may use to reach this server. */
  allowHosts: string[];
  maxTerminals: number;
  /** The largest WebSocket message and JSON body accepted. */
  maxMessageBytes: number;
  /** A socket that answers no ping for this long is closed. */
  idleMs: number;
  log(line: string): void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** A new one-time login URL. */
  loginUrl(): string;
  close(): Promise<void>;
}

/** Who is asking: the owner (login cookie), a bearer token, or a share link (one session). */
export interface Principal {
  kind: 'owner' | 'token' | 'share';
  name: string;
  readOnly: boolean;
  /** A share's session UUID: the only one it may see. */
  session?: string;
  share?: auth.ShareEntry;
}

const COOKIE_MAX_AGE_S = 7 * 24 * 3600;
const FAIL_WINDOW_MS = 60_000;
const FAIL_LIMIT = 10;
const CSRF_HEADER = 'x-amux-request';

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const STATUS: Record<string, number> = { usage: 400, not_found: 404, ambiguous: 409, conflict: 409, not_live: 409, forbidden: 403, limit: 429, timeout: 504, config: 500, damaged: 500, tmux: 502, no_server: 503, failed: 500 };

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const isLoopback = (h: string): boolean => h === '127.0.0.1' || h === '::1' || h === 'localhost' || h.startsWith('127.');
const isWildcard = (h: string): boolean => h === '0.0.0.0' || h === '::';
const hostPort = (h: string, port: number): string => `${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`;

/** Core operations the API exposes: whether they change anything, and whether a share link may call them. */
const OPS: Record<string, { write: boolean; share: 'no' | 'view' | 'drive' }> = {
  listSessions: { write: false, share: 'view' },
  getSession: { write: false, share: 'view' },
  captureSession: { write: false, share: 'view' },
  readLogs: { write: false, share: 'view' },
  explainSession: { write: false, share: 'view' },
  listWorkspaces: { write: false, share: 'no' },
  startSessions: { write: true, share: 'no' },
  stopSession: { write: true, share: 'no' },
  removeSession: { write: true, share: 'no' },
  renameSession: { write: true, share: 'no' },
  tagSession: { write: true, share: 'no' },
  archiveSession: { write: true, share: 'no' },
  sendPrompt: { write: true, share: 'drive' },
  sendKeys: { write: true, share: 'drive' },
  handoffSession: { write: true, share: 'no' },
  takeoverSession: { write: true, share: 'drive' },
  returnControl: { write: true, share: 'drive' },
};

/** The dashboard's one-tap answer: the agent profile's keys for yes and no, or a digit. */
const ANSWER = {
  description: "Answer a waiting dialog with the agent profile's keys: approve, reject, or an option number.",
  input: { type: 'object', properties: { session: { type: 'string' }, answer: { type: 'string', enum: ['approve', 'reject', '1', '2', '3', '4', '5', '6', '7', '8', '9'] } }, required: ['session', 'answer'], additionalProperties: false },
};

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const secret = auth.serverSecret();
  const scheme = o.tls ? 'https' : 'http';
  const failures = new Map<string, { count: number; until: number }>();
  const core = await import('../core/index.js');
  const hub = new EventHub(o.ctx, o.log);
  const terminals = new TerminalSet(o.ctx, o.maxTerminals);
  let port = o.port;
  let cookieName = '';
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const computeAllow = (): void => {
    const names = ['127.0.0.1', 'localhost', '::1', ...o.allowHosts.filter((h) => !/:\d+$/.test(h) || h.startsWith('['))];
    if (!isLoopback(o.host)) {
      if (isWildcard(o.host)) {
        names.push(hostname());
        for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.push(a.address);
      } else names.push(o.host);
    }
    const hosts = new Set(names.map((h) => hostPort(h, port)));
    for (const h of o.allowHosts) if (/:\d+$/.test(h) && !h.startsWith('[')) hosts.add(h);
    allowedHosts = new Set([...hosts].map((h) => h.toLowerCase()));
    allowedOrigins = new Set([...allowedHosts].map((h) => `${scheme}://${h}`));
    cookieName = `amux_${port}`;
  };

  // ---- checks every request goes through ----

  const clientIp = (req: IncomingMessage): string => req.socket.remoteAddress ?? '?';
  const throttled = (req: IncomingMessage): boolean => {
    const f = failures.get(clientIp(req));
    return !!f && f.until > Date.now() && f.count >= FAIL_LIMIT;
  };
  const failed = (req: IncomingMessage): void => {
    const ip = clientIp(req);
    const f = failures.get(ip);
    if (!f || f.until <= Date.now()) failures.set(ip, { count: 1, until: Date.now() + FAIL_WINDOW_MS });
    else f.count++;
  };

  /** Host and Origin: null when fine, else why not. */
  const checkSite = (req: IncomingMessage, upgrade: boolean): string | null => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(host)) return `host "${host}" is not allowed`;
    const origin = req.headers.origin;
    if (origin === undefined) return upgrade ? 'a WebSocket needs an Origin' : null;
    if (!allowedOrigins.has(origin.toLowerCase())) return `origin "${origin}" is not allowed`;
    return null;
  };

  const cookies = (req: IncomingMessage): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const i = part.indexOf('=');
      if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
    return out;
  };

  const makeCookie = (payload: object): string => {
    const body = Buffer.from(JSON.stringify({ ...payload, iat: Date.now() })).toString('base64url');
    return `${cookieName}=${body}.${auth.sign(secret, body)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}${o.tls ? '; Secure' : ''}`;
  };

  /** Who is asking; null with no credentials; an HttpError for wrong ones. */
  const principalOf = (req: IncomingMessage): Principal | null => {
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      const t = m ? auth.findToken(m[1]!) : null;
      if (!t) {
        failed(req);
        throw new HttpError(401, 'invalid or revoked token');
      }
      return { kind: 'token', name: `token ${t.name}`, readOnly: t.readOnly };
    }
    const c = cookies(req)[cookieName];
    if (!c) return null;
    const dot = c.lastIndexOf('.');
    const body = c.slice(0, dot);
    if (dot < 1 || !auth.safeEqual(auth.sign(secret, body), c.slice(dot + 1))) throw new HttpError(401, 'invalid login cookie');
    const p = JSON.parse(Buffer.from(body, 'base64url').toString()) as { k: string; id?: string; iat: number };
    if (Date.now() - p.iat > COOKIE_MAX_AGE_S * 1000) throw new HttpError(401, 'the login expired');
    if (p.k === 'owner') return { kind: 'owner', name: 'owner', readOnly: false };
    if (p.k === 'share' && p.id) {
      const s = auth.findShare(p.id);
      if (!s) throw new HttpError(401, 'this share link was revoked or has expired');
      return { kind: 'share', name: `${s.handoff ? 'takeover' : 'share'} link ${s.id}`, readOnly: s.readOnly, session: s.session, share: s };
    }
    throw new HttpError(401, 'invalid login cookie');
  };

  const need = (req: IncomingMessage): Principal => {
    const p = principalOf(req);
    if (!p) throw new HttpError(401, 'log in first: open the URL amux serve printed, or send a bearer token');
    return p;
  };

  // ---- responses ----

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void =>
    send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', extra);
  const sendError = (res: ServerResponse, e: unknown): void => {
    if (e instanceof HttpError) return sendJson(res, e.status, { error: { code: e.status === 429 ? 'limit' : 'forbidden', message: e.message } });
    if (e instanceof AmuxError) return sendJson(res, STATUS[e.code] ?? 500, { error: { code: e.code, message: e.message, hint: e.hint ?? null } });
    o.log(`error: ${(e as Error).stack ?? String(e)}`);
    sendJson(res, 500, { error: { code: 'failed', message: (e as Error).message } });
  };

  const readBody = (req: IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > o.maxMessageBytes) {
          reject(new HttpError(413, `the request body is larger than ${o.maxMessageBytes} bytes`));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => {
        try {
          resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
        } catch {
          reject(new HttpError(400, 'the body is not JSON'));
        }
      });
      req.on('error', reject);
    });

  /** A share may only name its own session. */
  const checkScope = async (p: Principal, input: Record<string, unknown>): Promise<void> => {
    if (p.kind !== 'share') return;
    if (typeof input.session !== 'string') throw new HttpError(403, 'a share link reaches one session only');
    const s = await core.getSession(o.ctx, { session: input.session });
    if (s.id !== p.session) throw new HttpError(403, 'a share link reaches one session only');
  };

  const runOp = async (p: Principal, name: string, input: Record<string, unknown>): Promise<unknown> => {
    if (name === 'answer') {
      validate(ANSWER.input, input);
      if (p.readOnly) throw new HttpError(403, 'read-only: this login cannot answer');
      await checkScope(p, input);
      const s = await core.getSession(o.ctx, { session: input.session as string });
      const a = input.answer as string;
      const keys = a === 'approve' ? [...approveKeys(s.detector)] : a === 'reject' ? [...rejectKeys(s.detector)] : [a];
      return core.sendKeys(o.ctx, { session: s.id, keys });
    }
    const op = OPS[name];
    const schema = SCHEMAS[name];
    if (!op || !schema) throw new HttpError(404, `no operation ${name} (GET /api/schema lists them)`);
    validate(schema.input, input);
    if (op.write && p.readOnly) throw new HttpError(403, 'read-only: this login cannot change anything');
    if (p.kind === 'share') {
      if (op.share === 'no' || (op.share === 'drive' && p.readOnly)) throw new HttpError(403, `a share link cannot call ${name}`);
      if (name === 'listSessions') {
        const all = await core.listSessions(o.ctx, { all: true });
        return { ...all, sessions: all.sessions.filter((s) => s.id === p.session), hidden: 0, damaged: [] };
      }
      await checkScope(p, input);
    }
    switch (name) {
      case 'returnControl': {
        const r = await core.returnControl(o.ctx, input as { session: string });
        auth.endTakeoverLinks(r.id);
        return r;
      }
      case 'takeoverSession':
        return core.takeoverSession(o.ctx, { session: input.session as string, by: p.name });
      case 'sendPrompt':
        return core.sendPrompt(o.ctx, { ...(input as { session: string; text: string }), wait: input.wait === true, timeoutMs: (input.timeoutMs as number | undefined) ?? 30_000 });
      default: {
        const fn = (core as unknown as Record<string, (ctx: CoreContext, i: unknown) => Promise<unknown>>)[name]!;
        return fn(o.ctx, input);
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const bad = checkSite(req, false);
    if (bad) return sendJson(res, 403, { error: { code: 'forbidden', message: bad } });
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (req.method === 'GET' || req.method === 'HEAD') {
      const asset = assets(path);
      if (asset) return send(res, 200, asset.body, asset.type);
      if (path === '/api/schema') {
        need(req);
        return sendJson(res, 200, { operations: { ...Object.fromEntries(Object.keys(OPS).map((n) => [n, { ...SCHEMAS[n], method: 'POST', path: `/api/${n}`, write: OPS[n]!.write }])), answer: { ...ANSWER, method: 'POST', path: '/api/answer', write: true } } });
      }
      if (path === '/api/me') {
        const p = principalOf(req);
        return sendJson(res, p ? 200 : 401, p ? { kind: p.kind, name: p.name, readOnly: p.readOnly, session: p.session ?? null, handoff: p.share?.handoff === true, machine: hostname() } : { error: { code: 'forbidden', message: 'not logged in' } });
      }
      if (path === '/api/agents') {
        need(req);
        const cfg = await o.ctx.config();
        return sendJson(res, 200, { agents: Object.keys(cfg.agents) });
      }
      return sendJson(res, 404, { error: { code: 'not_found', message: `nothing at ${path}` } });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: { code: 'usage', message: 'GET or POST only' } }, { Allow: 'GET, POST' });
    // Mutations: JSON with a header a cross-site form cannot set.
    if (req.headers[CSRF_HEADER] !== '1') throw new HttpError(403, `a POST needs the header ${CSRF_HEADER}: 1`);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'a POST carries JSON (Content-Type: application/json)');
    if (throttled(req)) throw new HttpError(429, 'too many failed logins: wait a minute');
    const body = (await readBody(req)) as Record<string, unknown>;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object');
    if (path === '/api/login') {
      const code = typeof body.code === 'string' ? body.code : '';
      const token = typeof body.token === 'string' ? auth.findToken(body.token) : null;
      if (!(token && !token.readOnly) && !(code && auth.consumeLoginCode(code))) {
        failed(req);
        throw new HttpError(401, 'this login link was used already or is wrong: amux serve --login prints a new one');
      }
      return sendJson(res, 200, { ok: true }, { 'Set-Cookie': makeCookie({ k: 'owner' }) });
    }
    if (path === '/api/share') {
      const s = typeof body.link === 'string' ? auth.redeemShare(body.link) : null;
      if (!s) {
        failed(req);
        throw new HttpError(401, 'this share link was revoked, has expired, or is wrong');
      }
      if (s.handoff) await core.takeoverSession(o.ctx, { session: s.session, by: `takeover link ${s.id}` });
      return sendJson(res, 200, { ok: true, session: s.session, readOnly: s.readOnly, handoff: s.handoff === true }, { 'Set-Cookie': makeCookie({ k: 'share', id: s.id }) });
    }
    if (path === '/api/logout') return sendJson(res, 200, { ok: true }, { 'Set-Cookie': `${cookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` });
    const m = /^\/api\/([A-Za-z]+)$/.exec(path);
    if (!m) return sendJson(res, 404, { error: { code: 'not_found', message: `nothing at ${path}` } });
    const p = need(req);
    return sendJson(res, 200, await runOp(p, m[1]!, body));
  };

  // ---- WebSockets: one event stream per page, one socket per terminal ----

  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxMessageBytes, perMessageDeflate: false });
  const refuse = (socket: Duplex, status: number, why: string): void => {
    socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Bad Request'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`);
  };
  const keepAlive = (ws: WebSocket): void => {
    let last = Date.now();
    // A protocol error (an oversized frame, say) closes this socket; it must not take the server down.
    ws.on('error', (e) => o.log(`websocket closed: ${e.message}`));
    ws.on('pong', () => (last = Date.now()));
    const t = setInterval(() => {
      if (Date.now() - last > o.idleMs) ws.terminate();
      else ws.ping();
    }, Math.max(50, Math.floor(o.idleMs / 3)));
    ws.on('close', () => clearInterval(t));
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => socket.destroy());
    const bad = checkSite(req, true);
    if (bad) return refuse(socket, 403, bad);
    let p: Principal | null;
    try {
      if (throttled(req)) return refuse(socket, 429, 'too many failed logins');
      p = principalOf(req);
    } catch (e) {
      return refuse(socket, (e as HttpError).status ?? 401, (e as Error).message);
    }
    if (!p) return refuse(socket, 401, 'log in first');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ws/events') {
      wss.handleUpgrade(req, socket, head, (ws) => {
        keepAlive(ws);
        hub.add(ws, p.session ?? null);
      });
      return;
    }
    if (url.pathname === '/ws/term') {
      const session = url.searchParams.get('session') ?? '';
      const readOnly = p.readOnly || url.searchParams.get('mode') !== 'drive';
      try {
        if (p.kind === 'share') await checkScope(p, { session });
        if (!terminals.hasRoom()) return refuse(socket, 429, `too many terminals open (the most is ${o.maxTerminals})`);
        const term = await terminals.open(session, readOnly, Number(url.searchParams.get('cols')) || 80, Number(url.searchParams.get('rows')) || 24);
        let bound = false;
        socket.once('close', () => {
          if (!bound) term.end();
        });
        wss.handleUpgrade(req, socket, head, (ws) => {
          bound = true;
          keepAlive(ws);
          term.bind(ws);
        });
      } catch (e) {
        return refuse(socket, e instanceof HttpError ? e.status : e instanceof AmuxError ? (STATUS[e.code] ?? 400) : 400, (e as Error).message);
      }
      return;
    }
    refuse(socket, 400, 'no such socket');
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e) => sendError(res, e));
  };
  const server: HttpServer = o.tls ? createHttps({ cert: o.tls.cert, key: o.tls.key }, listener) : createHttp(listener);
  server.on('upgrade', (req, socket, head) => void onUpgrade(req, socket, head));
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new AmuxError(`port ${o.port} is in use`, { code: 'conflict', hint: 'pick another with --port' }) : e),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : o.port;
  computeAllow();
  await hub.start();
  const shownHost = isWildcard(o.host) ? hostname() : isLoopback(o.host) ? '127.0.0.1' : o.host;
  const base = `${scheme}://${hostPort(shownHost, port)}`;
  return {
    url: base,
    port,
    loginUrl() {
      return `${base}/login#${auth.createLoginCode()}`;
    },
    async close() {
      hub.close();
      terminals.closeAll();
      for (const c of wss.clients) c.terminate();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

export { UsageError };
