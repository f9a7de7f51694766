/**
 * What the real Claude Code 2.1.197 and Codex 0.169 drew in tmux (recorded by `npm run
 * test:agents` into test/fixtures/screens/real/, with the pane title beside each screen), run
 * through the detectors and the engine: the title is a signal, tips and footers are chrome, the
 * user's earlier prompts are transcript, and a hung request is stuck on time and stays stuck.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './helpers.ts';
import { classifyScreen, getDetector, keyMoved, progressOf } from '../src/state/detectors.ts';
import { decide, type Decision, type Prev, type Signals } from '../src/state/engine.ts';

const REAL = join(FIXTURES, 'screens', 'real');
const read = (name: string) => ({
  screen: readFileSync(join(REAL, `${name}.txt`), 'utf8'),
  title: readFileSync(join(REAL, `${name}.title`), 'utf8').replace(/\n$/, ''),
});

test('codex: a streaming answer is busy by its title, though its screen shows only the idle composer', () => {
  const { screen, title } = read('codex-busy-streaming');
  const det = getDetector('codex');
  assert.equal(classifyScreen(det, screen).verdict, 'idle', 'the screen alone says idle (Codex 0.169 draws no busy line while text streams)');
  const c = classifyScreen(det, screen, title);
  assert.equal(c.verdict, 'busy');
  assert.match(c.line ?? '', /^title: /);
});

test('codex: an approval is waiting by its title ([ ! ] or the blinking [ . ])', () => {
  const det = getDetector('codex');
  assert.equal(classifyScreen(det, 'anything', '[ ! ] Action Required | proj').verdict, 'waiting');
  assert.equal(classifyScreen(det, 'anything', '[ . ] Action Required | proj').verdict, 'waiting');
  assert.equal(classifyScreen(det, read('codex-idle-after-stream').screen, 'proj').verdict, 'idle');
});

test('claude: the braille spinner in the title is busy; the ✳ title is not', () => {
  const det = getDetector('claude');
  assert.equal(classifyScreen(det, read('claude-idle-after-stream').screen, '⠂ Claude Code').verdict, 'busy');
  assert.equal(classifyScreen(det, read('claude-idle-after-stream').screen, '✳ Claude Code').verdict, 'idle');
  assert.equal(classifyScreen(det, read('claude-waiting-approval').screen, '✳ Claude Code').verdict, 'waiting');
});

test("codex: the user's earlier prompts in the transcript are not the idle composer", () => {
  const det = getDetector('codex');
  // The transcript above a streaming answer, the composer not (yet) drawn under it.
  const screen = ['› fix the failing tests', '', '• Looking at the tests now', '  first file read', '', '› and then run them', '', '• Running them'].join('\n');
  assert.equal(classifyScreen(det, screen).verdict, null);
  // With the composer at the bottom it is idle, whatever the transcript holds.
  assert.equal(classifyScreen(det, screen + '\n\n› Ask Codex to do anything\n\n  gpt-5 default · ~/proj').verdict, 'idle');
});

test('a tip under a hung spinner, footers and the scrolled-away top are not progress', () => {
  for (const kind of ['claude', 'codex']) {
    const det = getDetector(kind);
    const hung = progressOf(det, read(`${kind}-busy-hung`).screen);
    const tip = progressOf(det, read(`${kind}-busy-hung-tip`).screen);
    assert.equal(keyMoved(hung.key, tip.key), false, `${kind}: the tip line (and the clock) moved nothing`);
    // New transcript content is progress.
    const more = progressOf(det, read(`${kind}-busy-hung`).screen.replace(/^(.*scenario:hang.*)$/m, '$1\nA new line of the answer'));
    assert.equal(keyMoved(hung.key, more.key), true, `${kind}: a new transcript line is progress`);
  }
});

test('keyMoved: new or grown lines move, lost lines do not', () => {
  assert.equal(keyMoved('a\nb', 'a\nb'), false);
  assert.equal(keyMoved('a\nb\nc', 'b\nc'), false);
  assert.equal(keyMoved('a\nb', 'a\nb\nc'), true);
  assert.equal(keyMoved('a\nword1', 'a\nword1 word2'), true);
});

test('a hung request: stuck within 2 s of stuckAfter, and it stays stuck when the tip appears', () => {
  for (const kind of ['claude', 'codex']) {
    const det = getDetector(kind);
    const frames = [read(`${kind}-busy-hung`), read(`${kind}-busy-hung-tip`)];
    const T0 = 1_700_000_000_000;
    const stuckAfter = 12_000;
    let prev: Prev | null = null;
    let d!: Decision;
    let stuckAt: number | null = null;
    // 60 s of 400 ms ticks: the hung screen, then (from 30 s) the one with the tip.
    for (let t = 0; t <= 60_000; t += 400) {
      const f = frames[t < 30_000 ? 0 : 1]!;
      const now = T0 + t;
      const c = classifyScreen(det, f.screen, f.title);
      const p = progressOf(det, f.screen);
      const sig: Signals = { kind, createdAt: T0 - 60_000, lastOutputAt: now, stuckAfter, screen: { verdict: c.verdict, at: now }, progress: { key: p.key, tokens: p.tokens, at: now } };
      d = decide(sig, prev, now);
      prev = d.next;
      if (d.state === 'stuck' && stuckAt === null) stuckAt = t;
      if (stuckAt !== null) assert.equal(d.state, 'stuck', `${kind}: stays stuck at ${t} ms (${d.reason})`);
    }
    assert.ok(stuckAt !== null && stuckAt >= stuckAfter && stuckAt <= stuckAfter + 2000, `${kind}: stuck at ${stuckAt} ms`);
  }
});

test('an idle prompt the title confirms ends the turn without the settle; the screen alone settles first', () => {
  const det = getDetector('codex');
  const T0 = 1_700_000_000_000;
  const busy = read('codex-busy-streaming');
  const idle = read('codex-idle-after-stream');
  const run = (title: string) => {
    let prev: Prev | null = null;
    const tick = (f: { screen: string; title: string }, now: number) => {
      const c = classifyScreen(det, f.screen, f.title);
      const sig: Signals = { kind: 'codex', createdAt: T0 - 60_000, lastOutputAt: now, screen: { verdict: c.verdict, at: now, confirmed: c.confirmed } };
      const d = decide(sig, prev, now);
      prev = d.next;
      return d;
    };
    assert.equal(tick(busy, T0).state, 'running');
    return tick({ screen: idle.screen, title }, T0 + 400).state;
  };
  assert.equal(run(idle.title), 'idle', 'the spinner left the title: idle at once');
  assert.equal(run(''), 'running', 'no title to confirm: settling');
});
