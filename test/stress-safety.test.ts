/**
 * The safety issue's follow-ups: the monitor's own log is capped (two files at most), the config
 * cache never holds a value from the environment, and `amux doctor` lists sessions whose log
 * writer is dead.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, logWriterProcesses } from './helpers.ts';
import { appendCapped } from '../src/state/daemon-log.ts';
import { loadConfig } from '../src/config/load.ts';

describe('the monitor log is capped', () => {
  const env = new TestEnv('dlog');
  after(() => env.cleanup());

  test('past the cap the log becomes .1 and starts anew; never more than two files', () => {
    const dir = join(env.dir, 'daemon');
    mkdirSync(dir, { recursive: true });
    const log = join(dir, 'srv.log');
    const line = 'x'.repeat(99) + '\n'; // 100 bytes
    for (let i = 0; i < 10; i++) appendCapped(log, line, 1000);
    assert.equal(statSync(log).size, 1000, 'exactly at the cap: not rotated yet');
    assert.ok(!existsSync(`${log}.1`));
    appendCapped(log, 'next\n', 1000);
    assert.equal(readFileSync(log, 'utf8'), 'next\n', 'a new log after the rotation');
    assert.equal(statSync(`${log}.1`).size, 1000, 'the full one kept as .1');
    for (let i = 0; i < 100; i++) appendCapped(log, line, 1000);
    assert.deepEqual(readdirSync(dir).sort(), ['srv.log', 'srv.log.1'], 'at most two files');
    assert.ok(statSync(log).size <= 1000 && statSync(`${log}.1`).size <= 1000);
    assert.equal(statSync(log).mode & 0o077, 0, 'the log is private');
  });

  test('a log that cannot be written never throws', () => {
    assert.doesNotThrow(() => appendCapped(join(env.dir, 'no', 'such', 'dir', 'x.log'), 'line\n', 10));
  });
});

describe('the config cache never holds an environment value', () => {
  const env = new TestEnv('cache');
  after(() => env.cleanup());

  test('a ${VAR} in the config is cached as written, never expanded', async () => {
    const secret = `s3cr3t-${Math.random().toString(36).slice(2)}`;
    const dir = join(env.dir, 'proj');
    mkdirSync(join(dir, '.amux'), { recursive: true });
    writeFileSync(
      join(dir, '.amux', 'config.yaml'),
      'agents:\n  tok:\n    command: [sh, -c, "echo $API_TOKEN; sleep 60"]\n    environment:\n      API_TOKEN: ${AMUX_TEST_SECRET}\n      OTHER: "x-${AMUX_TEST_SECRET:-none}"\n',
    );
    const e = { ...env.env, AMUX_TEST_SECRET: secret };
    const c = loadConfig({ cwd: dir, env: e });
    assert.equal(c.agents.tok!.environment.API_TOKEN, '${AMUX_TEST_SECRET}', 'the loaded config keeps the text');
    loadConfig({ cwd: dir, env: e }); // a cache hit
    // The CLI writes the cache too (its own process, the secret in its environment).
    const r = await env.amux(['config', 'validate'], { cwd: dir, env: e });
    assert.equal(r.code, 0, r.stderr);
    const cacheDir = join(env.home, 'cache');
    const files = readdirSync(cacheDir);
    assert.ok(files.some((f) => f.startsWith('config-')), 'a cache file was written');
    for (const f of files) {
      const text = readFileSync(join(cacheDir, f), 'utf8');
      assert.ok(!text.includes(secret), `${f} holds no environment value`);
      if (f.startsWith('config-')) assert.ok(text.includes('${AMUX_TEST_SECRET}'), `${f} holds the unexpanded text`);
    }
  });
});

interface PsRow {
  name: string;
  logFile: string;
  tmux: { pane: string };
}

interface Doctor {
  ok: boolean;
  checks: { name: string; ok: boolean; warn?: boolean; detail: string; session?: string }[];
}

/** The log writer's process that appends to `logFile` (killing it ends the writer: its shell exits too). */
function writerPid(logFile: string): number | null {
  return logWriterProcesses(logFile).writing;
}

describe('doctor reports a dead log writer', () => {
  const env = new TestEnv('docw');
  after(() => env.cleanup());

  test('kill the writer: doctor lists the session, the other one is fine', async () => {
    // Output that keeps coming: tmux notices a dead pipe when it next writes to it.
    for (const name of ['w1', 'w2']) assert.equal((await env.amux(['run', '-c', 'while :; do echo tick; sleep 0.2; done', '--name', name])).code, 0);
    const rows = await env.amuxJson<PsRow[]>(['ps', '--json']);
    const w1 = rows.find((r) => r.name === 'w1')!;
    let d = await env.amuxJson<Doctor>(['doctor', '--json']);
    assert.ok(d.checks.some((c) => c.name === 'log writers' && c.ok), JSON.stringify(d.checks));
    // The monitor's own lines went to its (capped) log file.
    const dlogs = readdirSync(join(env.home, 'daemon')).filter((f) => f.endsWith('.log'));
    assert.ok(dlogs.some((f) => readFileSync(join(env.home, 'daemon', f), 'utf8').includes('amux daemon')), 'the monitor logged its start');
    // Without a monitor nothing attaches a new writer: the dead one stays dead for doctor to see.
    assert.equal((await env.amux(['daemon', 'stop'])).code, 0);
    const pid = await waitFor(() => writerPid(w1.logFile), 5000);
    assert.ok(pid, 'found the writer of w1');
    process.kill(pid, 'SIGKILL');
    assert.ok(await waitFor(() => env.tmux(['display', '-p', '-t', w1.tmux.pane, '#{pane_pipe}']).trim() === '0', 5000), 'tmux saw the writer go');
    d = await env.amuxJson<Doctor>(['doctor', '--json']);
    const bad = d.checks.filter((c) => c.name === 'log writer');
    assert.deepEqual(bad.map((c) => c.session), ['w1'], JSON.stringify(d.checks));
    assert.ok(bad[0]!.warn && !bad[0]!.ok);
    assert.match(bad[0]!.detail, /no log writer runs/);
    const text = await env.amux(['doctor']);
    assert.match(text.stdout, /warn\s+log writer\s+w1: no log writer runs/);
  });
});
