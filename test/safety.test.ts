/**
 * Safety: hostile folder names are never tmux formats, references hit exactly one session or
 * none, and an operation on a lost session never touches a live one that reuses its tmux ids.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor } from './helpers.ts';

interface PsRow {
  id: string;
  name: string;
  cwd: string;
  state: string;
  logFile: string;
  tmux: { session: string; sessionId: string; pane: string };
}

describe('hostile folder names and AMUX_HOME paths are never tmux formats', () => {
  const env = new TestEnv('fmt');
  after(() => env.cleanup());

  const FOLDERS = ['x#(cd;touch PWNED)y', 'C#Sharp', 'notes#Todo', 'x##y', 'a#Sb', 'x#{session_name}y', 'semi;colon', 'sp ace', `quo'te"s`, '#{?pane_dead,a,b}', 'a#[b', 'x##[fg=red]y', '#[', 'p#l:[q'];

  test('run, ps, capture, logs, stop and rm work in every folder, and nothing runs', async () => {
    let i = 0;
    for (const f of FOLDERS) {
      const dir = join(env.dir, 'projects', f);
      mkdirSync(dir, { recursive: true });
      const name = `f${i++}`;
      const r = await env.amux(['run', '-c', 'pwd; echo "marker-$AMUX_SESSION"; sleep 60', '--name', name], { cwd: dir });
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
      const row = (await env.amuxJson<PsRow[]>(['ps', '--json'])).find((x) => x.name === name)!;
      assert.equal(row.cwd, realpathSync(dir), `${f}: ps reports the folder`);
      // The agent really started there: its pwd, in the screen and in the log.
      const shown = await waitFor(async () => (await env.amux(['capture', name])).stdout.includes(`marker-${name}`), 8000);
      assert.ok(shown, `${f}: the agent printed its marker`);
      const screen = (await env.amux(['capture', name])).stdout;
      assert.ok(screen.split('\n').includes(realpathSync(dir)), `${f}: the agent runs in its folder, screen:\n${screen}`);
      const logged = await waitFor(async () => (await env.amux(['logs', name])).stdout.includes(`marker-${name}`), 8000);
      assert.ok(logged, `${f}: the log holds the output`);
      assert.equal((await env.amux(['stop', name, '--grace', '0'])).code, 0);
      assert.equal((await env.amux(['rm', name])).code, 0);
    }
    for (const where of [env.env.HOME!, env.dir, join(env.dir, 'projects')]) {
      assert.ok(!existsSync(join(where, 'PWNED')), `tmux ran a #(…) command: ${where}/PWNED exists`);
    }
  });

  test('an AMUX_HOME with #S and #(…) in its path still logs every byte', async () => {
    const home = join(env.dir, 'home#S#(cd;touch PWNED2)#[x');
    // No second monitor (it would live under the odd home) for this one launch.
    const r = await env.amux(['run', '-c', 'echo in-odd-home; sleep 60', '--name', 'oddhome'], { env: { AMUX_HOME: home, AMUX_NO_DAEMON: '1' } });
    assert.equal(r.code, 0, r.stderr);
    const logs = readdirSync(join(home, 'logs'));
    assert.equal(logs.length, 1);
    const ok = await waitFor(() => readFileSync(join(home, 'logs', logs[0]!), 'utf8').includes('in-odd-home'), 8000);
    assert.ok(ok, 'the log writer wrote to the real path');
    assert.ok(!existsSync(join(env.env.HOME!, 'PWNED2')), 'nothing ran');
    env.tmux(['kill-session', '-t', '=amux-oddhome:']);
  });
});

describe('references hit exactly one session or none', () => {
  const env = new TestEnv('refs');
  after(() => env.cleanup());
  const names = ['web', 'api', 'db', 'worker', 'cache'];
  let rows: PsRow[] = [];

  test('short id prefixes (under 4 characters) never resolve; 4 or more do', async () => {
    for (const n of names) assert.equal((await env.amux(['run', '-c', 'sleep 120', '--name', n])).code, 0);
    rows = await env.amuxJson<PsRow[]>(['ps', '--json']);
    assert.equal(rows.length, 5);
    for (const row of rows) {
      for (const len of [1, 2, 3]) {
        const ref = row.id.slice(0, len);
        if (names.includes(ref)) continue; // a name, not a prefix
        for (const verb of [['capture', ref], ['rm', '--force', ref], ['stop', '--grace', '0', ref], ['rename', ref, 'zz'], ['tag', ref, 'x']]) {
          const r = await env.amux(verb);
          assert.notEqual(r.code, 0, `amux ${verb.join(' ')} must not act on ${row.name}`);
          assert.match(r.stderr, /no session/);
        }
      }
    }
    const after = await env.amuxJson<PsRow[]>(['ps', '--json']);
    assert.deepEqual(after.map((r) => r.name).sort(), [...names].sort(), 'every session is still there');
    for (const r of after) assert.deepEqual((r as unknown as { tags: string[] }).tags, [], `${r.name} was not tagged`);
    // A unique prefix of 4+ characters still works.
    const web = rows.find((r) => r.name === 'web')!;
    const others = rows.filter((r) => r !== web);
    let len = 4;
    while (others.some((o) => o.id.startsWith(web.id.slice(0, len)))) len++;
    const cap = await env.amux(['capture', web.id.slice(0, len)]);
    assert.equal(cap.code, 0, cap.stderr);
  });

  test("a name equal to another session's id or short id is refused, on run and rename", async () => {
    const web = rows.find((r) => r.name === 'web')!;
    for (const bad of [web.id, web.id.slice(0, 8)]) {
      const r = await env.amux(['run', '-c', 'sleep 60', '--name', bad]);
      assert.equal(r.code, 2, `run --name ${bad}: ${r.stderr}`);
      assert.match(r.stderr, /is the id of session web/);
      const rn = await env.amux(['rename', 'api', bad]);
      assert.equal(rn.code, 2, rn.stderr);
    }
    const names = (await env.amuxJson<PsRow[]>(['ps', '--json'])).map((r) => r.name).sort();
    assert.deepEqual(names, [...['web', 'api', 'db', 'worker', 'cache']].sort());
  });

  test('a full id wins over a name', async () => {
    const db = rows.find((r) => r.name === 'db')!;
    const r = await env.amuxJson<PsRow>(['rename', db.id, 'database', '--json']);
    assert.equal(r.id, db.id);
    assert.equal(r.name, 'database');
  });
});

describe('a lost session never acts on the live session that reuses its tmux ids', () => {
  const env = new TestEnv('reuse');
  after(() => env.cleanup());
  const vars = { AMUX_NO_DAEMON: '1' };

  test('rename of a lost session leaves the live one alone', async () => {
    const old = JSON.parse((await env.amux(['run', '-c', 'sleep 120', '--name', 'old', '--json'], { env: vars })).stdout) as PsRow;
    env.tmux(['kill-server']);
    const victim = JSON.parse((await env.amux(['run', '-c', 'sleep 120', '--name', 'victim', '--json'], { env: vars })).stdout) as PsRow;
    assert.equal(victim.tmux.sessionId, old.tmux.sessionId, 'precondition: tmux reused the session id');
    assert.equal(victim.tmux.pane, old.tmux.pane, 'precondition: tmux reused the pane id');
    const rows = await env.amuxJson<PsRow[]>(['ps', '--all', '--json'], {});
    assert.equal(rows.find((r) => r.name === 'old')!.state, 'lost');

    const r = await env.amux(['rename', 'old', 'renamed'], { env: vars });
    assert.equal(r.code, 0, r.stderr);
    const sessions = env.tmux(['list-sessions', '-F', '#{session_name}']).split('\n');
    assert.ok(sessions.includes('amux-victim'), `victim keeps its tmux name: ${sessions.join(',')}`);
    assert.ok(!sessions.includes('amux-renamed'));

    // The other verbs refuse the lost session instead of reaching the victim's pane.
    for (const verb of [['send', '--no-wait', 'renamed', 'hello'], ['keys', 'renamed', 'C-c'], ['attach', 'renamed']]) {
      const x = await env.amux(verb, { env: vars });
      assert.notEqual(x.code, 0, `amux ${verb.join(' ')} refused`);
    }
    const stop = await env.amux(['stop', 'renamed', '--grace', '0'], { env: vars });
    assert.equal(stop.code, 0, stop.stderr);
    const rm = await env.amux(['rm', 'renamed'], { env: vars });
    assert.equal(rm.code, 0, rm.stderr);
    const after = await env.amuxJson<PsRow[]>(['ps', '--all', '--json']);
    assert.deepEqual(after.map((x) => `${x.name}:${x.state}`), [`victim:${after[0]!.state}`]);
    assert.notEqual(after[0]!.state, 'lost');
    assert.notEqual(after[0]!.state, 'exited');
  });
});

describe('the connect gate (tmux 3.3a crashes when a control client connects during some commands)', () => {
  const env = new TestEnv('gate');
  after(() => env.cleanup());

  test('a command that changes the server waits while a control client connects', async () => {
    process.env.AMUX_HOME = env.home;
    const { withExclusive } = await import('../src/tmux/gate.ts');
    const { socketLabel } = await import('../src/tmux/exec.ts');
    let runDone = 0;
    let released = 0;
    await withExclusive(socketLabel({ name: env.socket }), async () => {
      const run = env.amux(['run', '-c', 'sleep 60', '--name', 'gated'], { env: { AMUX_NO_DAEMON: '1' } }).then((r) => {
        runDone = Date.now();
        return r;
      });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(runDone, 0, 'run waited for the connect to finish');
      assert.equal(env.tryTmux(['has-session', '-t', '=amux-gated:']), null, 'no session was created meanwhile');
      released = Date.now();
      void run;
    });
    const ok = await waitFor(() => runDone > 0, 10_000, 20);
    assert.ok(ok && runDone >= released, 'run went on once the gate opened');
    assert.notEqual(env.tryTmux(['has-session', '-t', '=amux-gated:']), null);
  });
});

describe('Registry.resolve', () => {
  test('an ambiguous prefix of 4+ characters lists the candidates; a full id beats a name', async () => {
    const { Registry } = await import('../src/session/registry.ts');
    const rec = (id: string, name: string) => ({ id, name, tmux: { socket: 's' } }) as unknown as import('../src/session/types.ts').SessionRecord;
    const a = rec('abcd1111-0000-4000-8000-000000000000', 'first');
    const b = rec('abcd2222-0000-4000-8000-000000000000', 'second');
    const c = rec('ffff3333-0000-4000-8000-000000000000', a.id);
    const reg = Object.create(Registry.prototype) as InstanceType<typeof Registry>;
    assert.throws(() => reg.resolve('abcd', [a, b, c]), (e: Error & { code?: string }) => e.code === 'ambiguous' && /first \(abcd1111\), second \(abcd2222\)/.test(e.message));
    assert.equal(reg.resolve('abcd1', [a, b, c]).name, 'first');
    assert.equal(reg.resolve(a.id, [a, b, c]).name, 'first', 'the full id wins over a session named like it');
    assert.throws(() => reg.resolve('abc', [a, b, c]), (e: Error & { code?: string }) => e.code === 'not_found');
  });
});

describe('logs read from the end', () => {
  test('the last lines of a large log, reaching into the rotated part only when needed', async () => {
    const { lastLines } = await import('../src/session/logs.ts');
    const { mkdtempSync, writeFileSync: write } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'amux-logs-'));
    const file = join(dir, 'x.log');
    const big = Array.from({ length: 200_000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n') + '\n';
    write(file, big);
    assert.deepEqual(lastLines(file, 3, true), [`line 199997 ${'x'.repeat(20)}`, `line 199998 ${'x'.repeat(20)}`, `line 199999 ${'x'.repeat(20)}`]);
    assert.equal(lastLines(file, 0, true).length, 0);
    assert.equal(lastLines(file, undefined, true).length, 200_000);
    // A freshly rotated log: two lines in the current file, the rest in `.1`.
    write(file + '.1', 'old1\nold2\nold3\n');
    write(file, 'new1\n\x1b[31mnew2\x1b[0m');
    assert.deepEqual(lastLines(file, 4, false), ['old2', 'old3', 'new1', 'new2']);
    assert.deepEqual(lastLines(file, 1, false), ['new2']);
  });
});

describe('damaged records are reported, never dropped or overwritten', () => {
  const env = new TestEnv('damaged');
  after(() => env.cleanup());

  test('a half-written record and a record with wrong types: ps works, names them, rm removes them', async () => {
    for (const n of ['good', 'half', 'typed']) assert.equal((await env.amux(['run', '-c', 'sleep 120', '--name', n])).code, 0);
    const rows = await env.amuxJson<PsRow[]>(['ps', '--json']);
    const id = (n: string) => rows.find((r) => r.name === n)!.id;
    const file = (n: string) => join(env.home, 'sessions', `${id(n)}.json`);
    const whole = readFileSync(file('half'), 'utf8');
    writeFileSync(file('half'), whole.slice(0, whole.length >> 1));
    const typed = JSON.parse(readFileSync(file('typed'), 'utf8'));
    typed.tags = 5;
    writeFileSync(file('typed'), JSON.stringify(typed));

    const ps = await env.amux(['ps', '--json']);
    assert.equal(ps.code, 0, ps.stderr);
    assert.deepEqual((JSON.parse(ps.stdout) as PsRow[]).map((r) => r.name), ['good']);
    assert.match(ps.stderr, new RegExp(`damaged record .*${id('half')}\\.json: it is not complete JSON`));
    assert.match(ps.stderr, new RegExp(`damaged record .*${id('typed')}\\.json: it has no valid "tags"`));
    assert.match((await env.amux(['ps'])).stdout, new RegExp(`damaged  ${id('half').slice(0, 8)}`));

    // Other commands name the damage instead of "no such session", and never rewrite the file.
    const before = readFileSync(file('half'), 'utf8');
    for (const verb of [['stop', id('half')], ['tag', id('half'), 'x'], ['capture', id('half').slice(0, 8)]]) {
      const r = await env.amux(verb);
      assert.equal(r.code, 1, `amux ${verb.join(' ')}`);
      assert.match(r.stderr, /is damaged/);
    }
    assert.equal(readFileSync(file('half'), 'utf8'), before, 'the damaged file is left as it was');

    // rm removes the file and the tmux session it still runs (found by the id stamped on its pane).
    for (const n of ['half', 'typed']) {
      const r = await env.amux(['rm', id(n)]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(file(n)));
      assert.equal(env.tryTmux(['has-session', '-t', `=amux-${n}:`]), null, `amux-${n} was killed`);
    }
    const after = await env.amux(['ps', '--json']);
    assert.equal(after.stderr, '');
    // The names are free again.
    assert.equal((await env.amux(['run', '-c', 'sleep 60', '--name', 'half'])).code, 0);
  });

  test('a failed write leaves no .tmp behind', async () => {
    process.env.AMUX_HOME = env.home;
    const { Registry } = await import('../src/session/registry.ts');
    const reg = new Registry();
    const rec = reg.list()[0]!;
    const target = join(reg.dir, 'ffffffff-0000-4000-8000-000000000000.json');
    mkdirSync(target); // a folder where the file should go: the rename fails
    assert.throws(() => reg.put({ ...rec, id: 'ffffffff-0000-4000-8000-000000000000' }), /cannot write the record/);
    assert.deepEqual(readdirSync(reg.dir).filter((f) => f.endsWith('.tmp')), []);
  });
});
