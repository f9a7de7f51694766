/**
 * `amux connect`: the picker driven with keys in a real tmux pane, straight connects by name and
 * id, --print / --json for scripts, and attaching (a popup) inside tmux.
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, CLI } from './helpers.ts';

interface PsRow {
  id: string;
  name: string;
  state: string;
  tmux: { session: string; pane: string };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('amux connect', () => {
  const env = new TestEnv('connect');
  let rows: PsRow[] = [];
  after(() => env.cleanup());

  before(async () => {
    for (const name of ['first', 'second', 'third']) {
      const r = await env.amux(['run', '-c', 'sleep 300', '--name', name]);
      assert.equal(r.code, 0, r.stderr);
    }
    rows = await env.amuxJson<PsRow[]>(['ps', '--json']);
  });

  /** Runs `amux connect ARGS > out 2> err` in a pane; returns helpers to drive and read it. */
  function inPane(name: string, args: string[]) {
    const out = join(env.dir, `${name}.out`);
    const err = join(env.dir, `${name}.err`);
    const vars = { AMUX_TMUX_SOCKET: env.socket, AMUX_HOME: env.home, HOME: env.env.HOME!, PATH: env.env.PATH!, NO_COLOR: '1', LANG: 'C.UTF-8', TERM: 'tmux-256color' };
    const cmd = `env ${Object.entries(vars).map(([k, v]) => `${k}=${q(v)}`).join(' ')} ${q(process.execPath)} ${q(CLI)} connect ${args.map(q).join(' ')} >${q(out)} 2>${q(err)}; echo CONNECT-EXIT=$?; sleep 600`;
    env.tmux(['new-session', '-d', '-x', '100', '-y', '20', '-s', name, '-c', env.dir, cmd]);
    const screen = () => env.tryTmux(['capture-pane', '-p', '-t', `=${name}:`]) ?? '';
    return {
      screen,
      keys: (...k: string[]) => env.tmux(['send-keys', '-t', `=${name}:`, ...k]),
      wait: async (pred: (s: string) => boolean, what: string) => {
        const ok = await waitFor(() => pred(screen()), 8000, 50);
        assert.ok(ok, `timed out waiting for ${what}:\n${screen()}`);
      },
      out: () => (existsSync(out) ? readFileSync(out, 'utf8') : ''),
      err: () => (existsSync(err) ? readFileSync(err, 'utf8') : ''),
      kill: () => env.tryTmux(['kill-session', '-t', `=${name}:`]),
    };
  }

  test('the picker lists every session; j and Enter print the chosen name with --print', async () => {
    const p = inPane('pick1', ['--print']);
    try {
      await p.wait((s) => ['first', 'second', 'third'].every((n) => s.includes(n)) && /^▶ /m.test(s), 'the picker');
      const selected = () => p.screen().split('\n').find((l) => l.startsWith('▶ '))!;
      const start = ['first', 'second', 'third'].find((n) => selected().includes(n))!;
      p.keys('j');
      await p.wait(() => !selected().includes(start), 'the selection to move');
      const chosen = ['first', 'second', 'third'].find((n) => selected().includes(n))!;
      p.keys('Enter');
      await p.wait((s) => s.includes('CONNECT-EXIT=0'), 'connect to exit 0');
      assert.equal(p.out(), `${chosen}\n`);
      assert.equal(p.err(), '');
    } finally {
      p.kill();
    }
  });

  test('q cancels with exit code 1 and prints nothing', async () => {
    const p = inPane('pick2', ['--print']);
    try {
      await p.wait((s) => s.includes('first'), 'the picker');
      p.keys('q');
      await p.wait((s) => s.includes('CONNECT-EXIT=1'), 'connect to exit 1');
      assert.equal(p.out(), '');
    } finally {
      p.kill();
    }
  });

  test('Esc cancels too; / filters; --json prints the chosen session', async () => {
    const p = inPane('pick3', ['--json']);
    try {
      await p.wait((s) => s.includes('third'), 'the picker');
      p.keys('/');
      env.tmux(['send-keys', '-t', '=pick3:', '-l', 'thi']);
      p.keys('Enter');
      await p.wait((s) => s.includes('(1 of 3)'), 'the filter to apply');
      p.keys('Enter');
      await p.wait((s) => s.includes('CONNECT-EXIT=0'), 'connect to exit 0');
      const v = JSON.parse(p.out()) as PsRow;
      assert.equal(v.name, 'third');
      assert.equal(v.id, rows.find((r) => r.name === 'third')!.id);
    } finally {
      p.kill();
    }
    const p2 = inPane('pick4', ['--print']);
    try {
      await p2.wait((s) => s.includes('first'), 'the picker');
      p2.keys('Escape');
      await p2.wait((s) => s.includes('CONNECT-EXIT=1'), 'connect to exit 1 on Esc');
    } finally {
      p2.kill();
    }
  });

  test('connect S and --session-id go straight there', async () => {
    const r = await env.amux(['connect', 'second', '--print']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'second\n');
    const id = rows.find((x) => x.name === 'third')!.id;
    const j = await env.amux(['connect', '--session-id', id, '--json']);
    assert.equal(j.code, 0, j.stderr);
    assert.equal((JSON.parse(j.stdout) as PsRow).name, 'third');
    const byPrefix = await env.amux(['connect', id.slice(0, 8), '--print']);
    assert.equal(byPrefix.stdout, 'third\n');
    const missing = await env.amux(['connect', 'nope', '--print']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no session "nope"/);
    const badId = await env.amux(['connect', '--session-id', 'nope']);
    assert.equal(badId.code, 1);
    const both = await env.amux(['connect', 'second', '--session-id', id]);
    assert.equal(both.code, 2);
  });

  test('without a terminal the picker refuses politely', async () => {
    // setsid: a new session with no controlling terminal, so there is no /dev/tty to draw on.
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('setsid', ['-w', process.execPath, CLI, 'connect', '--print'], { env: env.env, encoding: 'utf8' }, (err, _out, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stderr }),
      );
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs a terminal/);
  });

  test('Enter attaches: inside tmux it opens the session in a popup over the client', async () => {
    const outer = env.extraSocket('couter');
    const p = inPane('pick5', []);
    try {
      execFileSync('tmux', ['-L', outer, 'new-session', '-d', '-x', '110', '-y', '30', `env -u TMUX tmux -L ${env.socket} attach-session -t '=pick5:'`], { env: env.env });
      const clients = () => (env.tryTmux(['list-clients', '-F', '#{client_session}']) ?? '').split('\n');
      assert.ok(await waitFor(() => clients().includes('pick5'), 5000), 'a client is attached to the picker');
      await p.wait((s) => s.includes('first'), 'the picker');
      const selected = p.screen().split('\n').find((l) => l.startsWith('▶ '))!;
      const name = ['first', 'second', 'third'].find((n) => selected.includes(n))!;
      p.keys('Enter');
      assert.ok(await waitFor(() => clients().includes(`amux-${name}`), 5000), `a popup client on amux-${name}: ${clients().join(',')}`);
      assert.ok(clients().includes('pick5'), "the person's own client stays where it was");
    } finally {
      p.kill();
      try {
        execFileSync('tmux', ['-L', outer, 'kill-server'], { stdio: 'ignore' });
      } catch {
        /* gone */
      }
    }
  });
});
