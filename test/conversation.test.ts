/**
 * The conversation facts without tmux: the hook programs that report a conversation (Claude's
 * SessionStart, Codex's notify with its rollout check), the report's parsing, where each agent
 * keeps a conversation, and how the read model shows hibernated and lost sessions.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionStartCommand, claudeProjectDir } from '../src/agents/claude.ts';
import { codexNotifyProgram } from '../src/agents/codex.ts';
import { profileFor } from '../src/agents/index.ts';
import { parseConversationReport } from '../src/session/conversation.ts';
import { viewOf } from '../src/state/model.ts';
import type { SessionRecord } from '../src/session/types.ts';

describe('conversation reports', () => {
  let dir = '';
  let logf = '';
  let bin = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'amux-conv-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    logf = join(dir, 'tmux-args.log');
    // A stand-in `tmux` that records its argv, one word per line.
    writeFileSync(join(bin, 'tmux'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> '${logf}'\n`);
    chmodSync(join(bin, 'tmux'), 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (cmd: string, input: string, vars: Record<string, string | undefined>, args: string[] = []) => {
    writeFileSync(logf, '');
    const out = execFileSync('sh', ['-c', cmd, 'sh', ...args], { input, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...vars } });
    return { out, words: readFileSync(logf, 'utf8').split('\n').filter(Boolean) };
  };

  test("Claude's SessionStart hook puts TIME SOURCE ID FILE on its own pane, prints nothing", () => {
    const json = JSON.stringify({ session_id: '5f0c-11', transcript_path: '/h/.claude/projects/-w-x/5f0c-11.jsonl', cwd: '/w/x', hook_event_name: 'SessionStart', source: 'clear' });
    const { out, words } = run(sessionStartCommand(), json, { TMUX_PANE: '%7' });
    assert.equal(out, '');
    assert.deepEqual(words.slice(0, 5), ['set-option', '-p', '-t', '%7', '@amux_conv']);
    const ref = parseConversationReport(words[5]);
    assert.deepEqual({ ...ref, at: undefined }, { id: '5f0c-11', source: 'clear', file: '/h/.claude/projects/-w-x/5f0c-11.jsonl', at: undefined });
    assert.equal(run(sessionStartCommand(), '{"source":"startup"}', { TMUX_PANE: '%7' }).words.length, 0, 'no id: nothing set');
    assert.equal(run(sessionStartCommand(), '', { TMUX_PANE: undefined }).words.length, 0, 'outside tmux: nothing');
  });

  test("Codex's notify records the thread only when it has a rollout (a side request's thread is not the conversation)", () => {
    const home = join(dir, 'codex');
    const day = join(home, 'sessions', '2026', '12', '02');
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, 'rollout-2026-12-02T10-00-00-main-1.jsonl'), '{}\n');
    const payload = (id: string) => JSON.stringify({ type: 'agent-turn-complete', 'thread-id': id, 'turn-id': '1' });
    const main = run(codexNotifyProgram(), '', { TMUX_PANE: '%4', CODEX_HOME: home }, [payload('main-1')]).words;
    assert.equal(main.filter((w) => w === '@amux_conv').length, 1);
    assert.match(main[main.indexOf('@amux_conv') + 1]!, /^\d{13} notify main-1 $/);
    assert.ok(main.includes('agent-turn-complete'), 'the turn end is recorded too');
    const side = run(codexNotifyProgram(), '', { TMUX_PANE: '%4', CODEX_HOME: home }, [payload('side-2')]).words;
    assert.ok(!side.includes('@amux_conv'), 'no rollout: not taken');
    assert.ok(side.includes('agent-turn-complete'));
  });

  test('parse: seconds scale to ms; anything else is not a report', () => {
    assert.equal(parseConversationReport('1700000000 startup abc')?.at, new Date(1_700_000_000_000).toISOString());
    assert.equal(parseConversationReport(''), null);
    assert.equal(parseConversationReport('x startup abc'), null);
    assert.equal(parseConversationReport('1700000000123 startup a/b'), null);
  });

  test('where each agent keeps a conversation (CLAUDE_CONFIG_DIR and CODEX_HOME aware)', () => {
    assert.equal(claudeProjectDir('/home/me/my.proj_x'), '-home-me-my-proj-x');
    const c = profileFor('claude').conversation!;
    assert.equal(c.file('ID', '/w/a.b', { HOME: '/h' }), '/h/.claude/projects/-w-a-b/ID.jsonl');
    assert.equal(c.file('ID', '/w', { HOME: '/h', CLAUDE_CONFIG_DIR: '/cfg' }), '/cfg/projects/-w/ID.jsonl');
    assert.deepEqual(c.resumeArgs('ID'), ['--resume', 'ID']);
    assert.deepEqual(c.assignArgs!('ID'), ['--session-id', 'ID']);
    const x = profileFor('codex').conversation!;
    assert.equal(x.assignArgs, null, 'Codex picks its own ids');
    assert.deepEqual(x.resumeArgs('T'), ['resume', 'T']);
    assert.equal(profileFor('generic').conversation, undefined);
  });

  test('the read model: hibernated (listed, with its conversation) and lost (how long ago)', () => {
    const rec: SessionRecord = {
      schema: 1, id: 'a', name: 'n', agent: 'claude', detector: 'claude', argv: ['claude'], project: '/p', workspace: null, cwd: '/p',
      createdAt: new Date(Date.now() - 600_000).toISOString(), logFile: join(dir, 'none.log'), tags: [],
      tmux: { socket: 's', session: 'amux-n', sessionId: '$1', window: '@1', pane: '%1' },
      conversation: { id: 'C1', source: 'assigned', at: new Date().toISOString() },
    };
    const lost = viewOf(rec, null);
    assert.equal(lost.state, 'lost');
    assert.ok(lost.stateSince && Date.now() - lost.stateSince >= 600_000 - 1000, 'since its last sign of life');
    assert.match(lost.reason, /amux resume n/);
    const hib = viewOf({ ...rec, hibernated: { at: new Date(Date.now() - 5000).toISOString(), reason: 'asked' } }, null);
    assert.equal(hib.state, 'hibernated');
    assert.match(hib.reason, /conversation C1/);
  });
});
