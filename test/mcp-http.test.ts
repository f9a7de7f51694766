/**
 * `amux mcp --http` end to end: the compiled CLI serves Streamable HTTP on loopback against a
 * private tmux server; the SDK's own Streamable HTTP client drives the same lead flow as over
 * stdio. Requests without the token, with a wrong one, with a foreign Host or Origin are refused.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TestEnv, CLI, waitFor } from './helpers.ts';
import { call, leadFlow, text } from './mcp-flow.ts';

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

/** A raw POST of an initialize request with the given headers: the status and body. */
function rawPost(port: number, headers: Record<string, string>, path = '/mcp'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(INIT);
  });
}

describe('amux mcp --http', () => {
  const env = new TestEnv('mcphttp');
  let repo: string;
  let server: ChildProcess;
  let stderr = '';
  let url: URL;
  let port: number;
  let token: string;
  const clients: Client[] = [];

  const connect = async (headers: Record<string, string>): Promise<Client> => {
    const client = new Client({ name: 'amux-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    clients.push(client);
    return client;
  };

  before(async () => {
    repo = env.gitRepo('proj');
    mkdirSync(join(repo, '.amux'));
    writeFileSync(join(repo, '.amux', 'config.yaml'), 'version: 1\n');
    server = spawn(process.execPath, [CLI, 'mcp', '--http', '--port', '0'], { cwd: repo, env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const m = await waitFor(() => /at (http:\/\/127\.0\.0\.1:(\d+)\/mcp)/.exec(stderr), 20_000);
    assert.ok(m, `the server says where it listens: ${stderr}`);
    url = new URL(m[1]!);
    port = Number(m[2]);
    token = readFileSync(join(env.home, 'mcp-token'), 'utf8').trim();
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await env.cleanup();
  });

  test('the token is a secret: a 0600 file, never printed, never on a command line', () => {
    assert.equal(statSync(join(env.home, 'mcp-token')).mode & 0o777, 0o600);
    assert.ok(token.length >= 32);
    assert.ok(!stderr.includes(token), 'not in the output');
    assert.match(stderr, /Authorization: Bearer/);
    assert.ok(stderr.includes(join(env.home, 'mcp-token')), 'the output names the file');
    assert.ok(!readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').includes(token), 'not on the command line');
  });

  test('runs the lead flow over Streamable HTTP', async () => {
    const client = await connect({ Authorization: `Bearer ${token}` });
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'run_agent' && t.outputSchema));
    await leadFlow(client, { name: 'h1' });
    const bad = await call(client, 'capture', { session: 'nope-nope' });
    assert.match(text(bad), /^not_found: /);
  });

  test('refuses a client without the token or with a wrong one', async () => {
    await assert.rejects(connect({}), /401|unauthorized/i);
    await assert.rejects(connect({ Authorization: 'Bearer not-the-token-not-the-token-not-the-token' }), /401|unauthorized/i);
    assert.equal((await rawPost(port, {})).status, 401);
    assert.equal((await rawPost(port, { authorization: `Bearer ${token}x` })).status, 401);
    assert.equal((await rawPost(port, { authorization: `Basic ${token}` })).status, 401);
  });

  test('refuses a foreign Host or Origin even with the token (DNS rebinding, web pages)', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const host = await rawPost(port, { ...auth, host: `evil.example:${port}` });
    assert.equal(host.status, 403, host.body);
    assert.match(host.body, /Host/);
    assert.equal((await rawPost(port, { ...auth, host: `127.0.0.1:${port + 1}` })).status, 403, 'another port is another origin');
    const origin = await rawPost(port, { ...auth, origin: 'http://evil.example' });
    assert.equal(origin.status, 403, origin.body);
    assert.equal((await rawPost(port, auth, '/other')).status, 404);
    // The same request from this port's own loopback names is served.
    assert.equal((await rawPost(port, { ...auth, host: `localhost:${port}`, origin: `http://localhost:${port}` })).status, 200);
  });
});
