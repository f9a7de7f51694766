/** What a new user hit in the first hour: notification storms, a missing shell, a forgotten exit code, leftovers. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, sleep, logWriterProcesses } from './helpers.ts';
import { validateConfigText } from '../src/config/validate.ts';

interface Row {
  id: string;
  name: string;
  state: string;
  exitCode: number | null;
  tmux: { session: string; pane: string };
}

const CONFIG = `
agents:
  tests:
    command: 'while true; do echo tick; sleep 3; done'
    idleAfter: 2s
  zsh-agent:
    command: 'echo hi'
    params: {shell: /bin/no-such-shell-zsh}
notify:
  displayMessage: false
  desktop: false
`;

describe('first hour', () => {
  const env = new TestEnv('firsthour');
  let dir = '';
  before(() => {
    dir = join(env.dir, 'proj');
    mkdirSync(join(dir, '.amux'), { recursive: true });
    writeFileSync(join(dir, '.amux', 'config.yaml'), CONFIG);
  });
  after(() => env.cleanup());

  const rows = async () => env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: dir });
  const until = async (name: string, ok: (r: Row) => boolean, ms = 15_000) => {
    const r = await waitFor(async () => (await rows()).find((x) => x.name === name && ok(x)), ms, 150);
    assert.ok(r, `${name}: ${JSON.stringify((await rows()).find((x) => x.name === name))}`);
    return r!;
  };
  const daemonLog = async () => {
    const st = await env.amuxJson<{ log: string }>(['daemon', 'status', '--json'], { cwd: dir });
    return existsSync(st.log) ? readFileSync(st.log, 'utf8') : '';
  };

  test('a missing params.shell is refused before launch, with a clear message', async () => {
    const r = await env.amux(['run', 'zsh-agent', '--name', 'z'], { cwd: dir });
    assert.notEqual(r.code, 0, 'refused');
    assert.match(r.stderr, /params\.shell.*\/bin\/no-such-shell-zsh.*not installed/);
    assert.equal((await rows()).find((x) => x.name === 'z'), undefined, 'no session was made');
  });

  test('notifications: none for a flapping watcher or a clean exit, one per failure, the first exit code kept, the writer ends', async () => {
    assert.equal((await env.amux(['run', 'tests', '--name', 'watch'], { cwd: dir })).code, 0);
    assert.equal((await env.amux(['run', '-c', 'sleep 1; exit 0', '--name', 'ok'], { cwd: dir })).code, 0);
    assert.equal((await env.amux(['run', '-c', 'sleep 1; exit 3', '--name', 'bad'], { cwd: dir })).code, 0);
    await until('watch', (r) => r.state === 'idle');
    const bad = await until('bad', (r) => r.state === 'exited' && r.exitCode === 3);
    await until('ok', (r) => r.state === 'exited' && r.exitCode === 0);
    await until('watch', (r) => r.state === 'running', 8000);
    await until('watch', (r) => r.state === 'idle', 8000);
    const log = await waitFor(async () => ((await daemonLog()).includes('notify bad') ? daemonLog() : undefined), 5000);
    assert.ok(log, 'the failure was announced');
    const notices = log!.split('\n').filter((l) => /notify \S+ \S+:/.test(l));
    assert.deepEqual(
      notices.map((l) => /notify (\S+) (\S+):/.exec(l)?.slice(1).join(' ')),
      ['bad failed'],
      `only the failure is announced:\n${notices.join('\n')}`,
    );
    // The first exit code is kept on the pane: the read model prefers it to what tmux reports later.
    await waitFor(() => env.tryTmux(['show-options', '-p', '-t', bad.tmux.pane, '-v', '@amux_exit'])?.trim() || undefined, 3000);
    assert.equal(env.tmux(['show-options', '-p', '-t', bad.tmux.pane, '-v', '@amux_exit']).trim(), '3');
    // The dead panes' log writers are gone.
    const logs = join(env.home, 'logs');
    const writers = await waitFor(() => {
      const n = readdirSync(logs).filter((f) => f.endsWith('.log') && logWriterProcesses(join(logs, f)).all.length > 0).length;
      return n === 1 ? n : undefined;
    }, 5000);
    assert.equal(writers, 1, 'one log writer: the live watcher');
  });

  test('daemon stop leaves nothing of amux visible: the hidden session goes too', async () => {
    assert.ok(env.tmux(['list-sessions', '-F', '#{session_name}']).includes('_amux-monitor'));
    const r = await env.amux(['daemon', 'stop'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    await sleep(200);
    assert.doesNotMatch(env.tmux(['list-sessions', '-F', '#{session_name}']), /_amux-monitor/);
    // Restarted, the failed session still reads its real exit code.
    await env.amux(['daemon', 'start'], { cwd: dir });
    const bad = await until('bad', (r) => r.state === 'exited' && r.exitCode === 3, 5000);
    // What tmux reports later does not replace the kept code.
    env.tmux(['set-option', '-p', '-t', bad.tmux.pane, '@amux_exit', '7']);
    // (ps may answer from the monitor's last tick: give it one to read the option.)
    const kept = await waitFor(async () => (await rows()).find((x) => x.name === 'bad')?.exitCode === 7, 3000);
    assert.ok(kept, 'the kept code (@amux_exit) wins over what tmux reports');
  });

  test('notify.events is validated with line:col', () => {
    const issues = validateConfigText('notify:\n  events: [waiting, idel]\n', 'c.yaml');
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.line, 2);
    assert.equal(issues[0]!.col, 21);
    assert.match(issues[0]!.message, /notify\.events\[1\]: unknown event "idel"/);
    assert.deepEqual(validateConfigText('notify:\n  events: [failed, idle]\n  failed: echo x\n', 'c.yaml'), []);
  });
});
