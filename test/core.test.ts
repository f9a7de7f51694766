import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, sleep } from './helpers.ts';

interface PsRow {
  id: string;
  name: string;
  agent: string;
  project: string;
  workspace: string | null;
  cwd: string;
  state: string;
  exitCode: number | null;
  createdAt: string;
  lastOutputAt: string | null;
  tmux: { socket: string; session: string; window: string; pane: string };
}

describe('run / ps / logs / stop / rm', () => {
  const env = new TestEnv('core');
  after(() => env.cleanup());

  const ps = (args: string[] = []) => env.amuxJson<PsRow[]>(['ps', '--json', ...args]);
  const find = async (name: string, all = true) => (await ps(all ? ['--all'] : [])).find((r) => r.name === name);

  test('run -c starts a tmux session, records it and ps --json lists it', async () => {
    const r = await env.amux(['run', '-c', 'echo hello-from-amux; sleep 900', '--name', 'hello', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(r.stdout) as PsRow;
    assert.equal(rec.name, 'hello');
    assert.match(rec.id, /^[0-9a-f-]{36}$/);
    assert.match(rec.tmux.pane, /^%\d+$/);
    assert.equal(rec.tmux.session, 'amux-hello');
    assert.ok(rec.tmux.socket.endsWith(`/${env.socket}`), `socket is the server's path: ${rec.tmux.socket}`);
    // tmux really has it, with the exact name
    assert.ok(env.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').includes('amux-hello'));
    const row = await find('hello', false);
    assert.ok(row, 'ps lists the session');
    for (const k of ['id', 'name', 'agent', 'project', 'workspace', 'cwd', 'state', 'exitCode', 'createdAt', 'lastOutputAt', 'tmux']) assert.ok(k in row!, `ps --json has ${k}`);
    assert.equal(row!.workspace, null);
    assert.equal(row!.exitCode, null);
    assert.equal(row!.cwd, env.dir);
    assert.notEqual(row!.state, 'exited');
    const text = await waitFor(async () => ((await env.amux(['logs', 'hello'])).stdout.includes('hello-from-amux') ? true : false));
    assert.ok(text, 'the log holds the output');
    // the human table
    const table = await env.amux(['ps']);
    assert.match(table.stdout, /^NAME\s+ID\s+AGENT\s+PROJECT\s+WORKSPACE\s+STATE\s+AGE\s+LAST OUTPUT\s+TAGS/m);
    // Tags show in the table, and `amux tag S` alone lists them.
    assert.equal((await env.amux(['tag', 'hello', 'web', 'demo'])).code, 0);
    assert.match((await env.amux(['ps'])).stdout, /\bhello\b.*\bweb,demo\s*$/m);
    assert.equal((await env.amux(['tag', 'hello'])).stdout, 'hello: web demo\n');
    assert.equal((await env.amux(['tag', 'hello', '--remove', 'web', 'demo'])).code, 0);
    assert.match(table.stdout, /\bhello\b/);
  });

  test('the log starts at the first byte and logs -n / --raw work', async () => {
    const r = await env.amux(['run', '-c', "printf 'FIRST\\033[31mRED\\033[0m\\n'; for i in 1 2 3 4 5; do echo line$i; done; sleep 60", '--name', 'firstbyte']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(async () => (await env.amux(['logs', 'firstbyte'])).stdout.includes('line5'));
    const all = (await env.amux(['logs', 'firstbyte'])).stdout;
    assert.ok(all.startsWith('FIRSTRED'), `log begins with the first byte, got ${JSON.stringify(all.slice(0, 40))}`);
    assert.ok(!all.includes('\x1b'), 'ANSI stripped by default');
    const raw = (await env.amux(['logs', 'firstbyte', '--raw'])).stdout;
    assert.ok(raw.includes('\x1b[31m'), '--raw keeps escapes');
    const last2 = (await env.amux(['logs', 'firstbyte', '-n', '2'])).stdout.trim().split('\n');
    assert.deepEqual(last2, ['line4', 'line5']);
  });

  test('environment reaches the agent but no command line, and state files are private', async () => {
    const secret = `s3cr3t-${Math.random().toString(36).slice(2)}`;
    const r = await env.amux(['run', '-c', 'echo "got:$AMUX_T_SECRET"; sleep 60', '-e', `AMUX_T_SECRET=${secret}`, '--name', 'envtest']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(async () => (await env.amux(['logs', 'envtest'])).stdout.includes(`got:${secret}`));
    assert.ok((await env.amux(['logs', 'envtest'])).stdout.includes(`got:${secret}`));
    if (process.platform === 'linux') {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        let cmdline = '';
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        assert.ok(!cmdline.includes(secret), `process ${pid} shows the secret on its command line: ${cmdline.replace(/\0/g, ' ')}`);
      }
    }
    assert.equal(statSync(env.home).mode & 0o777, 0o700);
    for (const sub of ['sessions', 'logs', 'run']) {
      assert.equal(statSync(join(env.home, sub)).mode & 0o777, 0o700, sub);
      for (const f of readdirSync(join(env.home, sub))) {
        const st = statSync(join(env.home, sub, f));
        if (st.isFile()) assert.equal(st.mode & 0o077, 0, `${sub}/${f} is private`);
      }
    }
  });

  test('exit code is kept and reported once tmux has it', async () => {
    const r = await env.amux(['run', '-c', 'echo bye; exit 3', '--name', 'crash']);
    assert.equal(r.code, 0, r.stderr);
    const row = await waitFor(async () => {
      const x = await find('crash');
      return x && x.state === 'exited' && x.exitCode !== null ? x : undefined;
    }, 25_000, 300);
    assert.ok(row, 'reported as exited');
    assert.equal(row!.exitCode, 3);
    // exited sessions are hidden without --all
    assert.equal((await ps()).find((x) => x.name === 'crash'), undefined);
    assert.match((await env.amux(['logs', 'crash'])).stdout, /bye/);
  });

  test('ag1 never resolves to ag10', async () => {
    assert.equal((await env.amux(['run', '-c', 'sleep 60', '--name', 'ag10'])).code, 0);
    assert.equal((await env.amux(['run', '-c', 'sleep 60', '--name', 'ag1'])).code, 0);
    const before = await ps();
    const ag1 = before.find((r) => r.name === 'ag1')!;
    const ag10 = before.find((r) => r.name === 'ag10')!;
    assert.notEqual(ag1.tmux.pane, ag10.tmux.pane);
    const s = await env.amux(['stop', 'ag1', '--now']);
    assert.equal(s.code, 0, s.stderr);
    const rows = await ps(['--all']);
    assert.equal(rows.find((r) => r.name === 'ag1')!.state, 'exited');
    assert.notEqual(rows.find((r) => r.name === 'ag10')!.state, 'exited');
    // a second session may not take a name in use
    const dup = await env.amux(['run', '-c', 'sleep 1', '--name', 'ag10']);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
  });

  test('hostile names are refused with exit 2 and nothing is created', async () => {
    const before = env.tmux(['list-sessions', '-F', '#{session_name}']);
    for (const bad of ['a:b', 'a.b', 'a;b', 'a$b', "a'b", 'a"b', 'a b', '-dash', 'ünï', 'x'.repeat(300), '$1', '%1', '']) {
      const r = await env.amux(['run', '-c', 'sleep 1', `--name=${bad}`]);
      assert.equal(r.code, 2, `name ${JSON.stringify(bad)}: ${r.stderr}`);
      assert.match(r.stderr, /invalid session name/);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one-line error');
    }
    assert.equal(env.tmux(['list-sessions', '-F', '#{session_name}']), before);
  });

  test('unknown agents and missing binaries are errors before anything is created', async () => {
    const before = readdirSync(join(env.home, 'sessions')).length;
    const u = await env.amux(['run', 'no-such-agent']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown agent "no-such-agent"/);
    assert.match(u.stderr, /claude/);
    const proj = join(env.dir, 'proj-missing');
    mkdirSync(join(proj, '.amux'), { recursive: true });
    writeFileSync(join(proj, '.amux', 'config.yaml'), 'agents:\n  ghost:\n    command: [definitely-not-installed-xyz, --flag]\n');
    const m = await env.amux(['run', 'ghost'], { cwd: proj });
    assert.equal(m.code, 1);
    assert.match(m.stderr, /agent "ghost" needs the program "definitely-not-installed-xyz", which is not installed \(not found on PATH\)/);
    const c = await env.amux(['run', '-c', 'definitely-not-installed-xyz --flag']);
    assert.equal(c.code, 1);
    assert.equal(c.stderr, 'amux: cannot run "definitely-not-installed-xyz": no such program on PATH\n');
    assert.equal(readdirSync(join(env.home, 'sessions')).length, before);
  });

  test('ids: full id, unique prefix, ambiguous prefix', async () => {
    const rows = await ps();
    const hello = rows.find((r) => r.name === 'hello')!;
    const full = await env.amux(['logs', hello.id, '-n', '1']);
    assert.equal(full.code, 0, full.stderr);
    // find a prefix shared by 2+ sessions, if any, else the empty-ish shortest unique
    const ids = rows.map((r) => r.id);
    const uniq = ids.map((id) => id.slice(0, 8)).find((p, i, a) => a.filter((x) => x.startsWith(p.slice(0, 8))).length === 1)!;
    assert.equal((await env.amux(['logs', uniq, '-n', '1'])).code, 0);
    const byFirst = new Map<string, number>();
    for (const id of ids) byFirst.set(id[0]!, (byFirst.get(id[0]!) ?? 0) + 1);
    const shared = [...byFirst].find(([, n]) => n > 1);
    if (shared) {
      // One character is never an id prefix (it would hit another session by chance).
      const short = await env.amux(['logs', shared[0]]);
      assert.equal(short.code, 1);
      assert.match(short.stderr, /an id prefix needs at least 4 characters/);
    }
    const none = await env.amux(['logs', 'zz-not-a-session']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no session "zz-not-a-session"/);
  });

  test('stop: C-c first, kill after the grace period; rm refuses live sessions without --force', async () => {
    await env.amux(['run', '-c', "trap '' INT; echo stubborn; sleep 120", '--name', 'stubborn']);
    await env.amux(['run', '-c', 'sleep 120', '--name', 'polite']);
    await sleep(300);
    const polite = await env.amux(['stop', 'polite']);
    assert.equal(polite.code, 0, polite.stderr);
    assert.match(polite.stdout, /stopped/);
    const t0 = Date.now();
    const stub = await env.amux(['stop', 'stubborn', '--grace', '1s']);
    assert.equal(stub.code, 0, stub.stderr);
    assert.match(stub.stdout, /ended by SIGHUP after the grace period/);
    assert.ok(Date.now() - t0 >= 1000, 'waited for the grace period');
    // An interactive shell ignores C-c and SIGTERM: the hangup ends it, no SIGKILL needed.
    assert.equal((await env.amux(['run', 'shell', '--name', 'ashell'])).code, 0);
    await sleep(500);
    const sh = await env.amux(['stop', 'ashell', '--grace', '1s']);
    assert.equal(sh.code, 0, sh.stderr);
    assert.match(sh.stdout, /ashell: (stopped|ended by SIGHUP)/);
    assert.doesNotMatch(sh.stdout, /SIGKILL/);
    const rows = await ps(['--all']);
    assert.equal(rows.find((r) => r.name === 'stubborn')!.state, 'exited');

    const live = await env.amux(['run', '-c', 'sleep 120', '--name', 'liveone']);
    assert.equal(live.code, 0);
    const refused = await env.amux(['rm', 'liveone']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /still running/);
    const forced = await env.amux(['rm', 'liveone', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(env.tryTmux(['has-session', '-t', '=amux-liveone']), null);
    assert.equal((await ps(['--all'])).find((r) => r.name === 'liveone'), undefined);
    const gone = await env.amux(['rm', 'polite']);
    assert.equal(gone.code, 0, gone.stderr);
  });

  test('lost: a session killed behind amux’s back is reported lost', async () => {
    await env.amux(['run', '-c', 'sleep 120', '--name', 'victim']);
    env.tmux(['kill-session', '-t', '=amux-victim']);
    // Killed behind amux's back: ps may lag by the monitor's tick (the contract allows 1.5 s).
    const row = await waitFor(async () => {
      const r = await find('victim');
      return r?.state === 'lost' ? r : undefined;
    }, 3000);
    assert.equal(row!.state, 'lost');
    assert.equal((await ps()).find((r) => r.name === 'victim'), undefined, 'lost is hidden without --all');
  });

  test('tail follows output until the program exits', async () => {
    await env.amux(['run', '-c', 'sleep 1; echo tick1; sleep 1; echo tick2; sleep 1', '--name', 'ticker']);
    const r = await env.amux(['tail', 'ticker'], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tick1[\s\S]*tick2/);
    assert.match(r.stderr, /ticker exited with code 0/);
  });

  test("a dead session's capture shows what it printed, history included", async () => {
    await env.amux(['run', '-c', 'printf "first\\nsecond\\nthird\\n"; exit 3', '--name', 'deadout']);
    assert.ok(await waitFor(async () => (await find('deadout'))?.state === 'exited', 10_000), 'deadout exited');
    const all = await env.amux(['capture', 'deadout']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, 'first\nsecond\nthird\n');
    assert.equal((await env.amux(['capture', 'deadout', '-n', '3'])).stdout, 'first\nsecond\nthird\n');
    assert.equal((await env.amux(['capture', 'deadout', '-n', '1'])).stdout, 'third\n');
  });

  test('tail says how the program ended and fails when it failed', async () => {
    await env.amux(['run', '-c', 'sleep 1; echo last-words; exit 3', '--name', 'failer']);
    const r = await env.amux(['tail', 'failer'], { timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /last-words/);
    assert.match(r.stderr, /failer exited with code 3/);
  });

  test('-p delivers the prompt literally once the program is ready', async () => {
    const out = join(env.dir, 'received.txt');
    const hostile = `; $HOME ' " \\ : . C-c Enter -dash $(touch ${join(env.dir, 'pwned')})`;
    const r = await env.amux(['run', '-c', `IFS= read -r line; printf '%s' "$line" > ${out}; sleep 30`, '--name', 'prompted', '-p', hostile]);
    assert.equal(r.code, 0, r.stderr);
    const got = await waitFor(() => {
      try {
        return readFileSync(out, 'utf8');
      } catch {
        return '';
      }
    });
    assert.equal(got, hostile);
    assert.throws(() => statSync(join(env.dir, 'pwned')), 'nothing was interpreted by a shell');
  });
});

describe('parallel launches', () => {
  const env = new TestEnv('par');
  after(() => env.cleanup());

  test('20 concurrent amux run processes all succeed with unique names', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => env.amux(['run', 'shell', '--json'])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const names = results.map((r) => (JSON.parse(r.stdout) as PsRow).name);
    assert.equal(new Set(names).size, 20, `unique names: ${names.join(' ')}`);
    const rows = await env.amuxJson<PsRow[]>(['ps', '--json']);
    assert.equal(rows.length, 20);
    assert.equal(new Set(rows.map((r) => r.tmux.pane)).size, 20);
  });

  test('--count and several agents launch from one command', async () => {
    const r = await env.amux(['run', 'shell', '--count', '3', '--json', '--tag', 'batch']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as PsRow[];
    assert.equal(rows.length, 3);
    const tagged = await env.amuxJson<PsRow[]>(['ps', '--json', '--tag', 'batch']);
    assert.equal(tagged.length, 3);
    const bad = await env.amux(['run', 'shell', '--count', 'zero']);
    assert.equal(bad.code, 2);
  });
});

describe('environment problems', () => {
  const env = new TestEnv('envp');
  after(() => env.cleanup());

  test('tmux missing is a one-line error', async () => {
    const r = await env.amux(['ps'], { env: { PATH: join(env.dir, 'empty-bin') } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tmux is not installed/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('tmux older than 3.2 is a one-line error', async () => {
    const bin = join(env.dir, 'oldtmux');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'tmux'), '#!/bin/sh\necho "tmux 2.9a"\n', { mode: 0o755 });
    const r = await env.amux(['ps'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tmux 2\.9a is too old: amux needs tmux 3\.2 or newer/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('ps with no server running lists nothing, and usage errors exit 2', async () => {
    const r = await env.amux(['ps']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no amux sessions/);
    const u = await env.amux(['ps', '--no-such-flag']);
    assert.equal(u.code, 2);
  });

  test('attach outside a terminal is a clear error', async () => {
    await env.amux(['run', '-c', 'sleep 30', '--name', 'att']);
    const r = await env.amux(['attach', 'att']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /needs a terminal/);
  });
});
