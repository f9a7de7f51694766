/**
 * Sessions on other machines over SSH, end to end: a real sshd on a loopback port (its own config,
 * host key and a throwaway client key), a second AMUX_HOME and tmux server acting as the remote
 * machine (see hosts-sshd.ts), and this machine's amux talking to it as a user's would.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { TestEnv, CLI, waitFor } from './helpers.ts';
import { SshServer, RemoteMachine, haveSshd } from './hosts-sshd.ts';
import { controlPath, parseTarget, sshArgv, remoteCommand } from '../src/hosts/ssh.ts';
import { shQuote } from '../src/util/quote.ts';

interface Row {
  name: string;
  host: string | null;
  state: string;
  online: boolean;
  seenAt: string | null;
}

describe('hosts: ssh argv', () => {
  test('the ssh command line: reused connection, batch mode, accept-new, a short control path, every remote word quoted', () => {
    const host = { name: 'b', ssh: 'me@build.example:2222', identity: '/k/id', amux: '/opt/my amux/bin/amux' };
    const argv = sshArgv(host, ['host', 'serve'], { env: { AMUX_HOME: '/tmp/x' } });
    const opts = argv.flatMap((a, i) => (argv[i - 1] === '-o' ? [a] : []));
    for (const o of ['BatchMode=yes', 'StrictHostKeyChecking=accept-new', 'ControlMaster=auto', 'ServerAliveInterval=5']) assert.ok(opts.includes(o), o);
    assert.ok(opts.some((o) => /^ConnectTimeout=\d+$/.test(o)));
    assert.ok(opts.some((o) => /^ControlPersist=/.test(o)));
    assert.ok(!opts.some((o) => /StrictHostKeyChecking=no/.test(o)));
    const cp = opts.find((o) => o.startsWith('ControlPath='))!.slice('ControlPath='.length);
    assert.equal(cp, controlPath(host, { AMUX_HOME: '/tmp/x' }));
    assert.ok(cp.startsWith('/tmp/x/ssh/') && cp.length < 40, cp);
    // A long AMUX_HOME still gives a socket path that fits (108 bytes with ssh's temporary suffix).
    assert.ok(controlPath(host, { AMUX_HOME: '/' + 'd'.repeat(120) }).length + 17 < 108);
    assert.deepEqual(argv.slice(argv.indexOf('-p'), argv.indexOf('-p') + 2), ['-p', '2222']);
    assert.deepEqual(argv.slice(-4), ['-T', '--', 'me@build.example', `'/opt/my amux/bin/amux' host serve`]);
    // Hostile words reach the remote shell as single words.
    assert.equal(remoteCommand({ name: 'x', ssh: 'h' }, ['attach', "a'b $(x) `y` ;|&"]), `amux attach 'a'\\''b $(x) \`y\` ;|&'`);
  });

  test('destinations that ssh could read as options, or that are not one destination, are refused', () => {
    assert.deepEqual(parseTarget('me@host:22'), { destination: 'me@host', port: 22 });
    assert.deepEqual(parseTarget('me@[::1]:2200'), { destination: 'me@::1', port: 2200 });
    for (const bad of ['-oProxyCommand=x', 'me@-oX', 'a b', 'h:99999', 'me@h:x', '', 'a\nb']) assert.equal(parseTarget(bad), null, bad);
  });
});

describe('hosts: the remote end (amux host serve)', () => {
  test('answers one JSON request with one JSON line; refuses unknown operations and references to other hosts', async () => {
    const env = new TestEnv('serve');
    try {
      const ask = async (req: unknown) => {
        const r = await env.amux(['host', 'serve'], { input: JSON.stringify(req) });
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; result?: { version?: string; sessions?: unknown[] }; error?: { code: string; message: string } };
      };
      const v = await ask({ op: 'version' });
      assert.equal(v.ok, true);
      assert.match(v.result!.version!, /^\d+\.\d+\.\d+/);
      assert.deepEqual((await ask({ op: 'listSessions', input: { all: true } })).result!.sessions, []);
      const bad = await ask({ op: 'rm -rf /' });
      assert.equal(bad.ok, false);
      assert.equal(bad.error!.code, 'usage');
      const relay = await ask({ op: 'captureSession', input: { session: 'other:x' } });
      assert.equal(relay.ok, false);
      assert.match(relay.error!.message, /not a session of this machine/);
      const missing = await ask({ op: 'getSession', input: { session: 'nope' } });
      assert.equal(missing.error!.code, 'not_found');
      const notJson = await env.amux(['host', 'serve'], { input: 'hello' });
      assert.equal((JSON.parse(notJson.stdout) as { ok: boolean }).ok, false);
    } finally {
      await env.cleanup();
    }
  });
});

describe('hosts over a real sshd', { skip: haveSshd ? false : 'sshd is not installed (apt-get install openssh-server)' }, () => {
  let sshd: SshServer;
  let remote: RemoteMachine;
  let local: TestEnv;
  const ps = async (args: string[]) => {
    const r = await local.amux(['ps', ...args, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return { rows: JSON.parse(r.stdout) as Row[], stderr: r.stderr };
  };
  const hostOf = () => ({ name: 'box', ssh: sshd.destination, identity: sshd.clientKey });

  before(async () => {
    sshd = new SshServer();
    await sshd.start();
    remote = new RemoteMachine();
    local = new TestEnv('local');
    local.env.AMUX_SSH_CONFIG = sshd.sshConfig;
    const r = await local.amux(['host', 'add', 'box', '--ssh', sshd.destination, '--identity', sshd.clientKey, '--amux', remote.amux, '--dir', remote.env.dir, '--timeout', '20s']);
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    await sshd?.cleanup();
    await local?.cleanup();
    await remote?.cleanup();
  });

  test('host add writes the user config (0600, validated); host list and host check', async () => {
    const file = join(local.dir, 'config', 'amux', 'config.yaml');
    assert.match(readFileSync(file, 'utf8'), /hosts:\n\s+box:\n\s+ssh: /);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const bad = await local.amux(['host', 'add', 'evil', '--ssh=-oProxyCommand=touch /tmp/x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not an ssh destination/);
    const check = await local.amux(['host', 'check', 'box', '--json']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const [c] = JSON.parse(check.stdout) as { ok: boolean; version: string }[];
    assert.equal(c!.ok, true);
    assert.match(c!.version, /^\d+\.\d+\.\d+/);
    const list = await local.amuxJson<{ name: string; ssh: string }[]>(['host', 'list', '--json']);
    assert.deepEqual(list.map((h) => [h.name, h.ssh]), [['box', sshd.destination]]);
    // One reused connection: the master's control socket lives under AMUX_HOME.
    assert.ok(existsSync(controlPath(hostOf(), local.env)), 'control socket');
  });

  test('a host without amux: a clear message with the command that installs it', async () => {
    const r0 = await local.amux(['host', 'add', 'bare', '--ssh', sshd.destination, '--identity', sshd.clientKey, '--amux', '/nonexistent/amux']);
    assert.equal(r0.code, 0, r0.stderr);
    try {
      const r = await local.amux(['host', 'check', 'bare']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /amux is not installed on bare/);
      assert.match(r.stdout, /npm install -g amux/);
      const ps = await local.amux(['capture', 'bare:x']);
      assert.equal(ps.code, 1);
      assert.match(ps.stderr, /amux is not installed on bare.*install it there: ssh /);
      // An amux that predates `host serve`: told to update it.
      const old = join(remote.env.dir, 'bin', 'old-amux');
      writeFileSync(old, '#!/bin/sh\necho "Unknown Syntax Error: Command not found; did you mean one of:" >&2\nexit 2\n', { mode: 0o755 });
      assert.equal((await local.amux(['host', 'add', 'bare', '--ssh', sshd.destination, '--identity', sshd.clientKey, '--amux', old])).code, 0);
      const r2 = await local.amux(['host', 'check', 'bare']);
      assert.equal(r2.code, 1);
      assert.match(r2.stdout, /the amux on bare is too old.*update it there/);
    } finally {
      assert.equal((await local.amux(['host', 'rm', 'bare'])).code, 0);
    }
  });

  test('run --host starts there with that machine\'s amux; ps --host and --all-hosts list it next to local sessions', async () => {
    const r = await local.amux(['run', '--host', 'box', 'shell', '-n', 'rsh', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { name: string }).name, 'box:rsh');
    // It lives on the remote machine's server, recorded by its amux, and nowhere here.
    assert.match(remote.env.tmux(['list-sessions', '-F', '#{session_name}']), /^amux-rsh$/m);
    assert.equal((await local.amux(['run', 'shell', '-n', 'lsh'])).code, 0);
    const { rows } = await ps(['--host', 'box']);
    assert.deepEqual(rows.map((x) => [x.host, x.name, x.online]), [['box', 'rsh', true]]);
    const all = await ps(['--all-hosts']);
    assert.deepEqual(all.rows.map((x) => `${x.host ?? '-'}:${x.name}`).sort(), ['-:lsh', 'box:rsh']);
    // The remote state is the remote monitor's: it moves from starting to a settled state there.
    await waitFor(async () => (await ps(['--host', 'box'])).rows.find((x) => x.name === 'rsh')?.state === 'idle', 40_000, 300);
    assert.equal((await ps(['--host', 'box'])).rows[0]!.state, 'idle');
    const text = await local.amux(['ps', '--all-hosts']);
    assert.match(text.stdout, /^HOST\s+NAME/m);
    assert.match(text.stdout, /^box\s+box:rsh\s/m);
    assert.match(text.stdout, /^-\s+lsh\s/m);
  });

  test('send and await across the link: the prompt arrives literally, the reply comes back', async () => {
    const r = await local.amux(['run', '--host', 'box', 'claude', '-n', 'rc', '-e', 'FAKE_SCRIPT=busy:1,done']);
    assert.equal(r.code, 0, r.stderr);
    const hostile = `it's "quoted" $(touch ${join(remote.env.dir, 'pwned')}) \`id\` $HOME; a | b & c \\ 'end'`;
    const s = await local.amux(['send', 'box:rc', hostile, '--json', '--timeout', '60s'], { timeoutMs: 90_000 });
    assert.equal(s.code, 0, s.stderr);
    const res = JSON.parse(s.stdout) as { session: string; done: boolean; output: string };
    assert.equal(res.session, 'box:rc');
    assert.equal(res.done, true);
    assert.ok(res.output.includes(`Done: ${hostile}`), res.output);
    assert.equal(existsSync(join(remote.env.dir, 'pwned')), false, 'nothing was run by a shell');
    const a = await local.amux(['await', 'box:rc', '--until', 'idle', '--timeout', '30s', '--json'], { timeoutMs: 60_000 });
    assert.equal(a.code, 0, a.stderr);
    assert.equal((JSON.parse(a.stdout) as { name: string; matched: boolean }).name, 'box:rc');
    // The same text, read on the far side with its own amux.
    const cap = await remote.env.amux(['capture', 'rc']);
    assert.ok(cap.stdout.includes(`> ${hostile}`), cap.stdout);
  });

  test('capture, keys, logs and explain across the link; hostile references arrive literally', async () => {
    const marker = 'remote-marker-42';
    assert.equal((await local.amux(['run', '--host', 'box', '-c', `echo ${marker}; exec cat`, '-n', 'rcat'])).code, 0);
    const cap = await waitFor(async () => {
      const c = await local.amux(['capture', 'box:rcat']);
      return c.stdout.includes(marker) ? c : null;
    }, 40_000, 300);
    assert.ok(cap, 'capture shows the remote screen');
    const k = await local.amux(['keys', 'box:rcat', 'x', 'y', 'Enter']);
    assert.equal(k.code, 0, k.stderr);
    assert.ok(await waitFor(async () => (await local.amux(['capture', 'box:rcat'])).stdout.includes('xy'), 40_000, 300));
    const logs = await local.amux(['logs', 'box:rcat']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, new RegExp(marker));
    const ex = await local.amuxJson<{ name: string; state: string }>(['explain', 'box:rcat', '--json']);
    assert.equal(ex.name, 'box:rcat');
    const evil = `$(touch ${join(remote.env.dir, 'pwned2')});\`x\``;
    const r = await local.amux(['capture', `box:${evil}`]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`box: no session "${evil}"`) || r.stderr.includes(evil), r.stderr);
    assert.equal(existsSync(join(remote.env.dir, 'pwned2')), false);
    const unknown = await local.amux(['capture', 'nohost:x']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no host "nohost"/);
  });

  test('stop and rm across the link', async () => {
    assert.equal((await local.amux(['run', '--host', 'box', 'shell', '-n', 'rstop'])).code, 0);
    const s = await local.amux(['stop', 'box:rstop', '--now']);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^box:rstop: /m);
    assert.ok(await waitFor(async () => (await ps(['--host', 'box', '--all'])).rows.find((x) => x.name === 'rstop')?.state === 'exited', 40_000, 300));
    const rm = await local.amux(['rm', 'box:rstop']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(rm.stdout, /removed box:rstop/);
    assert.equal((await remote.env.amux(['ps', '--all', '--json'])).stdout.includes('"rstop"'), false);
  });

  test('attach through a tmux pane, inside tmux and outside it (ssh -t running the remote attach)', async () => {
    assert.equal((await local.amux(['run', '--host', 'box', '-c', 'echo attached-far-side; exec cat', '-n', 'ratt'])).code, 0);
    const term = local.extraSocket('term');
    const run = (cmd: string) => `${shQuote(process.execPath)} ${shQuote(CLI)} attach box:ratt; ${cmd}`;
    const envArgs = Object.entries({ AMUX_HOME: local.home, XDG_CONFIG_HOME: local.env.XDG_CONFIG_HOME!, AMUX_SSH_CONFIG: sshd.sshConfig, AMUX_TMUX_SOCKET: local.socket }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const { execFileSync } = await import('node:child_process');
    const t = (args: string[]) => execFileSync('tmux', ['-L', term, ...args], { encoding: 'utf8', env: local.env });
    // Inside tmux: the pane has $TMUX; there is no client to show a popup, so it attaches in the pane.
    t(['new-session', '-d', '-s', 'in', '-x', '120', '-y', '30', ...envArgs, run('sleep 60')]);
    const inside = await waitFor(() => t(['capture-pane', '-p', '-t', '=in:']).includes('attached-far-side'), 30_000, 200);
    assert.ok(inside, t(['capture-pane', '-p', '-t', '=in:']));
    // Outside tmux.
    t(['new-session', '-d', '-s', 'out', '-x', '120', '-y', '30', ...envArgs, `env -u TMUX -u TMUX_PANE sh -c ${shQuote(run('sleep 60'))}`]);
    const outside = await waitFor(() => t(['capture-pane', '-p', '-t', '=out:']).includes('attached-far-side'), 30_000, 200);
    assert.ok(outside, t(['capture-pane', '-p', '-t', '=out:']));
    // Typing in the attached pane reaches the remote session.
    t(['send-keys', '-t', '=out:', '-l', 'typed-through-ssh']);
    t(['send-keys', '-t', '=out:', 'Enter']);
    assert.ok(await waitFor(async () => (await remote.env.amux(['capture', 'ratt'])).stdout.includes('typed-through-ssh'), 20_000, 200));
    t(['kill-server']);
  });

  test('a dead control socket (accepts, never answers) is replaced instead of hanging', async () => {
    const path = controlPath(hostOf(), local.env);
    // End the real master, then put a listener that never speaks where its socket was.
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('ssh', ['-o', `ControlPath=${path}`, '-O', 'exit', 'x'], { stdio: 'ignore', timeout: 5000 });
    } catch {
      /* no master */
    }
    rmSync(path, { force: true });
    const silent: NetServer = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(path, r));
    try {
      const { rows, stderr } = await ps(['--host', 'box']);
      assert.equal(stderr, '');
      assert.ok(rows.length > 0 && rows.every((x) => x.online), JSON.stringify(rows));
      const cap = await local.amux(['capture', 'box:rcat']);
      assert.equal(cap.code, 0, cap.stderr);
    } finally {
      silent.close();
    }
  });

  test('ps --all-hosts --watch: this machine at once, each host as it answers', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'ps', '--all-hosts', '--watch', '--json'], { cwd: local.dir, env: local.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const frames: Row[][] = [];
    let buf = '';
    child.stdout!.on('data', (b: Buffer) => {
      buf += b.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        frames.push(JSON.parse(buf.slice(0, i)) as Row[]);
        buf = buf.slice(i + 1);
      }
    });
    try {
      assert.ok(await waitFor(() => frames.length > 0, 30_000, 50), 'a first frame');
      assert.ok(frames[0]!.some((x) => x.host === null && x.name === 'lsh'), JSON.stringify(frames[0]));
      assert.ok(await waitFor(() => frames.some((f) => f.some((x) => x.host === 'box' && x.name === 'rsh' && x.online)), 60_000, 100), 'the host\'s sessions join');
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  });

  test('the sshd stops: the host shows offline with its last sessions, local sessions still list', async () => {
    const before = (await ps(['--all-hosts'])).rows.filter((x) => x.host === 'box').map((x) => x.name).sort();
    assert.ok(before.length > 0);
    await sshd.stop();
    const local1 = await local.amux(['ps', '--json']);
    assert.equal(local1.code, 0);
    assert.deepEqual((JSON.parse(local1.stdout) as Row[]).map((x) => x.name), ['lsh']);
    const { rows, stderr } = await ps(['--all-hosts', '--timeout', '3s']);
    const remoteRows = rows.filter((x) => x.host === 'box');
    assert.deepEqual(remoteRows.map((x) => x.name).sort(), before);
    assert.ok(remoteRows.every((x) => x.online === false && x.seenAt), JSON.stringify(remoteRows));
    assert.equal(statSync(join(local.home, 'hosts', 'box.json')).mode & 0o777, 0o600);
    assert.ok(rows.some((x) => x.host === null && x.name === 'lsh'));
    assert.match(stderr, /host box is offline/);
    const text = await local.amux(['ps', '--all-hosts', '--timeout', '3s']);
    assert.match(text.stdout, /⚠ offline, seen \d+s ago/);
    const check = await local.amux(['host', 'check', 'box']);
    assert.equal(check.code, 1);
    assert.match(check.stdout, /cannot reach host box/);
    // Back again: online, with live states.
    await sshd.start();
    assert.ok(await waitFor(async () => (await ps(['--host', 'box'])).rows.every((x) => x.online), 60_000, 300));
  });
});
