/**
 * `send` and the hooks against what the real agents do (issue 9): a plain shell's command is
 * waited for through its pauses, a turn that stops at a permission dialog has its own exit code,
 * and Codex's notify ends only the user's thread's turn (not its side request's).
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor } from './helpers.ts';
import { codexNotifyProgram } from '../src/agents/codex.ts';

interface Row {
  name: string;
  state: string;
  tmux: { pane: string };
}

describe('send and hooks, as the real agents behave', () => {
  const env = new TestEnv('sendtruth');
  let dir = '';
  const row = async (name: string) => (await env.amuxJson<Row[]>(['ps', '--json'], { cwd: dir })).find((r) => r.name === name);
  const until = (name: string, state: string, ms = 20_000) => waitFor(async () => ((await row(name))?.state === state ? (await row(name))! : undefined), ms, 200);

  before(() => {
    dir = join(env.dir, 'proj');
    mkdirSync(join(dir, '.amux'), { recursive: true });
    writeFileSync(
      join(dir, '.amux', 'config.yaml'),
      'agents:\n  claude:\n    environment:\n      FAKE_START: idle\n      FAKE_SCRIPT: busy:1,permission,busy:1,done\n      FAKE_FRAME_MS: "200"\n' +
        '  codex:\n    environment:\n      FAKE_SCRIPT: busy:1,done\n      FAKE_PASTE_BURST_MS: "1000"\n',
    );
  });
  after(() => env.cleanup());

  test('send to a shell waits for the command through a pause longer than idleAfter', async () => {
    await env.amux(['run', '-c', 'sh', '--name', 'sh1'], { cwd: dir });
    await until('sh1', 'idle');
    const r = await env.amux(['send', 'sh1', 'echo hi; sleep 3; echo done-$((6*7))', '--timeout', '30s'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hi/);
    assert.match(r.stdout, /done-42/, `the whole command's output: ${JSON.stringify(r.stdout)}`);
  });

  test('a turn that ends at a permission dialog exits 3, not 0', async () => {
    await env.amux(['run', 'claude', '--name', 'perm'], { cwd: dir });
    await until('perm', 'idle');
    const r = await env.amux(['send', 'perm', 'delete the build dir', '--timeout', '30s'], { cwd: dir });
    assert.equal(r.code, 3, `${r.code}: ${r.stderr}`);
    assert.match(r.stderr, /waiting for an answer/);
    const help = await env.amux(['send', '--help'], { cwd: dir });
    assert.match(help.stdout, /3 the turn stopped at a question or\s+permission dialog/);
  });

  test('send to Codex, which takes an Enter right after a paste as a newline: the turn is started and the reply printed', async () => {
    await env.amux(['run', 'codex', '--name', 'cx'], { cwd: dir });
    await until('cx', 'idle');
    const r = await env.amux(['send', 'cx', 'summarise the tests', '--timeout', '40s'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Done: summarise the tests/, `${r.stdout}\n${r.stderr}\n${(await env.amux(['capture', 'cx'], { cwd: dir })).stdout}`);
  });

  test("codex notify: the title side request and other threads do not end the user's turn", async () => {
    await env.amux(['run', '-c', 'sh', '--name', 'nt'], { cwd: dir });
    const pane = (await until('nt', 'idle'))!.tmux.pane;
    const socketPath = env.tmux(['display-message', '-p', '#{socket_path}']).trim();
    const notify = (payload: object) =>
      execFileSync('sh', ['-c', codexNotifyProgram(), 'amux-notify', JSON.stringify(payload)], { env: { ...env.env, TMUX: `${socketPath},1,0`, TMUX_PANE: pane } });
    const hook = () => env.tmux(['show-options', '-p', '-t', pane, '-qv', '@amux_hook']).trim();
    const user = '01a23649-308c-7651-b998-8e8ad87d030b';
    // As Codex 0.169 sends them: the side request first, ~0.1 s into the user's first turn.
    notify({ type: 'agent-turn-complete', 'thread-id': '01a23649-3c6c-70f3-8957-10a6ade3274f', 'turn-id': 't1', 'input-messages': ['Generate a concise, single-line task title of at most 36 characters'], 'last-assistant-message': '{"title":"x"}' });
    assert.equal(hook(), '', 'the title request recorded nothing');
    notify({ type: 'agent-turn-complete', 'thread-id': user, 'turn-id': 't2', 'input-messages': ['fix the tests'], 'last-assistant-message': 'Done.' });
    assert.equal(hook(), 'agent-turn-complete', "the user's turn is recorded");
    env.tmux(['set-option', '-p', '-t', pane, '@amux_hook', '']);
    notify({ type: 'agent-turn-complete', 'thread-id': '01a2364a-0000-7000-8000-000000000000', 'turn-id': 't3', 'input-messages': ['a sub-agent task'], 'last-assistant-message': 'ok' });
    assert.equal(hook(), '', 'another thread (a sub-agent) recorded nothing');
    notify({ type: 'agent-turn-complete', 'thread-id': user, 'turn-id': 't4', 'input-messages': ['fix the tests', 'again'], 'last-assistant-message': 'Done.' });
    assert.equal(hook(), 'agent-turn-complete');
  });
});
