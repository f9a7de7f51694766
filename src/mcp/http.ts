/**
 * `amux mcp --http`: the same server over Streamable HTTP, on loopback only. Every request is
 * checked before the SDK sees it, in this order: the path (`/mcp`), the Host header (one of this
 * port's loopback names: DNS rebinding), the Origin header when a browser sends one (this port's
 * loopback origins only: a web page cannot drive it), and the bearer token (a random secret in a
 * 0600 file under AMUX_HOME, compared in constant time; it is never printed or logged, the file's
 * path is). Each MCP session gets its own server instance, as the SDK wants.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync, chmodSync, statSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { amuxHome, privateDir } from '../util/paths.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { createServer, type ServerOptions } from './server.js';

/** The loopback addresses `--http` may bind. */
export const LOOPBACK = ['127.0.0.1', '::1', 'localhost'] as const;
/** The port `amux mcp --http` listens on unless told otherwise. */
export const DEFAULT_PORT = 7391;
/** The one path the server answers on. */
export const MCP_PATH = '/mcp';
/** Open MCP sessions at most: the oldest closes when one more arrives. */
const MAX_SESSIONS = 64;

/** Where the bearer token lives: `$AMUX_HOME/mcp-token` (0600). */
export function tokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(amuxHome(env), 'mcp-token');
}

/** The bearer token, made (32 random bytes) on first use; a file others can read is refused. */
export function ensureToken(env: NodeJS.ProcessEnv = process.env): { token: string; file: string; created: boolean } {
  const file = tokenFile(env);
  privateDir(amuxHome(env));
  try {
    const st = statSync(file);
    if ((st.mode & 0o077) !== 0) chmodSync(file, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return { token, file, created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new AmuxError(`cannot read the MCP token file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const token = randomBytes(32).toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, token + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return { token, file, created: true };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time check of an `Authorization: Bearer …` header. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return !!m && timingSafeEqual(digest(m[1]!), digest(token));
}

/** The Host header values and browser origins that name this server. */
export function allowedFor(port: number): { hosts: Set<string>; origins: Set<string> } {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  return { hosts: new Set(names.map((n) => `${n}:${port}`)), origins: new Set(names.map((n) => `http://${n}:${port}`)) };
}

/** Why a request is refused before MCP sees it (status and message), or null to let it through. */
export function refusal(req: { url?: string; headers: IncomingMessage['headers'] }, port: number, token: string): { status: number; message: string } | null {
  const path = (req.url ?? '').split('?')[0];
  if (path !== MCP_PATH) return { status: 404, message: `not found: the MCP endpoint is ${MCP_PATH}` };
  const { hosts, origins } = allowedFor(port);
  const host = req.headers.host?.toLowerCase();
  if (!host || !hosts.has(host)) return { status: 403, message: 'forbidden: this server answers only to a loopback Host' };
  const origin = req.headers.origin;
  if (origin !== undefined && !origins.has(origin.toLowerCase())) return { status: 403, message: 'forbidden: cross-origin requests are refused' };
  if (!bearerMatches(req.headers.authorization, token)) return { status: 401, message: 'unauthorized: send Authorization: Bearer <the token in the mcp-token file>' };
  return null;
}

export interface HttpOptions extends ServerOptions {
  host?: string;
  port?: number;
}

export interface RunningHttp {
  url: string;
  port: number;
  tokenFile: string;
  close(): Promise<void>;
}

type Transport = import('@modelcontextprotocol/sdk/server/streamableHttp.js').StreamableHTTPServerTransport;

/** Starts the HTTP server; resolves once it listens. */
export async function startHttp(opts: HttpOptions): Promise<RunningHttp> {
  const host = opts.host ?? '127.0.0.1';
  if (!(LOOPBACK as readonly string[]).includes(host)) throw new UsageError(`amux mcp --http listens on loopback only (${LOOPBACK.join(', ')}), not "${host}"`);
  const { token, file } = ensureToken(opts.env);
  const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
  const sessions = new Map<string, Transport>();
  let port = 0;

  const reply = (res: ServerResponse, status: number, message: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (status === 401) headers['www-authenticate'] = 'Bearer realm="amux"';
    res.writeHead(status, headers).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const no = refusal(req, port, token);
    if (no) return reply(res, no.status, no.message);
    const sid = req.headers['mcp-session-id'];
    if (typeof sid === 'string') {
      const t = sessions.get(sid);
      if (!t) return reply(res, 404, 'no such MCP session (it ended): initialize again');
      return t.handleRequest(req, res);
    }
    // No session yet: only an initialize request gets one (the transport refuses anything else).
    const transport: Transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
        if (sessions.size > MAX_SESSIONS) void sessions.values().next().value?.close();
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    const server = createServer(opts);
    await server.connect(transport);
    await transport.handleRequest(req, res);
    if (!transport.sessionId) await server.close();
  }

  const http: HttpServer = createHttpServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) reply(res, 500, `internal error: ${(e as Error).message}`);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new AmuxError(`port ${opts.port ?? DEFAULT_PORT} on ${host} is taken`, { hint: 'choose another with --port' }) : e),
    );
    http.listen(opts.port ?? DEFAULT_PORT, host, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const shown = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${shown}:${port}${MCP_PATH}`,
    port,
    tokenFile: file,
    async close() {
      for (const t of [...sessions.values()]) await t.close().catch(() => undefined);
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}
