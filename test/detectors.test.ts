import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifyScreen,
  getDetector,
  progressOf,
  progressKey,
  screenTail,
  BUILTIN_PATTERNS,
  DETECTOR_KINDS,
} from '../src/state/detectors.ts';
import { detectorKindFor } from '../src/agents/index.ts';
import { FIXTURES } from './helpers.ts';

const SCREENS = join(FIXTURES, 'screens');

// Table: test/fixtures/screens/<kind>-<busy|waiting|idle|none>-<what>.txt
for (const file of readdirSync(SCREENS).filter((f) => f.endsWith('.txt')).sort()) {
  const [kind, expected] = file.replace(/\.txt$/, '').split('-') as [string, string];
  test(`screen ${file} → ${expected}`, () => {
    const screen = readFileSync(join(SCREENS, file), 'utf8');
    const c = classifyScreen(getDetector(kind), screen);
    assert.equal(c.verdict ?? 'none', expected, `matched ${c.pattern ?? '-'} on "${c.line ?? ''}"`);
    if (c.verdict) {
      assert.ok(c.pattern, 'reports the pattern');
      assert.ok(c.line !== undefined && screen.includes(c.line), 'reports a line of the screen');
    }
  });
}

// Table: screens recorded from the REAL CLIs by `npm run test:agents` (AMUX_RECORD_SCREENS=1):
// test/fixtures/screens/real/<kind>-<verdict>-<what>.txt with the pane title beside it (.title).
const REAL = join(SCREENS, 'real');
for (const file of readdirSync(REAL).filter((f) => f.endsWith('.txt')).sort()) {
  const [kind, expected] = file.replace(/\.txt$/, '').split('-') as [string, string];
  const title = readFileSync(join(REAL, file.replace(/\.txt$/, '.title')), 'utf8').replace(/\n$/, '');
  test(`real screen ${file} [${title}] → ${expected}`, () => {
    const screen = readFileSync(join(REAL, file), 'utf8');
    const c = classifyScreen(getDetector(kind), screen, title);
    assert.equal(c.verdict ?? 'none', expected, `matched ${c.pattern ?? '-'} on "${c.line ?? ''}"`);
  });
}

test('every kind has a table screen for each verdict it can produce', () => {
  const files = readdirSync(SCREENS);
  for (const kind of ['claude', 'codex', 'gemini', 'aider']) {
    for (const v of ['busy', 'waiting', 'idle']) {
      assert.ok(files.some((f) => f.startsWith(`${kind}-${v}-`) || f === `${kind}-${v}.txt`), `${kind}-${v}`);
    }
  }
});

test('claude busy screen reports spinner text and token count', () => {
  const screen = readFileSync(join(SCREENS, 'claude-busy-1.txt'), 'utf8');
  const c = classifyScreen(getDetector('claude'), screen);
  assert.equal(c.verdict, 'busy');
  assert.deepEqual(c.progress, { tokens: 1200, spinnerText: 'Forming…' });
  const c2 = classifyScreen(getDetector('claude'), readFileSync(join(SCREENS, 'claude-busy-2-tool.txt'), 'utf8'));
  assert.equal(c2.progress?.tokens, 3400);
  assert.equal(c2.progress?.spinnerText, 'Testing…');
});

test('precedence on one screen: waiting > busy > idle', () => {
  const det = getDetector('claude');
  const rule = '─'.repeat(40);
  const idle = `${rule}\n❯ \n${rule}\n  ? for shortcuts`;
  assert.equal(classifyScreen(det, idle).verdict, 'idle');
  const busy = `✶ Forming… (1s · ↓ 3 tokens)\n\n${idle}`;
  assert.equal(classifyScreen(det, busy).verdict, 'busy');
  const waiting = `${busy}\n Do you want to proceed?\n ❯ 1. Yes\n   3. No`;
  assert.equal(classifyScreen(det, waiting).verdict, 'waiting');
});

test('only the last lines count: an old prompt far above is history', () => {
  const det = getDetector('claude');
  const old = ' Do you want to proceed?\n ❯ 1. Yes\n';
  const filler = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
  const rule = '─'.repeat(40);
  const screen = `${old}${filler}\n${rule}\n❯ \n${rule}\n  ? for shortcuts\n\n\n\n`;
  assert.equal(classifyScreen(det, screen).verdict, 'idle');
});

test('ANSI escapes are stripped before matching', () => {
  const det = getDetector('claude');
  const screen = '\x1b[38;5;174m✶\x1b[39m \x1b[1mForming…\x1b[22m \x1b[2m(3s · ↓ 9 tokens)\x1b[0m\n';
  const c = classifyScreen(det, screen);
  assert.equal(c.verdict, 'busy');
  assert.equal(c.progress?.tokens, 9);
});

test('transcript bullets with an ellipsis are not a spinner', () => {
  const det = getDetector('claude');
  assert.equal(classifyScreen(det, '● Let me check the files…\n● Read(src/a.ts…)\n').verdict, null);
  assert.equal(classifyScreen(det, '✳ Thinking…\n').verdict, 'busy');
});

test('screenTail counts lines back from the last non-blank one', () => {
  assert.equal(screenTail('a\nb\nc\n\n  \n', 2), 'b\nc');
  assert.equal(screenTail('a\nb\nc', 5), 'a\nb\nc');
  assert.equal(screenTail('\n\nx', 1), 'x');
  assert.equal(screenTail('\nx\ny', 2), 'x\ny');
  assert.equal(screenTail('', 3), '');
});

