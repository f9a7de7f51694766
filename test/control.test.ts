import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlClient, ControlClosedError, MONITOR_SESSION, parseSubscription, quoteControlArg } from '../src/tmux/control.ts';
import { TmuxError } from '../src/tmux/errors.ts';
import { ControlEngine, ExecEngine, type Engine } from '../src/tmux/engine.ts';
import { commandLine } from '../src/tmux/exec.ts';
import { TestEnv, waitFor } from './helpers.ts';

async function withClient(name: string, fn: (c: ControlClient, env: TestEnv) => Promise<void>): Promise<void> {
  const env = new TestEnv(name);
  const c = await ControlClient.connect({ socket: { name: env.socket }, env: env.env });
  try {
    await fn(c, env);
  } finally {
    await c.close();
    await env.cleanup();
  }
}

test('connects to a hidden session of its own, created on demand', async () => {
  await withClient('ctlconn', async (c, env) => {
    assert.ok(c.clientName.length > 0);
    assert.equal(c.session, MONITOR_SESSION);
    assert.match(env.tmux(['list-sessions', '-F', '#{session_name}']), new RegExp(`^${MONITOR_SESSION}$`, 'm'));
    const flags = env.tmux(['list-clients', '-F', '#{client_control_mode} #{client_flags}']);
    assert.match(flags, /^1 .*no-output/m);
    // A second client re-uses the session (new-session -A).
    const c2 = await ControlClient.connect({ socket: { name: env.socket }, env: env.env });
    assert.equal(env.tmux(['list-sessions', '-F', '#{session_name}']).trim().split('\n').length, 1);
    await c2.close();
    assert.ok(c2.closed);
  });
});

test('100 pipelined commands return in order with the right contents', async () => {
  await withClient('ctlpipe', async (c) => {
    const ps: Promise<string[]>[] = [];
    for (let i = 0; i < 100; i++) ps.push(c.command(['display-message', '-p', `reply ${i}`]));
    assert.ok(c.inFlight > 0);
    const rs = await Promise.all(ps);
    rs.forEach((r, i) => assert.deepEqual(r, [`reply ${i}`]));
    assert.equal(c.inFlight, 0);
    // Multi-line replies stay together.
    for (let i = 0; i < 3; i++) await c.command(['new-window', '-d', '-t', `=${MONITOR_SESSION}:`]);
    const wins = await c.command(['list-windows', '-t', `=${MONITOR_SESSION}:`, '-F', '#{window_id}']);
    assert.equal(wins.length, 4);
    assert.ok(wins.every((w) => /^@\d+$/.test(w)));
  });
});

