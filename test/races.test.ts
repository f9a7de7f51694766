/**
 * Races on one server: many CLI processes launching, listing, tagging, renaming, removing and
 * sending at once leave the registry (records, name reservations) and tmux in step; renames of
 * one session have one winner; a removed record never comes back; tmux names the registry does
 * not know are passed over, never a failed launch.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, sleep } from './helpers.ts';
import { Registry } from '../src/session/registry.ts';
import type { SessionRecord } from '../src/session/types.ts';

interface Row {
  id: string;
  name: string;
  tags: string[];
  tmux: { session: string };
}

/** Records, reservations and tmux sessions, read from AMUX_HOME and `tmux list-sessions`. */
function snapshot(env: TestEnv): { records: Row[]; names: Map<string, string>; tmux: string[]; locks: string[] } {
  const dir = join(env.home, 'sessions');
  const files = existsSync(dir) ? readdirSync(dir) : [];
  const records = files.filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Row);
  const namesDir = join(env.home, 'names');
  const names = new Map((existsSync(namesDir) ? readdirSync(namesDir) : []).map((n) => [n, readFileSync(join(namesDir, n), 'utf8').split('\n')[0]!.trim()]));
  const tmux = (env.tryTmux(['list-sessions', '-F', '#{session_name}']) ?? '').split('\n').filter((s) => s.startsWith('amux-'));
  return { records, names, tmux, locks: files.filter((f) => f.endsWith('.lock')) };
}

/** No duplicate names, no orphan record, reservation or tmux session, no lock left behind. */
function assertConsistent(env: TestEnv): ReturnType<typeof snapshot> {
  const s = snapshot(env);
  const byName = new Map(s.records.map((r) => [r.name, r]));
  assert.equal(byName.size, s.records.length, `duplicate names: ${s.records.map((r) => r.name).sort().join(' ')}`);
  for (const r of s.records) {
    assert.equal(s.names.get(r.name), r.id, `record ${r.name} holds its name's reservation`);
    assert.equal(r.tmux.session, `amux-${r.name}`, `record ${r.name} names its tmux session`);
    assert.ok(s.tmux.includes(r.tmux.session), `tmux has ${r.tmux.session}`);
  }
  for (const [n, id] of s.names) assert.equal(byName.get(n)?.id, id, `reservation ${n} (${id}) matches a record`);
  for (const t of s.tmux) assert.ok(byName.has(t.slice('amux-'.length)), `tmux session ${t} matches a record`);
  assert.deepEqual(s.locks, [], 'no lock files left');
  return s;
}

describe('the record lock', () => {
  const env = new TestEnv('lock');
  after(() => env.cleanup());

  test('remove waits for the lock, and an update after a removal recreates nothing', async () => {
    process.env.AMUX_HOME = env.home;
    const reg = new Registry();
    const id = reg.newId();
    assert.ok(reg.reserveName('locked', id));
    const rec: SessionRecord = {
      schema: 1, id, name: 'locked', agent: 'shell', detector: 'generic', argv: ['sh'], project: env.dir, workspace: null, cwd: env.dir,
      createdAt: new Date().toISOString(), logFile: join(env.dir, 'log'), tags: [], tmux: { socket: 'x', session: 'amux-locked', sessionId: '$0', window: '@0', pane: '%0' },
    };
    reg.put(rec);
    let removed: Promise<void> | null = null;
    await reg.locked(id, async () => {
      removed = reg.remove(id);
      await sleep(100);
      assert.ok(reg.get(id), 'the record stays while another holds its lock');
    });
    await removed;
    assert.equal(reg.get(id), null);
    assert.equal(await reg.update(id, (r) => void r.tags.push('late')), null, 'an update of a removed record is null');
    assert.ok(!existsSync(join(env.home, 'sessions', `${id}.json`)), 'and writes nothing');
    assert.ok(reg.reserveName('locked', reg.newId()), 'the name is free');
  });
});

