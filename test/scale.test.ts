/**
 * Issue 14, the suite's small version of a thousand sessions: 200 sessions launched by two
 * batches at once on one server, every one started (no name taken twice), listed, logged from its
 * first byte, with one log writer each (a shell and a cat, nothing bigger). The figures at 1,000
 * live in the benchmark (`npm run bench -- scale`). Also: the name reservations and the watched
 * registry stamp that keep per-launch and per-tick work flat.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, logWriterProcesses } from './helpers.ts';
import { Registry } from '../src/session/registry.ts';

interface Row {
  id: string;
  name: string;
  state: string;
  logFile: string;
  tmux: { pane: string };
}

describe('200 sessions on one server', () => {
  const env = new TestEnv('scale');
  after(() => env.cleanup());

  test('two batches of 100 at once: all start with distinct names, all listed, all logged, one writer each', async () => {
    // Each session prints its own name first: the log must hold it (written from the first byte).
    const cmd = 'echo "first-$AMUX_SESSION"; exec sleep 3600';
    const [a, b] = await Promise.all([
      env.amux(['run', '-c', cmd, '--count', '100', '--json'], { timeoutMs: 120_000 }),
      env.amux(['run', '-c', cmd, '--count', '100', '--json'], { timeoutMs: 120_000 }),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.stderr + b.stderr, '', 'no launch failed');

    const rows = await env.amuxJson<Row[]>(['ps', '--json']);
    assert.equal(rows.length, 200, 'all listed');
    assert.equal(new Set(rows.map((r) => r.name)).size, 200, 'no name twice');
    const tmuxNames = env.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').filter((n) => n.startsWith('amux-'));
    assert.equal(tmuxNames.length, 200, 'no orphan tmux session beside the 200');

    const logged = await waitFor(() => rows.every((r) => existsSync(r.logFile) && readFileSync(r.logFile, 'utf8').includes(`first-${r.name}`)) || undefined, 30_000, 200);
    assert.ok(logged, `every log holds its session's first line (missing: ${rows.filter((r) => !existsSync(r.logFile) || !readFileSync(r.logFile, 'utf8').includes(`first-${r.name}`)).map((r) => r.name).join(' ')})`);

    // One writer per session: it appends to that session's log, and nothing else holds it.
    let processes = 0;
    for (const r of rows) {
      const w = logWriterProcesses(r.logFile);
      assert.ok(w.writing !== null, `${r.name} has a writer`);
      assert.equal(w.all.length, 1, `${r.name}'s writer is one process (${w.all.length})`);
      processes += w.all.length;
      assert.equal(env.tmux(['display', '-p', '-t', r.tmux.pane, '#{pane_pipe}']).trim(), '1');
    }
    assert.equal(processes, 200, `${processes} writer processes for 200 sessions`);
    // The writers are the small perl program (about 0.5 MB of memory of its own each), never Node.
    const programs = new Set(rows.map((r) => readlinkSync(`/proc/${logWriterProcesses(r.logFile).writing}/exe`)));
    for (const p of programs) assert.match(p, /\/perl[\d.]*$/, `the writer runs ${p}`);
  });
});

describe('name reservations', () => {
  const env = new TestEnv('reserve');
  after(() => env.cleanup());

  test('an old reservation of a launch still under way is kept; one of a dead process is taken over', () => {
    process.env.AMUX_HOME = env.home;
    const reg = new Registry();
    mkdirSync(reg.namesDir, { recursive: true });
    const old = new Date(Date.now() - 120_000);
    // Held by this (live) process for two minutes, its record not written yet: a long batch.
    writeFileSync(join(reg.namesDir, 'busy'), `${reg.newId()}\n${process.pid}\n`);
    utimesSync(join(reg.namesDir, 'busy'), old, old);
    assert.equal(reg.reserveName('busy', reg.newId()), false);
    // Held by a process that is gone, with no record: stale.
    writeFileSync(join(reg.namesDir, 'crashed'), `${reg.newId()}\n2147483646\n`);
    utimesSync(join(reg.namesDir, 'crashed'), old, old);
    const id = reg.newId();
    assert.equal(reg.reserveName('crashed', id), true);
    assert.equal(readFileSync(join(reg.namesDir, 'crashed'), 'utf8').split('\n')[0], id);
  });

  test('a batch goes on from the last generated name instead of trying every name again', () => {
    process.env.AMUX_HOME = env.home;
    const reg = new Registry();
    const names = Array.from({ length: 5 }, () => reg.reserveUnique('batch', reg.newId(), false));
    assert.deepEqual(names, ['batch', 'batch-2', 'batch-3', 'batch-4', 'batch-5']);
    // Another process (a fresh registry) finds the next free one.
    assert.equal(new Registry().reserveUnique('batch', new Registry().newId(), false), 'batch-6');
  });
});

describe('the watched registry stamp', () => {
  const env = new TestEnv('stamp');
  after(() => env.cleanup());

  test('unchanged it is the full stamp; a record written changes it', async () => {
    process.env.AMUX_HOME = env.home;
    const reg = new Registry();
    mkdirSync(reg.dir, { recursive: true });
    reg.watch();
    try {
      const s0 = reg.stamp();
      assert.equal(s0, new Registry().stamp(), 'the same stamp as a full read');
      assert.equal(reg.stamp(), s0, 'nothing changed');
      writeFileSync(join(reg.dir, 'x.json'), '{}');
      const moved = await waitFor(() => (reg.stamp() !== s0 ? true : undefined), 5000, 20);
      assert.ok(moved, 'a new file changes the stamp');
      assert.equal(reg.stamp(), new Registry().stamp());
    } finally {
      reg.unwatch();
    }
  });
});