test('an error rejects only its own promise', async () => {
  await withClient('ctlerr', async (c) => {
    const a = c.command(['display-message', '-p', 'before']);
    const bad = c.command(['has-session', '-t', '=no-such-session-here']);
    const parse = c.command(['no-such-command']);
    const b = c.command(['display-message', '-p', 'after']);
    assert.deepEqual(await a, ['before']);
    await assert.rejects(bad, (e: unknown) => e instanceof TmuxError && /can't find session/.test(e.stderr));
    await assert.rejects(parse, (e: unknown) => e instanceof TmuxError && /unknown command/.test(e.stderr));
    assert.deepEqual(await b, ['after']);
    await assert.rejects(c.command([]), /empty command/);
    assert.deepEqual(await c.command(['display-message', '-p', 'still alive']), ['still alive']);
  });
});

test("argument quoting survives ' % ; # $ spaces -leading ~ \\ and newlines", async () => {
  await withClient('ctlquote', async (c) => {
    const values = [
      "it's",
      '%if',
      '%hidden x',
      'a ; b',
      ';',
      '\\;',
      '# not a comment',
      '$HOME and ${HOME}',
      '  two  spaces  ',
      '-t',
      '--leading',
      '~',
      'back\\slash',
      'quote"d',
      'tab\there',
      'line1\nline2',
      'émoji ✻ ❯',
      '',
    ];
    for (const v of values) {
      await c.command(['set-option', '-g', '@amux_quote_test', v]);
      const got = await c.command(['show-options', '-gv', '@amux_quote_test']);
      assert.equal(got.join('\n'), v, JSON.stringify(v));
    }
    // On the command name and flags too.
    assert.deepEqual(await c.command(['display-message', '-p', "%1 it's $x ; -t"]), ["%1 it's $x ; -t"]);
  });
});

test('quoteControlArg: single quotes, or double quotes with escapes for control characters', () => {
  assert.equal(quoteControlArg("a'b"), `'a'\\''b'`);
  assert.equal(quoteControlArg('a\nb$"\\'), '"a\\012b\\$\\"\\\\"');
});

test('a subscription fires on change', async () => {
  await withClient('ctlsub', async (c, env) => {
    const seen: string[] = [];
    c.on('subscription', (ev) => {
      if (ev.name === 'watch') seen.push(ev.value);
    });
    await c.subscribe('watch', '#{@amux_sub_test}');
    env.tmux(['set-option', '-g', '@amux_sub_test', 'first value']);
    await waitFor(() => seen.includes('first value'), 5000, 50);
    assert.ok(seen.includes('first value'), JSON.stringify(seen));
    // A whole-server loop format.
    await c.subscribe('panes', '#{S:#{W:#{P:#{pane_id}=#{@amux_state} }}}');
    const got: string[] = [];
    c.on('subscription', (ev) => {
      if (ev.name === 'panes') got.push(ev.value);
    });
    const pane = env.tmux(['display-message', '-p', '-t', `=${MONITOR_SESSION}:`, '#{pane_id}']).trim();
    env.tmux(['set-option', '-p', '-t', pane, '@amux_state', 'running']);
    await waitFor(() => got.some((v) => v.includes(`${pane}=running`)), 5000, 50);
    assert.ok(got.some((v) => v.includes(`${pane}=running`)), JSON.stringify(got));
    await c.unsubscribe('panes');
  });
});

test('parseSubscription reads session- and pane-level lines', () => {
  assert.deepEqual(parseSubscription('%subscription-changed s1 $0 - - - : a : b'), {
    name: 's1',
    sessionId: '$0',
    windowId: '-',
    windowIndex: '-',
    paneId: '-',
    value: 'a : b',
  });
  assert.equal(parseSubscription('%subscription-changed p $1 @2 0 %3 : ')!.value, '');
  assert.equal(parseSubscription('%subscription-changed p $1 @2 0 %3 future args : v')!.value, 'v');
  assert.equal(parseSubscription('%subscription-changed broken'), null);
});

test('killing its session gives exit and rejects what was pending', async () => {
  const env = new TestEnv('ctlexit');
  try {
    // Keep the server alive after the monitor session dies.
    env.tmux(['new-session', '-d', '-s', 'keep']);
    const c = await ControlClient.connect({ socket: { name: env.socket }, env: env.env });
    const exited = new Promise<string>((r) => c.once('exit', r));
    env.tmux(['kill-session', '-t', `=${MONITOR_SESSION}:`]);
    const reason = await exited;
    assert.ok(typeof reason === 'string');
    assert.ok(c.closed);
    await assert.rejects(c.command(['display-message', '-p', 'x']), (e: unknown) => e instanceof ControlClosedError);
    // The owner reconnects with a new client.
    const c2 = await ControlClient.connect({ socket: { name: env.socket }, env: env.env });
    assert.deepEqual(await c2.command(['display-message', '-p', 'again']), ['again']);
    // Pending commands are rejected when the client goes away without answering them. A
    // wait-for is answered at once but blocks the client's queue: the next command hangs.
    await c2.command(['wait-for', 'amux-test-never-signalled']);
    const pending = c2.command(['display-message', '-p', 'blocked']);
    const serverPid = Number(env.tmux(['display-message', '-p', '#{pid}']).trim());
    await new Promise((r) => setTimeout(r, 100));
    process.kill(serverPid, 'SIGKILL');
    await assert.rejects(pending, (e: unknown) => e instanceof ControlClosedError);
    await c2.waitExit();
  } finally {
    await env.cleanup();
  }
});

test('attach mode: an existing session only; a missing one rejects connect', async () => {
  const env = new TestEnv('ctlattach');
  try {
    env.tmux(['new-session', '-d', '-s', 'mon']);
    await assert.rejects(ControlClient.connect({ socket: { name: env.socket }, env: env.env, session: 'nosuch', create: false }), (e: unknown) => e instanceof TmuxError && /can't find session/.test(e.message));
    const c = await ControlClient.connect({ socket: { name: env.socket }, env: env.env, session: 'mon', create: false });
    assert.deepEqual(await c.command(['display-message', '-p', '#{session_name}']), ['mon']);
    await c.close();
  } finally {
    await env.cleanup();
  }
});

test('commandLine separates commands with its own `;` and keeps a word ending in `;` as text', () => {
  assert.deepEqual(commandLine([['set-option', '-g', '@a', 'x;'], ['set-option', '-g', '@b', ';'], ['set-option', '-g', '@c', 'y\\;']]), [
    'set-option', '-g', '@a', 'x\\;', ';', 'set-option', '-g', '@b', '\\;', ';', 'set-option', '-g', '@c', 'y\\\\;',
  ]);
});

test('both engines run a batch in order with `;` in words kept as text', async () => {
  const env = new TestEnv('engines');
  process.env.AMUX_HOME = env.home;
  const c = await ControlClient.connect({ socket: { name: env.socket }, env: env.env });
  try {
    const engines: [string, Engine][] = [['exec', new ExecEngine({ name: env.socket })], ['control', new ControlEngine(c)]];
    for (const [name, engine] of engines) {
      const values = ['x;', ';', 'y\\;', 'a ; b'];
      await engine.runBatch(values.map((v, i) => ['set-option', '-g', `@${name}_${i}`, v]));
      const out = await engine.runBatch(values.map((_, i) => ['show-options', '-gqv', `@${name}_${i}`]));
      assert.equal(out, values.map((v) => `${v}\n`).join(''), name);
      await assert.rejects(engine.runBatch([['display-message', '-p', 'ok'], ['has-session', '-t', '=no-such-session']]), (e: unknown) => e instanceof TmuxError, name);
    }
    await assert.rejects(new ControlEngine(c).run(['load-buffer', '-'], { input: 'x' }), /control mode cannot pass stdin/);
  } finally {
    await c.close();
    await env.cleanup();
  }
});
