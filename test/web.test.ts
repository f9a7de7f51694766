/**
 * `amux serve` over raw HTTP and WebSocket: every refusal the security model promises (no token,
 * wrong, revoked, expired share, bad Origin, no Origin on an upgrade, bad Host, a read-only
 * token typing, oversized frames) leaves the pane unchanged; a drive terminal types; the
 * person's own client keeps its size; handoff refuses scripts until control returns.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { TestEnv, waitFor, CLI } from './helpers.ts';
import { serve, http, api, login, openWs, type Served } from './web-helpers.ts';
import { browserAttach } from '../src/tmux/attach.ts';
import { Server } from '../src/tmux/server.ts';

test('a browser terminal attaches with -u and ignore-size, a viewer also -r, and TERM set; nothing resizes the window', () => {
  const server = new Server({ name: 'amux-test-argv' });
  const view = browserAttach(server, '$3', { readOnly: true, env: { TMUX: '/tmp/x,1,0', PATH: '/bin' } });
  const drive = browserAttach(server, '$3', { readOnly: false, env: { PATH: '/bin' } });
  assert.equal(view.args[0], '-u');
  for (const p of [view, drive]) {
    const i = p.args.indexOf('attach-session');
    assert.ok(i > 0, p.args.join(' '));
    assert.deepEqual(p.args.slice(p.args.indexOf('-f'), p.args.indexOf('-f') + 2), ['-f', 'ignore-size']);
    assert.equal(p.env.TERM, 'xterm-256color');
    assert.equal(p.env.TMUX, undefined);
    assert.ok(!p.args.includes('resize-window'));
  }
  assert.ok(view.args.includes('-r'));
  assert.ok(!drive.args.includes('-r'));
});

const pty = createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty');

describe('amux serve: HTTP and WebSocket', () => {
  const env = new TestEnv('web');
  let s: Served;
  let owner: Record<string, string> = {};
  let repo = '';
  const pane = () => env.tmux(['capture-pane', '-p', '-t', 'amux-sh']);
  const size = () => env.tmux(['display-message', '-p', '-t', 'amux-sh', '#{window_width}x#{window_height}']).trim();

  before(async () => {
    repo = env.gitRepo('repo', { 'a.txt': 'one\n' });
    const r = await env.amux(['run', '-c', 'PS1="$ " exec bash --norc --noprofile', '--name', 'sh'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await waitFor(() => pane().includes('$'), 15_000), 'the shell prompt shows');
    s = await serve(env);
    owner = await login(s);
  });
  after(async () => {
    if (s?.stderr()) console.log(`amux serve stderr:\n${s.stderr()}`);
    await s?.stop();
    await env.cleanup();
  });

  test('the page and every asset come from the server, with a strict CSP and no referrer', async () => {
    for (const path of ['/', '/assets/app.js', '/assets/xterm.js', '/assets/xterm.css', '/assets/addon-fit.js']) {
      const r = await http(s, 'GET', path);
      assert.equal(r.status, 200, path);
      const csp = String(r.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /script-src 'self'/);
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
    }
    const page = (await http(s, 'GET', '/')).body;
    assert.doesNotMatch(page, /https?:\/\//, 'no third-party asset');
  });

  test('the secret and the token store are private files', async () => {
    assert.equal(statSync(join(env.home, 'web', 'secret')).mode & 0o777, 0o600);
    assert.equal(statSync(join(env.home, 'web')).mode & 0o777, 0o700);
  });

  test('the login link works once and sets an HttpOnly SameSite=Strict cookie for this port', async () => {
    const fresh = (await env.amux(['serve', '--login'])).stdout.trim();
    const code = fresh.split('#')[1]!;
    const r = await api(s, 'login', { code }, {});
    assert.equal(r.status, 200, r.body);
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, new RegExp(`^amux_${s.port}=`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.equal((await api(s, 'login', { code }, {})).status, 401, 'a second use is refused');
  });

  test('a bad Host is refused (DNS rebinding)', async () => {
    const r = await http(s, 'GET', '/api/me', { host: `evil.example:${s.port}`, headers: owner });
    assert.equal(r.status, 403);
    assert.match(r.body, /host/);
  });

  test('a bad Origin is refused, and a POST without the custom header', async () => {
    const evil = await http(s, 'POST', '/api/listSessions', { headers: { ...owner, 'Content-Type': 'application/json', 'X-Amux-Request': '1', Origin: 'http://evil.example' }, body: '{}' });
    assert.equal(evil.status, 403);
    const noHeader = await http(s, 'POST', '/api/listSessions', { headers: { ...owner, 'Content-Type': 'application/json', Origin: s.url }, body: '{}' });
    assert.equal(noHeader.status, 403);
    const form = await http(s, 'POST', '/api/listSessions', { headers: { ...owner, 'Content-Type': 'text/plain', 'X-Amux-Request': '1' }, body: '{}' });
    assert.equal(form.status, 415);
  });

  test('the API lists sessions for the owner and refuses without credentials or with a wrong token', async () => {
    const ok = await api(s, 'listSessions', { all: true }, owner);
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(ok.json().sessions.map((x: { name: string }) => x.name), ['sh']);
    assert.equal((await api(s, 'listSessions', {}, {})).status, 401);
    assert.equal((await api(s, 'listSessions', {}, { Authorization: 'Bearer amux_wrong' })).status, 401);
    const bad = await api(s, 'listSessions', { nope: 1 }, owner);
    assert.equal(bad.status, 400, 'input is checked against the core schema');
    const schema = await http(s, 'GET', '/api/schema', { headers: owner });
    assert.ok(schema.json().operations.sendPrompt.input, 'the API publishes the core schemas');
  });

  test('tokens: shown once, stored hashed; a revoked token is refused', async () => {
    const c = await env.amuxJson<{ token: string }>(['token', 'create', 'ci', '--json']);
    const auth = { Authorization: `Bearer ${c.token}` };
    assert.equal((await api(s, 'listSessions', {}, auth)).status, 200);
    const list = await env.amux(['token', 'list']);
    assert.match(list.stdout, /^ci\tfull/m);
    assert.doesNotMatch(list.stdout + JSON.stringify(await env.amuxJson(['token', 'list', '--json'])), new RegExp(c.token.slice(5, 20)));
    assert.equal((await env.amux(['token', 'revoke', 'ci'])).code, 0);
    assert.equal((await api(s, 'listSessions', {}, auth)).status, 401);
  });

  test('WebSocket upgrades: no Origin, a bad Origin, a bad Host or no credentials are refused', async () => {
    const noOrigin = await openWs(s, '/ws/events', { ...owner });
    assert.equal(noOrigin.ok, false);
    assert.equal(!noOrigin.ok && noOrigin.status, 403);
    const evil = await openWs(s, '/ws/events', { ...owner, Origin: 'http://evil.example' });
    assert.equal(!evil.ok && evil.status, 403);
    const host = await openWs(s, '/ws/events', { ...owner, Origin: s.url, Host: `evil.example:${s.port}` });
    assert.equal(!host.ok && host.status, 403);
    const anon = await openWs(s, '/ws/events', { Origin: s.url });
    assert.equal(!anon.ok && anon.status, 401);
    const term = await openWs(s, '/ws/term?session=sh&mode=drive', { Origin: 'http://evil.example', ...owner });
    assert.equal(!term.ok && term.status, 403);
  });

  test('the event socket sends a snapshot of the sessions from the monitor', async () => {
    const r = await openWs(s, '/ws/events', { ...owner, Origin: s.url });
    assert.ok(r.ok);
    const c = r.c;
    assert.ok(await waitFor(() => c.messages.some((m) => m.type === 'snapshot' && m.sessions.some((x: { name: string }) => x.name === 'sh')), 10_000));
    c.ws.close();
  });

  test('a drive terminal types into the pane; the key bar reports each key applied', async () => {
    const r = await openWs(s, '/ws/term?session=sh&mode=drive&cols=80&rows=24', { ...owner, Origin: s.url });
    assert.ok(r.ok, JSON.stringify(r));
    const c = r.c;
    assert.ok(await waitFor(() => c.messages.some((m) => m.type === 'hello' && m.readOnly === false), 10_000));
    c.ws.send(JSON.stringify({ type: 'input', data: 'echo web-$((40+2))' }));
    c.ws.send(JSON.stringify({ type: 'key', key: 'Enter', id: 7 }));
    assert.ok(await waitFor(() => c.messages.some((m) => m.type === 'key' && m.id === 7 && m.applied === true), 10_000), 'Enter reported applied');
    assert.ok(await waitFor(() => pane().includes('web-42'), 10_000), 'the command ran in the pane');
    assert.ok(await waitFor(() => c.output().includes('web-42'), 10_000), 'and its output reached the browser');
    c.ws.close();
  });

  test('a read-only token gets a read-only terminal: input and keys are dropped, the pane unchanged', async () => {
    const t = await env.amuxJson<{ token: string }>(['token', 'create', 'wall', '--read-only', '--json']);
    const auth = { Authorization: `Bearer ${t.token}` };
    assert.equal((await api(s, 'sendKeys', { session: 'sh', keys: ['x'] }, auth)).status, 403);
    const before = pane();
    const r = await openWs(s, '/ws/term?session=sh&mode=drive', { ...auth, Origin: s.url });
    assert.ok(r.ok);
    const c = r.c;
    assert.ok(await waitFor(() => c.messages.some((m) => m.type === 'hello'), 10_000));
    assert.equal(c.messages.find((m) => m.type === 'hello').readOnly, true, 'drive asked, view given');
    c.ws.send(JSON.stringify({ type: 'input', data: 'echo SHOULD-NOT-RUN\r' }));
    c.ws.send(JSON.stringify({ type: 'key', key: 'Enter', id: 1 }));
    assert.ok(await waitFor(() => c.messages.some((m) => m.type === 'key' && m.id === 1), 10_000));
    assert.equal(c.messages.find((m) => m.type === 'key').applied, false);
    assert.ok(c.messages.some((m) => m.type === 'dropped'));
    assert.equal(pane(), before);
    assert.doesNotMatch(pane(), /SHOULD-NOT-RUN/);
    c.ws.close();
  });

  test('an oversized frame closes the socket and types nothing', async () => {
    const before = pane();
    const r = await openWs(s, '/ws/term?session=sh&mode=drive', { ...owner, Origin: s.url });
    assert.ok(r.ok);
    const c = r.c;
    assert.ok(await waitFor(() => c.messages.some((m) => m.type === 'hello'), 10_000));
    c.ws.send(JSON.stringify({ type: 'input', data: 'echo BIG' + 'x'.repeat(300 * 1024) + '\r' }));
    assert.ok(await waitFor(() => c.closed !== null, 10_000));
    assert.equal(c.closed!.code, 1009);
    assert.equal(pane(), before);
    const big = await http(s, 'POST', '/api/listSessions', { headers: { ...owner, 'Content-Type': 'application/json', 'X-Amux-Request': '1' }, body: JSON.stringify({ x: 'y'.repeat(300 * 1024) }) }).catch(() => ({ status: 413 }));
    assert.equal(big.status, 413);
  });

  test('malformed terminal frames are ignored: the server stays up and the pane unchanged', async () => {
    const before = pane();
    const r = await openWs(s, '/ws/term?session=sh&mode=drive', { ...owner, Origin: s.url });
    assert.ok(r.ok);
    const c = r.c;
    assert.ok(await waitFor(() => c.messages.some((m) => m.type === 'hello'), 10_000));
    for (const f of ['not json', 'null', '42', '{"type":"resize","cols":"x","rows":null}', '{"type":"key","key":"__proto__","id":3}', '{"type":"input","data":7}']) c.ws.send(f);
    assert.ok(await waitFor(() => c.messages.some((m) => m.type === 'key' && m.id === 3), 10_000));
    assert.equal(c.messages.find((m) => m.type === 'key' && m.id === 3).applied, false);
    assert.equal(c.closed, null, 'the socket stays open');
    assert.equal((await http(s, 'GET', '/api/me', { headers: owner })).status, 200, 'the server is up');
    assert.equal(pane(), before);
    c.ws.close();
  });

  test("the person's own 200x50 client keeps its size while a small browser viewer is attached", async () => {
    const user = pty.spawn('tmux', ['-L', env.socket, 'attach-session', '-t', 'amux-sh'], { name: 'xterm-256color', cols: 200, rows: 50, env: env.env as Record<string, string> });
    try {
      // 200 columns, and 50 rows less tmux's status line.
      assert.ok(await waitFor(() => size().startsWith('200x'), 10_000), `the user's client sizes the window (${size()})`);
      const userSize = size();
      const view = await openWs(s, '/ws/term?session=sh&mode=view&cols=40&rows=10', { ...owner, Origin: s.url });
      const drive = await openWs(s, '/ws/term?session=sh&mode=drive&cols=50&rows=12', { ...owner, Origin: s.url });
      assert.ok(view.ok && drive.ok);
      assert.ok(await waitFor(() => view.c.messages.some((m) => m.type === 'hello') && drive.c.messages.some((m) => m.type === 'hello'), 10_000));
      assert.ok(await waitFor(() => env.tmux(['list-clients', '-t', 'amux-sh']).trim().split('\n').length === 3, 10_000), 'three clients attached');
      drive.c.ws.send(JSON.stringify({ type: 'resize', cols: 30, rows: 8 }));
      drive.c.ws.send(JSON.stringify({ type: 'key', key: 'Enter', id: 2 }));
      assert.ok(await waitFor(() => drive.c.messages.some((m) => m.type === 'key' && m.id === 2), 10_000));
      assert.equal(size(), userSize);
      assert.equal(env.tmux(['show-options', '-w', '-t', 'amux-sh', '-v', 'window-size']).trim() || 'latest', 'latest', 'never pinned to manual');
      view.c.ws.close();
      drive.c.ws.close();
    } finally {
      user.kill();
    }
  });

  test('share links: view and drive, scoped to one session; revoked and expired ones are refused', async () => {
    const other = await env.amux(['run', '-c', 'sleep 600', '--name', 'other']);
    assert.equal(other.code, 0, other.stderr);
    const sh = await env.amuxJson<{ links: { id: string; mode: string; url: string }[] }>(['share', 'sh', '--json']);
    assert.deepEqual(sh.links.map((l) => l.mode), ['view', 'drive']);
    const view = sh.links[0]!;
    assert.ok(view.url.startsWith(`${s.url}/share#`), view.url);
    const redeem = await api(s, 'share', { link: view.url.split('#')[1] }, {});
    assert.equal(redeem.status, 200, redeem.body);
    const cookie = { Cookie: String(redeem.headers['set-cookie']).split(';')[0]! };
    const listed = await api(s, 'listSessions', {}, cookie);
    assert.deepEqual(listed.json().sessions.map((x: { name: string }) => x.name), ['sh'], 'a share sees its session only');
    assert.equal((await api(s, 'getSession', { session: 'other' }, cookie)).status, 403);
    assert.equal((await api(s, 'sendKeys', { session: 'sh', keys: ['x'] }, cookie)).status, 403, 'the view link cannot type');
    assert.equal((await env.amux(['share', '--revoke', view.id])).code, 0);
    assert.equal((await api(s, 'getSession', { session: 'sh' }, cookie)).status, 401, 'revoked: refused at once');
    assert.equal((await openWs(s, '/ws/events', { ...cookie, Origin: s.url })).ok, false);

    const short = await env.amuxJson<{ links: { url: string; expiresAt: string }[] }>(['share', 'sh', '--read-only', '--expires', '1s', '--json']);
    const link = short.links[0]!;
    const r2 = await api(s, 'share', { link: link.url.split('#')[1] }, {});
    assert.equal(r2.status, 200);
    const c2 = { Cookie: String(r2.headers['set-cookie']).split(';')[0]! };
    await waitFor(() => Date.now() > Date.parse(link.expiresAt) + 50, 5000);
    assert.equal((await api(s, 'getSession', { session: 'sh' }, c2)).status, 401, 'expired: refused');
    assert.equal((await api(s, 'share', { link: link.url.split('#')[1] }, {})).status, 401);
    const listOut = await env.amux(['share', '--list']);
    assert.match(listOut.stdout, /expired/);
  });

  test('handoff: scripts are refused while a person holds control; return tells the agent what changed', async () => {
    const h = await env.amux(['handoff', '--reason', 'log in for me', '--json'], { env: { AMUX_SESSION: 'sh' } });
    assert.equal(h.code, 0, h.stderr);
    const out = JSON.parse(h.stdout) as { url: string; handoff: { reason: string } };
    assert.equal(out.handoff.reason, 'log in for me');
    const stateOf = async () => (await api(s, 'getSession', { session: 'sh' }, owner)).json() as { state: string; reason: string };
    assert.ok(await waitFor(async () => (await stateOf()).state === 'waiting', 10_000), 'the monitor shows it waiting for a person');
    assert.match((await stateOf()).reason, /handed off to a person \(log in for me\)/);
    const send = await env.amux(['send', 'sh', 'echo nope', '--no-wait']);
    assert.equal(send.code, 1);
    assert.match(send.stderr, /handed off to a person/);
    const keys = await env.amux(['keys', 'sh', 'Enter']);
    assert.equal(keys.code, 1);
    const mcp = new Client({ name: 'web-test', version: '0' });
    await mcp.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd: env.dir, env: env.env as Record<string, string>, stderr: 'pipe' }));
    try {
      const viaMcp = (await mcp.callTool({ name: 'send', arguments: { session: 'sh', text: 'echo nope', wait: false } })) as { isError?: boolean; content: { text: string }[] };
      assert.equal(viaMcp.isError, true);
      assert.match(viaMcp.content.map((c) => c.text).join(' '), /handed off to a person/);
    } finally {
      await mcp.close();
    }
    const viaApi = await api(s, 'sendKeys', { session: 'sh', keys: ['Enter'] }, owner);
    assert.equal(viaApi.status, 403);
    assert.equal(viaApi.json().error.code, 'forbidden');
    // The person opens the takeover link: they hold control.
    const take = await api(s, 'share', { link: out.url.split('#')[1] }, {});
    assert.equal(take.status, 200, take.body);
    const info = (await api(s, 'getSession', { session: 'sh' }, owner)).json();
    assert.match(info.handoff.holder, /takeover link/);
    writeFileSync(join(repo, 'a.txt'), 'one\ntwo\n');
    const ret = await env.amux(['handoff', '--return', 'sh', '--json']);
    assert.equal(ret.code, 0, ret.stderr);
    const r = JSON.parse(ret.stdout) as { diffStat: string; delivered: boolean };
    assert.equal((await api(s, 'getSession', { session: 'sh' }, { Cookie: String(take.headers['set-cookie']).split(';')[0]! })).status, 401, 'the takeover link ends with the handoff');
    assert.match(r.diffStat, /a\.txt \| 1 \+/);
    assert.ok(r.delivered);
    assert.ok(await waitFor(() => pane().includes('Control is back'), 10_000), 'the agent was told');
    assert.ok(await waitFor(async () => (await stateOf()).state !== 'waiting', 10_000), 'no longer waiting once returned');
    const again = await env.amux(['keys', 'sh', 'C-c']);
    assert.equal(again.code, 0, again.stderr);
  });

  test('failed logins are rate-limited', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) last = (await api(s, 'login', { code: `wrong-${i}` }, {})).status;
    assert.equal(last, 429);
  });
});

describe('amux serve: caps and exposure', () => {
  const env = new TestEnv('webcap');
  let s: Served;
  let owner: Record<string, string> = {};
  const clients = () => (env.tryTmux(['list-clients', '-t', 'amux-sl']) ?? '').trim().split('\n').filter(Boolean).length;

  before(async () => {
    const r = await env.amux(['run', '-c', 'sleep 600', '--name', 'sl']);
    assert.equal(r.code, 0, r.stderr);
    s = await serve(env, ['--max-terminals', '1'], { AMUX_WEB_IDLE_MS: '1500' });
    owner = await login(s);
  });
  after(async () => {
    await s?.stop();
    await env.cleanup();
  });

  test('terminals are capped, and a socket that answers no ping is closed with its PTY', async () => {
    const a = await openWs(s, '/ws/term?session=sl&mode=view', { ...owner, Origin: s.url });
    assert.ok(a.ok);
    assert.ok(await waitFor(() => a.c.messages.some((m) => m.type === 'hello'), 10_000));
    const b = await openWs(s, '/ws/term?session=sl&mode=view', { ...owner, Origin: s.url });
    assert.equal(!b.ok && b.status, 429, 'over the cap');
    assert.ok(await waitFor(() => clients() === 1, 10_000), 'one tmux client attached');
    // Stop reading: the pings go unanswered.
    (a.c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    assert.ok(await waitFor(() => clients() === 0, 15_000), 'the idle socket and its tmux client are gone');
    const c = await openWs(s, '/ws/term?session=sl&mode=view', { ...owner, Origin: s.url });
    assert.ok(c.ok, 'room again');
    c.c.ws.close();
  });

  test('under a service manager the login link is not printed (it would land in the journal)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { cwd: env.dir, env: { ...env.env, INVOCATION_ID: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    try {
      assert.ok(await waitFor(() => /log in/.test(out), 20_000), out);
      assert.match(out, /amux serve --login/);
      assert.doesNotMatch(out, /#/);
    } finally {
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null, 10_000);
    }
  });

  test('a non-loopback address needs --expose, and then TLS and a token', async () => {
    const plain = await env.amux(['serve', '--host', '0.0.0.0', '--port', '0']);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /--expose/);
    const noToken = await env.amux(['serve', '--host', '0.0.0.0', '--port', '0', '--expose']);
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /token/);
  });

  test('--expose serves TLS with a generated self-signed certificate and prints its fingerprint', async () => {
    const t = await env.amuxJson<{ token: string }>(['token', 'create', 'remote', '--json']);
    const x = await serve(env, ['--host', '0.0.0.0', '--expose', '--allow-host', 'amux.test']);
    try {
      assert.match(x.url, /^https:/);
      const m = /fingerprint: (\S+)/.exec(x.stdout());
      assert.ok(m, x.stdout());
      assert.equal(statSync(join(env.home, 'web', 'tls', 'key.pem')).mode & 0o777, 0o600);
      const { request } = await import('node:https');
      const got = await new Promise<{ status: number; fp: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: x.port, path: '/api/listSessions', method: 'POST', rejectUnauthorized: false, headers: { Host: `amux.test:${x.port}`, 'Content-Type': 'application/json', 'X-Amux-Request': '1', Authorization: `Bearer ${t.token}` } },
          (res) => {
            const fp = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? '';
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, fp }));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      assert.equal(got.status, 200);
      assert.equal(got.fp, m[1]);
    } finally {
      await x.stop();
    }
  });
});
