/**
 * A log writer that cannot write: the cap holds when rotation cannot rename, a writer that died
 * is detected and warned about, output still reads as running, and a new writer is attached
 * once the folder is back. Tests run as root, which ignores file modes: the folder is made
 * unusable by taking its names (a directory where the rotated file goes; a file where the folder was).
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, statSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, sleep } from './helpers.ts';

interface Row {
  name: string;
  state: string;
  reason: string;
  logFile: string;
  tmux: { pane: string };
}

describe('log writer faults', () => {
  const env = new TestEnv('logfault');
  let dir = '';
  before(() => {
    dir = join(env.dir, 'proj');
    mkdirSync(join(dir, '.amux'), { recursive: true });
    // 1 KB every 20 ms: 50 KB/s against a 4 KB cap.
    writeFileSync(join(dir, '.amux', 'config.yaml'), `
agents:
  flood:
    command: [sh, -c, 'l=$(printf "%01000d" 0); while :; do echo "$l"; sleep 0.02; done']
    idleAfter: 1s
`);
    env.env.AMUX_LOG_MAX = '4096';
  });
  after(() => env.cleanup());

  const row = async (name: string) => (await env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: dir })).find((r) => r.name === name)!;

  test('rotation that cannot rename keeps the cap', async () => {
    assert.equal((await env.amux(['run', 'flood', '--name', 'capped'], { cwd: dir })).code, 0);
    const r = await row('capped');
    // A non-empty folder where the rotated file goes: rename(log, log.1) now fails (the writer may rotate meanwhile: retry).
    for (let i = 0; i < 20; i++) {
      try {
        rmSync(`${r.logFile}.1`, { force: true });
        mkdirSync(`${r.logFile}.1/taken`, { recursive: true });
        break;
      } catch {
        /* rotated in between */
      }
    }
    await sleep(3000);
    const size = statSync(r.logFile).size;
    assert.ok(size <= 4096 + 8192, `log stays near its 4 KB cap (${size} bytes)`);
    rmSync(`${r.logFile}.1`, { recursive: true });
    assert.equal(await env.amux(['rm', '--force', 'capped'], { cwd: dir }).then((x) => x.code), 0);
  });

  test('a dead writer is detected and warned, output still reads running, a new writer comes back', async () => {
    assert.equal((await env.amux(['run', 'flood', '--name', 'flood'], { cwd: dir })).code, 0);
    const r = await row('flood');
    assert.equal(env.tmux(['display', '-p', '-t', r.tmux.pane, '#{pane_pipe}']).trim(), '1');
    const logs = join(env.home, 'logs');
    renameSync(logs, `${logs}.away`);
    writeFileSync(logs, 'not a folder'); // the next rotation cannot reopen: the writer dies
    try {
      const died = await waitFor(() => env.tmux(['display', '-p', '-t', r.tmux.pane, '#{pane_pipe}']).trim() === '0', 5000, 100);
      assert.ok(died, 'the writer died');
      await sleep(2500); // past idleAfter with a log that no longer moves
      const now = await row('flood');
      assert.equal(now.state, 'running', `output still reads running: ${now.reason}`);
      assert.match(now.reason, /no log writer runs/);
    } finally {
      rmSync(logs);
      renameSync(`${logs}.away`, logs);
    }
    const back = await waitFor(() => env.tmux(['display', '-p', '-t', r.tmux.pane, '#{pane_pipe}']).trim() === '1', 8000, 200);
    assert.ok(back, 'the monitor attached a new writer');
    const at0 = statSync(r.logFile).mtimeMs;
    await sleep(500);
    assert.notEqual(statSync(r.logFile).mtimeMs, at0, 'the log moves again');
    assert.doesNotMatch((await row('flood')).reason, /no log writer runs/);
  });
});
