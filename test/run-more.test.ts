/** amux run in workspaces, attach inside tmux, and the demo. */
import { test, describe, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, CLI } from './helpers.ts';

interface Row {
  id: string;
  name: string;
  workspace: string | null;
  cwd: string;
  state: string;
  agent: string;
  tmux: { session: string; sessionId?: string; pane: string };
}

describe('run --workspace', () => {
  const env = new TestEnv('runws');
  after(() => env.cleanup());

  test('creates the worktree when missing, runs there, and rm removes a clean workspace', async () => {
    const repo = env.gitRepo('repo', { 'README.md': '# r\n', '.gitignore': '.env\n' });
    writeFileSync(join(repo, '.env'), 'TOKEN=abc\n');
    mkdirSync(join(repo, '.amux'), { recursive: true });
    writeFileSync(join(repo, '.amux', 'config.yaml'), 'workspaces:\n  copy: [".env*"]\n');
    const r = await env.amux(['run', '-c', 'pwd; cat .env; sleep 60', '--workspace', 'feat', '--name', 'inws', '--json'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const row = JSON.parse(r.stdout) as Row;
    const wt = join(repo, '.amux', 'workspaces', 'feat');
    assert.equal(row.workspace, 'feat');
    assert.equal(row.cwd, wt);
    assert.ok(existsSync(join(wt, 'README.md')));
    assert.equal(env.git(wt, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'amux/feat');
    const log = await waitFor(async () => {
      const out = (await env.amux(['logs', 'inws'], { cwd: repo })).stdout;
      return out.includes('TOKEN=abc') ? out : '';
    });
    assert.ok(log.includes(wt), 'the agent runs in the worktree');
    // a second agent joins the existing workspace
    const r2 = await env.amux(['run', 'shell', '--workspace', 'feat', '--json'], { cwd: repo });
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((JSON.parse(r2.stdout) as Row).name, 'shell-feat');
    // ps filters by workspace and project
    const inFeat = await env.amuxJson<Row[]>(['ps', '--json', '-w', 'feat'], { cwd: repo });
    assert.equal(inFeat.length, 2);
    const here = await env.amuxJson<Row[]>(['ps', '--json', '--here'], { cwd: repo });
    assert.equal(here.length, 2);
    const elsewhere = await env.amuxJson<Row[]>(['ps', '--json', '--here'], { cwd: env.dir });
    assert.equal(elsewhere.length, 0);
    // rm of one session keeps the workspace the other still uses; the last one removes it
    const rm1 = await env.amux(['rm', '--force', 'inws'], { cwd: repo });
    assert.equal(rm1.code, 0, rm1.stderr);
    assert.match(rm1.stderr, /kept workspace feat/);
    assert.ok(existsSync(wt));
    const rm2 = await env.amux(['rm', '--force', 'shell-feat'], { cwd: repo });
    assert.equal(rm2.code, 0, rm2.stderr);
    assert.match(rm2.stdout, /removed workspace feat/);
    assert.equal(existsSync(wt), false);
  });

  test('rm keeps a workspace with uncommitted work', async () => {
    const repo = env.gitRepo('repo2');
    const r = await env.amux(['run', '-c', 'echo change > new-file.txt; sleep 60', '--workspace', 'dirty', '--name', 'dirtyone'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const wt = join(repo, '.amux', 'workspaces', 'dirty');
    await waitFor(() => existsSync(join(wt, 'new-file.txt')));
    const rm = await env.amux(['rm', '--force', 'dirtyone'], { cwd: repo });
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(rm.stderr, /kept workspace dirty/);
    assert.ok(existsSync(join(wt, 'new-file.txt')), 'nothing lost');
  });
});

describe('attach inside tmux', () => {
  const env = new TestEnv('attach');
  const outer = new TestEnv('outer');
  after(async () => {
    await outer.cleanup();
    await env.cleanup();
  });

  test('inside tmux, attach opens a popup that closes on detach; --switch moves the client instead', async () => {
    assert.equal((await env.amux(['run', '-c', 'sleep 120', '--name', 'target'])).code, 0);
    // A real client: `tmux attach` to a home session, running in a pane of a second (outer) server.
    env.tmux(['new-session', '-d', '-s', 'home', '-x', '100', '-y', '30']);
    outer.tmux(['new-session', '-d', '-s', 'term', '-x', '120', '-y', '40', `env -u TMUX tmux -L ${env.socket} attach -t home`]);
    // The monitor's control-mode client is listed too: look at terminal clients only.
    const clientOn = () =>
      env
        .tmux(['list-clients', '-F', '#{client_control_mode} #{client_session}'])
        .split('\n')
        .filter((l) => l.startsWith('0 '))
        .map((l) => l.slice(2))
        .sort()
        .join(',');
    assert.ok(await waitFor(() => clientOn() === 'home'), `client attached to home; outer pane shows: ${outer.tmux(['capture-pane', '-p', '-t', '=term:'])}`);
    // Inside the home session, run `amux attach target` as a user would.
    const attach = (...extra: string[]) => {
      const cmd = `AMUX_TMUX_SOCKET=${env.socket} AMUX_HOME=${env.home} XDG_CONFIG_HOME=${env.env.XDG_CONFIG_HOME} ${process.execPath} ${CLI} attach target ${extra.join(' ')}`;
      env.tmux(['send-keys', '-t', '=home:', '-l', cmd]);
      env.tmux(['send-keys', '-t', '=home:', 'Enter']);
    };
    attach();
    // A popup over the person's client holds a second client, on the target; theirs stays home.
    assert.ok(await waitFor(() => clientOn() === 'amux-target,home', 10_000), `a popup client on amux-target (clients on ${clientOn()})`);
    // prefix d, typed at the person's terminal, detaches the popup's client: they are back home.
    outer.tmux(['send-keys', '-t', '=term:', 'C-b', 'd']);
    assert.ok(await waitFor(() => clientOn() === 'home', 10_000), `back home after detaching (clients on ${clientOn()})`);
    attach('--switch');
    assert.ok(await waitFor(() => clientOn() === 'amux-target', 10_000), `--switch moved the client to amux-target (on ${clientOn()})`);
  });
});

describe('demo', () => {
  const env = new TestEnv('demo');
  after(() => env.cleanup());

  test('amux demo starts agents that move through states; --stop removes them', async () => {
    const r = await env.amux(['demo', '--no-tui']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /started demo-builder/);
    const rows = await env.amuxJson<Row[]>(['ps', '--json']);
    assert.ok(rows.filter((x) => x.agent.startsWith('demo-')).length >= 3);
    // the builder works, then asks for permission
    const seen = new Set<string>();
    const ok = await waitFor(async () => {
      for (const x of await env.amuxJson<Row[]>(['ps', '--json'])) if (x.agent === 'demo-builder' || x.agent === 'demo-reviewer') seen.add(x.state);
      return seen.has('running') && seen.has('waiting');
    }, 30_000, 300);
    assert.ok(ok, `demo agents showed running and waiting (saw ${[...seen].join(', ')})`);
    // answering moves it on
    await env.amux(['keys', 'demo-builder', '1']);
    const again = await env.amux(['demo', '--no-tui']);
    assert.match(again.stdout, /already running/);
    const stop = await env.amux(['demo', '--stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /removed 3 demo session/);
    assert.equal((await env.amuxJson<Row[]>(['ps', '--json', '--all'])).length, 0);
  });

  test('without a socket chosen, the demo runs on a tmux server of its own and says how to reach it', async () => {
    // A socket folder of the test's own: the demo's "amux-demo" server lives there, never in /tmp.
    const vars = { AMUX_TMUX_SOCKET: '', TMUX_TMPDIR: env.dir };
    const r = await env.amux(['demo', '--no-tui'], { env: vars });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /run on the tmux server "amux-demo"/);
    assert.match(r.stdout, /AMUX_TMUX_SOCKET=amux-demo amux ps --watch/);
    const onDemo = execFileSync('tmux', ['-L', 'amux-demo', 'list-sessions', '-F', '#{session_name}'], { env: { ...env.env, ...vars }, encoding: 'utf8' });
    assert.match(onDemo, /amux-demo-builder/);
    // The spinner says what it does: "Reading…", never "Readinging…".
    const pane = execFileSync('tmux', ['-L', 'amux-demo', 'capture-pane', '-p', '-t', '=amux-demo-builder:'], { env: { ...env.env, ...vars }, encoding: 'utf8' });
    assert.doesNotMatch(pane, /inging/);
    assert.equal((await env.amux(['demo', '--stop'], { env: vars })).code, 0);
    execFileSync('tmux', ['-L', 'amux-demo', 'kill-server'], { env: { ...env.env, ...vars } });
  });
});

describe('bulk stop and rm', () => {
  const env = new TestEnv('bulk');
  after(() => env.cleanup());

  test('stop --tag / --all and rm --exited / --lost / --tag / --all, asking first (--yes without a terminal)', async () => {
    type Row = { name: string; state: string };
    const ps = async () => env.amuxJson<Row[]>(['ps', '--all', '--json']);
    for (const n of ['b1', 'b2']) assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', n, '--tag', 'batch'])).code, 0);
    assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', 'keeper'])).code, 0);
    assert.equal((await env.amux(['run', '-c', 'exit 0', '--name', 'done1'])).code, 0);
    assert.ok(await waitFor(async () => (await ps()).find((r) => r.name === 'done1')?.state === 'exited', 10_000));

    // No terminal to ask on: refused without --yes, nothing touched.
    const ask = await env.amux(['rm', '--exited']);
    assert.equal(ask.code, 2);
    assert.match(ask.stderr, /add --yes/);
    assert.equal((await ps()).length, 4);
    assert.equal((await env.amux(['rm', 'b1', '--exited'])).code, 2, 'sessions and a bulk flag together are refused');

    const rmExited = await env.amux(['rm', '--exited', '--yes']);
    assert.equal(rmExited.code, 0, rmExited.stderr);
    assert.deepEqual((await ps()).map((r) => r.name).sort(), ['b1', 'b2', 'keeper']);

    const stop = await env.amux(['stop', '--tag', 'batch', '--yes', '--grace', '1s']);
    assert.equal(stop.code, 0, stop.stderr);
    const after = await ps();
    assert.deepEqual(after.filter((r) => r.state === 'exited').map((r) => r.name).sort(), ['b1', 'b2']);
    assert.notEqual(after.find((r) => r.name === 'keeper')!.state, 'exited');

    // rm --all keeps live sessions unless --force, and says so.
    const rmAll = await env.amux(['rm', '--all', '--yes']);
    assert.equal(rmAll.code, 0, rmAll.stderr);
    assert.match(rmAll.stderr, /keeping 1 live session\(s\) \(keeper\)/);
    assert.deepEqual((await ps()).map((r) => r.name), ['keeper']);
    env.tmux(['kill-session', '-t', '=amux-keeper:']);
    assert.ok(await waitFor(async () => (await ps())[0]?.state === 'lost', 5000));
    assert.equal((await env.amux(['rm', '--lost', '--yes'])).code, 0);
    assert.deepEqual(await ps(), []);
  });
});

describe('amux delegate', () => {
  const env = new TestEnv('delegate');
  after(() => env.cleanup());

  test('prints the reply and leaves nothing behind; a permission dialog ends it with exit 3, kept', async () => {
    const repo = env.gitRepo('delproj');
    const r = await env.amux(['delegate', 'claude', 'summarise the readme', '--json'], { cwd: repo, env: { FAKE_SCRIPT: 'busy:1,done' }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { state: string; reply: string | null; workspace: string; diffStat: string; kept: { session: boolean; workspace: boolean } };
    assert.equal(out.state, 'idle');
    assert.match(out.reply ?? '', /Done/);
    assert.deepEqual(out.kept, { session: false, workspace: false });
    assert.equal(out.diffStat, '');
    assert.deepEqual(await env.amuxJson(['ps', '--all', '--json'], { cwd: repo }), [], 'no session left');
    assert.ok(!existsSync(join(repo, '.amux', 'workspaces', out.workspace)), 'no workspace left');

    // The tmux server keeps the environment of the client that started it (FAKE_SCRIPT above):
    // this agent must not see it, so it runs its default script, which asks for permission.
    const w = await env.amux(['delegate', 'claude', 'delete the build folder'], { cwd: repo, timeoutMs: 60_000 });
    assert.equal(w.code, 3, w.stderr + w.stdout);
    assert.match(w.stderr, /waits for a person/);
    assert.match(w.stderr, /Do you want to proceed\?/);
    assert.match(w.stderr, /kept session/);
    const left = await env.amuxJson<Array<{ state: string }>>(['ps', '--all', '--json'], { cwd: repo });
    assert.equal(left.length, 1);
    assert.equal(left[0]!.state, 'waiting');
  });
});

describe('run --each', () => {
  const env = new TestEnv('each');
  after(() => env.cleanup());

  test('--count 2 --workspace y --each gives each session a worktree of its own', async () => {
    const repo = env.gitRepo('eachproj');
    const r = await env.amux(['run', '-c', 'sleep 120', '--count', '2', '--workspace', 'y', '--each', '--json'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ workspace: string; cwd: string }>;
    assert.deepEqual(rows.map((x) => x.workspace).sort(), ['y-1', 'y-2']);
    for (const x of rows) assert.equal(x.cwd, join(repo, '.amux', 'workspaces', x.workspace));
    const bad = await env.amux(['run', '-c', 'sleep 1', '--count', '2', '--each'], { cwd: repo });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /each needs a workspace/);
  });
});