describe('races on one session and one server', { concurrency: false }, () => {
  const env = new TestEnv('races');
  after(() => env.cleanup());

  test('50 concurrent runs mixed with ps, rm, tag, rename and send leave registry and tmux in step', async () => {
    for (const n of ['r0', 'r1', 'r2', 'r3']) assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', n])).code, 0);
    assert.equal((await env.amux(['run', '-c', 'sh', '--name', 'sh0'])).code, 0);
    // Sessions the registry does not know hold names the launcher would pick.
    for (const n of ['amux-sleep', 'amux-sleep-3', 'amux-sleep-9']) env.tmux(['new-session', '-d', '-s', n, 'sleep 300']);
    const others = [
      ...Array.from({ length: 5 }, () => ['ps', '--json']),
      ['rm', '--force', 'r0'],
      ['rm', '--force', 'r1'],
      ['tag', 'r1', 'x'],
      ['tag', 'r2', 'y'],
      ['tag', 'r2', 'z'],
      ['rename', 'r2', 'q2'],
      ['rename', 'r3', 'q3'],
      ['rename', 'r3', 'q3b'],
      ['rm', '--force', 'sleep-4'],
      ['send', '--no-wait', '--timeout', '30s', 'sh0', 'echo hi'],
    ];
    const runs = Array.from({ length: 50 }, () => env.amux(['run', '-c', 'sleep 300', '--json']));
    const rest = others.map((a) => env.amux(a));
    const ran = await Promise.all(runs);
    for (const r of ran) assert.equal(r.code, 0, r.stderr);
    const results = await Promise.all(rest);
    results.forEach((r, i) => {
      // Each either did its work or failed with a sentence (a session gone or renamed meanwhile).
      if (r.code !== 0) assert.match(r.stderr, /^amux: (no session|session \S+ was (removed|renamed)|\S+ is still running)/, `${others[i]!.join(' ')}: ${r.stderr}`);
    });
    const started = ran.map((r) => JSON.parse(r.stdout) as Row);
    // A name is used twice only when its first holder was removed meanwhile (`rm sleep-4`).
    const dup = started.filter((r, i) => started.findIndex((x) => x.name === r.name) !== i).map((r) => r.name);
    assert.ok(dup.every((n) => n === 'sleep-4'), `unique names: ${dup.join(' ')}`);
    assert.equal(new Set(started.map((r) => r.id)).size, 50);
    for (const n of ['sleep', 'sleep-3', 'sleep-9']) assert.ok(!started.some((r) => r.name === n), `${n} is tmux's already: passed over`);
    for (const n of ['amux-sleep', 'amux-sleep-3', 'amux-sleep-9']) env.tmux(['kill-session', '-t', `=${n}`]);
    const s = assertConsistent(env);
    const names = s.records.map((r) => r.name);
    assert.ok(!names.includes('r0') && !names.includes('r1'), 'removed sessions stay removed');
    assert.ok(names.includes('q2'), 'r2 was renamed');
    assert.equal(names.filter((n) => n === 'q3' || n === 'q3b').length, 1, 'one rename of r3 won');
    assert.deepEqual(s.records.find((r) => r.name === 'q2')!.tags.sort(), ['y', 'z'], 'tags survive a racing rename');
  });

  test('8 parallel renames of one session: one wins, the others fail cleanly, no name stays blocked', async () => {
    assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', 'ren'])).code, 0);
    const targets = Array.from({ length: 8 }, (_, i) => `ren${i}`);
    const rs = await Promise.all(targets.map((t) => env.amux(['rename', 'ren', t])));
    const winners = targets.filter((_, i) => rs[i]!.code === 0);
    assert.equal(winners.length, 1, `one winner: ${rs.map((r) => r.stderr.trim()).join(' | ')}`);
    rs.forEach((r, i) => {
      if (targets[i] !== winners[0]) assert.match(r.stderr, /^amux: (no session "ren"|session ren was renamed to \S+ meanwhile)/);
    });
    const s = assertConsistent(env);
    const losers = targets.filter((t) => t !== winners[0]);
    for (const l of losers) assert.ok(!s.names.has(l), `${l} is free`);
    assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', losers[0]!])).code, 0, 'a losing name can be used');
    assertConsistent(env);
  });

  test('an explicit name tmux already has is refused with a sentence; nothing is left behind', async () => {
    env.tmux(['new-session', '-d', '-s', 'amux-byhand', 'sleep 300']);
    assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', 'bh'])).code, 0);
    const r = await env.amux(['run', '-c', 'sleep 300', '--name', 'byhand']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tmux already has a session named amux-byhand that amux does not know/);
    const ren = await env.amux(['rename', 'bh', 'byhand']);
    assert.match(ren.stderr, /tmux already has a session named amux-byhand/);
    assert.equal(snapshot(env).records.find((x) => x.name === 'bh')?.tmux.session, 'amux-bh', 'the refused rename changed nothing');
    env.tmux(['kill-session', '-t', '=amux-byhand']);
    assertConsistent(env);
  });
});
