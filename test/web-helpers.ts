/**
 * Shared by the web tests: an `amux serve` of a TestEnv on a free port, HTTP and WebSocket
 * clients that set (or leave out) Host, Origin, cookie and token as a test asks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import WebSocket from 'ws';
import { CLI, waitFor, type TestEnv } from './helpers.ts';

export interface Served {
  url: string;
  port: number;
  host: string;
  login: string;
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  stop(): Promise<void>;
}

export async function serve(env: TestEnv, args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { cwd: env.dir, env: { ...env.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const ok = await waitFor(() => /log in \(one-time link\): (\S+)/.test(out) || child.exitCode !== null, 20_000);
  const m = /log in \(one-time link\): (\S+)/.exec(out);
  if (!ok || !m) throw new Error(`amux serve did not start: ${out}\n${err}`);
  const url = /amux serve: (\S+)/.exec(out)![1]!;
  const u = new URL(url);
  return {
    url,
    port: Number(u.port),
    host: u.host,
    login: m[1]!,
    child,
    stderr: () => err,
    stdout: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null, 10_000);
    },
  };
}

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => any;
}

/** One HTTP request with exactly the headers given (Host defaults to the server's). */
export function http(s: Served, method: string, path: string, o: { headers?: Record<string, string>; body?: string | Buffer; host?: string } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, method, path, headers: { Host: o.host ?? s.host, ...o.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

/** A POST as the dashboard makes it: JSON, the custom header, the page's Origin. */
export function api(s: Served, op: string, input: unknown, auth: Record<string, string>): Promise<Res> {
  return http(s, 'POST', `/api/${op}`, {
    headers: { 'Content-Type': 'application/json', 'X-Amux-Request': '1', Origin: s.url, ...auth },
    body: JSON.stringify(input),
  });
}

/** Logs in with a one-time link; the cookie header to send afterwards. */
export async function login(s: Served, link = s.login): Promise<Record<string, string>> {
  const code = link.split('#')[1]!;
  const r = await api(s, 'login', { code }, {});
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.body}`);
  const c = String(r.headers['set-cookie']).split(';')[0]!;
  return { Cookie: c };
}

export interface Ws {
  ws: WebSocket;
  /** Text messages parsed, in order. */
  messages: any[];
  /** Binary output, as text. */
  output: () => string;
  closed: { code: number; reason: string } | null;
}

/** Opens a WebSocket; resolves once open, or with the refusal's HTTP status. */
export function openWs(s: Served, path: string, headers: Record<string, string>): Promise<{ ok: true; c: Ws } | { ok: false; status: number; body: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}${path}`, { headers: { Host: s.host, ...headers } });
    const c: Ws = { ws, messages: [], output: () => out, closed: null };
    let out = '';
    ws.on('message', (data, isBinary) => {
      if (isBinary) out += Buffer.from(data as Buffer).toString('utf8');
      else c.messages.push(JSON.parse(String(data)));
    });
    ws.on('close', (code, reason) => (c.closed = { code, reason: String(reason) }));
    ws.on('open', () => resolve({ ok: true, c }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ ok: false, status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => resolve({ ok: false, status: 0, body: 'error' }));
  });
}