test('getDetector: unknown kinds are generic; overrides extend or replace; bad regex names itself', () => {
  assert.equal(getDetector('nope').kind, 'generic');
  const ext = getDetector('claude', { idle: ['READY>'] });
  assert.equal(classifyScreen(ext, 'READY>').verdict, 'idle');
  assert.equal(classifyScreen(ext, '  esc to interrupt').verdict, 'busy', 'built-ins kept');
  assert.equal(ext, getDetector('claude', { idle: ['READY>'] }), 'cached: no recompiling per call');
  const rep = getDetector('claude', { busy: ['WORKING'], replace: true });
  assert.equal(classifyScreen(rep, '  esc to interrupt').verdict, null, 'busy list replaced');
  assert.equal(classifyScreen(rep, 'WORKING hard').verdict, 'busy');
  assert.ok(rep.waiting.length === BUILTIN_PATTERNS.claude.waiting.length, 'lists not given keep the built-ins');
  const gen = getDetector('generic', { busy: ['^\\[\\d+/\\d+\\]'] });
  assert.equal(classifyScreen(gen, '[2/3] linking').verdict, 'busy');
  assert.throws(() => getDetector('claude', { busy: ['(unclosed'] }), /claude.*busy.*\(unclosed/);
  // User patterns are case-insensitive, as the config documents.
  assert.equal(classifyScreen(getDetector('generic', { idle: ['ready'] }), 'READY').verdict, 'idle');
});

test('built-in regexes are compiled once', () => {
  const a = getDetector('claude');
  const b = getDetector('claude');
  assert.equal(a, b);
  assert.equal(a.busy[0]!.re, b.busy[0]!.re);
  assert.deepEqual([...DETECTOR_KINDS], ['claude', 'codex', 'gemini', 'aider', 'generic']);
});

test('detectorKindFor: explicit, agent id, argv[0], sh -c string, generic', () => {
  assert.equal(detectorKindFor('mine', ['/opt/x'], 'claude'), 'claude');
  assert.equal(detectorKindFor('codex', ['/usr/bin/whatever']), 'codex');
  assert.equal(detectorKindFor('c1', ['/usr/local/bin/claude', '--model', 'x']), 'claude');
  assert.equal(detectorKindFor('c1', ['aider']), 'aider');
  assert.equal(detectorKindFor('c1', ['/bin/bash', '-c', 'FOO=1 exec ~/bin/gemini --yolo']), 'gemini');
  assert.equal(detectorKindFor('c1', ['sh', '-c', "cd '/x y' && claude"]), 'generic', 'first program is cd');
  assert.equal(detectorKindFor('c1', ['sh', '-c', 'npx @anthropic-ai/claude-code']), 'claude');
  assert.equal(detectorKindFor('c1', ['env', 'A=1', 'codex']), 'codex');
  assert.equal(detectorKindFor('c1', ['claude --resume']), 'claude', 'single string command');
  assert.equal(detectorKindFor('dev', ['npm', 'run', 'dev']), 'generic');
  assert.equal(detectorKindFor('dev', []), 'generic');
  assert.equal(detectorKindFor('claude-wrapper', ['./run-agent.sh']), 'generic');
});

test('progress: a turning spinner and a ticking clock are not progress', () => {
  const det = getDetector('claude');
  const rule = '─'.repeat(40);
  const frame = (glyph: string, word: string, secs: string, tokens: string, extra = '') =>
    `● Read(src/a.ts)\n  ⎿  Read 10 lines\n${extra}\n${glyph} ${word} (${secs} · ↓ ${tokens} tokens)\n\n${rule}\n❯ \n${rule}\n  esc to interrupt · ← for agents\n`;
  const a = progressOf(det, frame('✶', 'Forming…', '12s', '1.2k'));
  const b = progressOf(det, frame('✻', 'Forming…', '13s', '1.2k'));
  const c = progressOf(det, frame('✢', 'Forming…', '1m 2s', '1.2k'));
  assert.equal(a.key, b.key, 'glyph + clock only');
  assert.equal(a.key, c.key, 'minutes too');
  assert.equal(a.tokens, 1200);
  const d = progressOf(det, frame('✻', 'Forming…', '14s', '1.3k'));
  assert.equal(d.key, a.key, 'tokens are reported separately');
  assert.equal(d.tokens, 1300, 'a rising token count is visible');
  const e = progressOf(det, frame('✻', 'Forming…', '14s', '1.2k', '● Now editing src/a.ts'));
  assert.notEqual(e.key, a.key, 'new content is progress');
  assert.equal(progressKey(frame('✶', 'Forming…', '12s', '1.2k')), a.key);
});

test('progress: codex and gemini clocks and braille spinners are normalised', () => {
  const cx = getDetector('codex');
  assert.equal(
    progressOf(cx, '• Working (3s • esc to interrupt)\n\n› Ask Codex to do anything').key,
    progressOf(cx, '◦ Working (4s • esc to interrupt)\n\n› Ask Codex to do anything').key,
  );
  const gm = getDetector('gemini');
  assert.equal(progressOf(gm, '⠼ Thinking... (esc to cancel, 7s)').key, progressOf(gm, '⠏ Thinking... (esc to cancel, 8s)').key);
  assert.notEqual(progressOf(gm, 'a\n⠼ Thinking... (esc to cancel, 7s)').key, progressOf(gm, 'b\n⠼ Thinking... (esc to cancel, 7s)').key);
});

test('classification is cheap: 100 screens well under a tick', () => {
  const det = getDetector('claude');
  const screen = readFileSync(join(SCREENS, 'claude-busy-1.txt'), 'utf8');
  const idle = readFileSync(join(SCREENS, 'claude-idle.txt'), 'utf8');
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    classifyScreen(det, i % 2 ? screen : idle);
    progressOf(det, screen);
  }
  const per = (performance.now() - t0) / 1000;
  assert.ok(per < 0.5, `${per.toFixed(3)} ms per screen`);
});
