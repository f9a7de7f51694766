import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, prevFromPublished, hookClaim, ENGINE_DEFAULTS, type Signals, type Prev, type Decision, type ScreenSignal } from '../src/state/engine.ts';
import { getDetector, progressOf } from '../src/state/detectors.ts';

const T0 = 1_700_000_000_000;
const S = 1000;
/** The default stuckAfter, in seconds (agents' one default). */
const STUCK_S = ENGINE_DEFAULTS.stuckAfter / S;

/** Feeds ticks through decide(), keeping the memory like the daemon does. */
class Sim {
  prev: Prev | null;
  last!: Decision;
  constructor(prev: Prev | null = null) {
    this.prev = prev;
  }
  tick(sig: Signals, now: number): Decision {
    this.last = decide(sig, this.prev, now);
    this.prev = this.last.next;
    return this.last;
  }
}

const screen = (verdict: ScreenSignal['verdict'], at: number, line?: string): ScreenSignal => ({ verdict, at, pattern: verdict ? `p-${verdict}` : undefined, line });
const claude = (extra: Partial<Signals> = {}): Signals => ({ kind: 'claude', createdAt: T0, lastOutputAt: T0 + 500, ...extra });
const generic = (extra: Partial<Signals> = {}): Signals => ({ kind: 'generic', createdAt: T0, ...extra });

test('hookClaim maps events to claims', () => {
  assert.equal(hookClaim('UserPromptSubmit'), 'running');
  assert.equal(hookClaim('PreToolUse'), 'running');
  assert.equal(hookClaim('PostToolUse'), 'running');
  assert.equal(hookClaim('Notification:permission_prompt'), 'waiting');
  assert.equal(hookClaim('Notification:idle_prompt'), 'idle');
  assert.equal(hookClaim('Notification'), null);
  assert.equal(hookClaim('Stop'), 'idle');
  assert.equal(hookClaim('SessionEnd'), 'idle');
  assert.equal(hookClaim('agent-turn-complete'), 'idle');
  assert.equal(hookClaim('SomethingNew'), null);
});

test('starting: young and nothing drawn; an agent until its UI shows', () => {
  const d = decide(generic({ lastOutputAt: null }), null, T0 + 500);
  assert.equal(d.state, 'starting');
  assert.equal(d.since, T0);
  assert.equal(decide(generic({ lastOutputAt: T0 }), null, T0 + 500).state, 'starting', 'window_activity at creation is not output');
  assert.equal(decide(generic({ lastOutputAt: T0 + 200 }), null, T0 + 500).state, 'running', 'printed: running');
  assert.equal(decide(generic({ lastOutputAt: null }), null, T0 + 5 * S).state, 'idle', 'silent and old: idle');
  // An agent that printed its banner but shows no known UI yet is still starting.
  assert.equal(decide(claude({ screen: screen(null, T0 + 900) }), null, T0 + S).state, 'starting');
  assert.equal(decide(claude({ screen: screen(null, T0 + 900) }), null, T0 + 20 * S).state, 'idle');
  // The agent drew its idle prompt: ready (after the settle when we were watching it start).
  const sim = new Sim();
  assert.equal(sim.tick(claude({ screen: screen(null, T0 + 400) }), T0 + 500).state, 'starting');
  assert.equal(sim.tick(claude({ screen: screen('idle', T0 + 1200) }), T0 + 1300).state, 'starting', 'settling');
  const d2 = sim.tick(claude({ screen: screen('idle', T0 + 1200) }), T0 + 2300);
  assert.equal(d2.state, 'idle');
  assert.equal(d2.since, T0 + 1200, 'since = when the prompt appeared');
});

test('generic: running while output flowed within idleAfter, idle after, since = quiet point', () => {
  const sim = new Sim();
  assert.equal(sim.tick(generic({ lastOutputAt: T0 + 4 * S }), T0 + 4.5 * S).state, 'running');
  assert.equal(sim.last.rule, 'output-flowing');
  const d = sim.tick(generic({ lastOutputAt: T0 + 4 * S }), T0 + 6.5 * S);
  assert.equal(d.state, 'idle');
  assert.equal(d.rule, 'output-quiet');
  assert.equal(d.since, T0 + 4 * S + ENGINE_DEFAULTS.idleAfter);
  assert.match(d.reason, /no output for 2s/);
  assert.equal(sim.tick(generic({ lastOutputAt: T0 + 7 * S, idleAfter: 500 }), T0 + 7.2 * S).state, 'running');
  assert.equal(sim.tick(generic({ lastOutputAt: T0 + 7 * S, idleAfter: 500 }), T0 + 7.6 * S).state, 'idle', 'idleAfter is per agent');
});

test('generic: never stuck unless stuckAfter is configured', () => {
  const key = 'same screen';
  let sim = new Sim();
  for (let t = 1; t <= 600; t += 5) sim.tick(generic({ lastOutputAt: T0 + t * S - 100, progress: { key, tokens: null, at: T0 + t * S } }), T0 + t * S);
  assert.equal(sim.last.state, 'running');
  sim = new Sim();
  for (let t = 1; t <= 130; t += 5) sim.tick(generic({ lastOutputAt: T0 + t * S - 100, stuckAfter: 60 * S, progress: { key, tokens: null, at: T0 + t * S } }), T0 + t * S);
  assert.equal(sim.last.state, 'stuck');
  assert.equal(sim.last.rule, 'no-progress');
});

test('exited: exit code null until tmux fills it, never 0 meanwhile; since stays', () => {
  const sim = new Sim();
  sim.tick(claude({ screen: screen('busy', T0 + S) }), T0 + 2 * S);
  const d1 = sim.tick(claude({ paneDead: true, exitCode: null, deadAt: T0 + 3 * S }), T0 + 3.5 * S);
  assert.equal(d1.state, 'exited');
  assert.equal(d1.exitCode, null);
  assert.match(d1.reason, /not reported/);
  assert.equal(d1.since, T0 + 3 * S);
  const d2 = sim.tick(claude({ paneDead: true, exitCode: 3, deadAt: T0 + 3 * S }), T0 + 6 * S);
  assert.equal(d2.exitCode, 3);
  assert.match(d2.reason, /exit code 3/);
  assert.equal(d2.since, d1.since);
  const d3 = decide(generic({ paneDead: true, exitCode: null, exitSignal: 9 }), null, T0 + S);
  assert.match(d3.reason, /signal 9/);
});

test('lost: the registry knows it, tmux does not', () => {
  const d = decide(claude({ lost: true, hook: { event: 'PreToolUse', at: T0 } }), null, T0 + S);
  assert.equal(d.state, 'lost');
  assert.equal(d.rule, 'lost');
});

test('waiting on screen beats a busy hook; since = when the panel appeared', () => {
  const sim = new Sim();
  sim.tick(claude({ hook: { event: 'PreToolUse', at: T0 + 9 * S }, screen: screen('busy', T0 + 9 * S) }), T0 + 9.1 * S);
  const d = sim.tick(claude({ hook: { event: 'PreToolUse', at: T0 + 9 * S }, screen: screen('waiting', T0 + 10 * S, 'Do you want to proceed?') }), T0 + 10.2 * S);
  assert.equal(d.state, 'waiting');
  assert.equal(d.rule, 'screen-waiting');
  assert.equal(d.since, T0 + 10 * S);
  assert.match(d.reason, /Do you want to proceed\?/);
});

test('a permission hook: waiting until a later screen shows work or a settled idle prompt', () => {
  const hook = { event: 'Notification:permission_prompt', at: T0 + 10 * S };
  // The screen did not recognise the panel: the hook decides.
  assert.equal(decide(claude({ hook, screen: screen(null, T0 + 10.5 * S) }), null, T0 + 11 * S).state, 'waiting');
  // Busy on a capture taken before the hook: the hook is newer.
  assert.equal(decide(claude({ hook, screen: screen('busy', T0 + 9 * S) }), null, T0 + 11 * S).state, 'waiting');
  // Busy on a capture after the hook: the prompt was answered.
  const d = decide(claude({ hook, screen: screen('busy', T0 + 12 * S) }), null, T0 + 12.1 * S);
  assert.equal(d.state, 'running');
  assert.equal(d.rule, 'screen-busy-after-notification');
  // Idle prompt (answered No / Esc) shown after the hook, settled.
  const sim = new Sim();
  sim.tick(claude({ hook, screen: screen('waiting', T0 + 10 * S) }), T0 + 10.1 * S);
  assert.equal(sim.tick(claude({ hook, screen: screen('idle', T0 + 12 * S) }), T0 + 12.2 * S).state, 'waiting');
  const d2 = sim.tick(claude({ hook, screen: screen('idle', T0 + 12 * S) }), T0 + 13.5 * S);
  assert.equal(d2.state, 'idle');
  assert.equal(d2.since, T0 + 12 * S);
});

test('Stop hook: idle at once unless a capture taken after it still shows work', () => {
  const stop = { event: 'Stop', at: T0 + 20 * S };
  const d = decide(claude({ hook: stop, screen: screen('busy', T0 + 19.9 * S) }), null, T0 + 20.1 * S);
  assert.equal(d.state, 'idle');
  assert.equal(d.rule, 'hook-stop');
  assert.equal(decide(claude({ hook: stop, screen: screen('busy', T0 + 20.5 * S) }), null, T0 + 20.6 * S).state, 'running', 'a fresh screen beats an old hook');
  const sim = new Sim();
  sim.tick(claude({ hook: { event: 'PostToolUse', at: T0 + 18 * S }, screen: screen('busy', T0 + 18 * S) }), T0 + 19 * S);
  const d2 = sim.tick(claude({ hook: stop, screen: screen('idle', T0 + 20.05 * S) }), T0 + 20.1 * S);
  assert.equal(d2.state, 'idle', 'no settle needed when the hook and the screen agree');
  assert.equal(d2.rule, 'hook-stop-screen-idle');
  assert.equal(d2.since, T0 + 20 * S);
  assert.equal(decide(claude({ hook: { event: 'agent-turn-complete', at: T0 + 5 * S }, kind: 'codex', screen: screen(null, T0 + 4 * S) }), null, T0 + 6 * S).state, 'idle');
});

test('Esc interrupt: a running hook is overruled once the idle prompt has settled', () => {
  const sim = new Sim();
  const submit = { event: 'UserPromptSubmit', at: T0 + 30 * S };
  // The prompt was submitted; the first capture after it still shows the old idle prompt.
  assert.equal(sim.tick(claude({ hook: submit, screen: screen('idle', T0 + 29 * S) }), T0 + 30.05 * S).state, 'running');
  assert.equal(sim.last.rule, 'hook-running');
  assert.equal(sim.tick(claude({ hook: submit, screen: screen('busy', T0 + 30.2 * S) }), T0 + 30.3 * S).state, 'running');
  // Esc at +40 s: idle prompt, no Stop hook.
  const esc = T0 + 40 * S;
  assert.equal(sim.tick(claude({ hook: submit, screen: screen('idle', esc) }), esc + 0.5 * S).state, 'running');
  // The idle prompt appeared long after the hook (the turn was seen working): the ordinary settle
  // of about a second decides, not the overrule window of a turn's start (issue 9: changes in 1.5 s).
  const d = sim.tick(claude({ hook: submit, screen: screen('idle', esc + 1 * S) }), esc + 1.2 * S);
  assert.equal(d.state, 'idle');
  assert.equal(d.rule, 'esc-interrupt');
  assert.equal(d.since, esc, 'since = when the idle prompt appeared');
  assert.match(d.reason, /Esc/);
  // It stays idle however long.
  const d2 = sim.tick(claude({ hook: submit, screen: screen('idle', esc + 3 * S) }), esc + 3600 * S);
  assert.equal(d2.state, 'idle');
  assert.equal(d2.since, esc);
});

test('idle without hooks: a fresh idle prompt settles about a second first', () => {
  const sim = new Sim();
  const g = (s: ScreenSignal) => ({ kind: 'gemini', createdAt: T0, lastOutputAt: s.at, screen: s });
  sim.tick(g(screen('busy', T0 + 5 * S)), T0 + 5 * S);
  const at = T0 + 9 * S;
  const d1 = sim.tick(g(screen('idle', at)), at + 0.3 * S);
  assert.equal(d1.state, 'running');
  assert.equal(d1.rule, 'settling');
  // A brief flicker back to busy: still running, since unchanged.
  const d2 = sim.tick(g(screen('busy', at + 0.5 * S)), at + 0.5 * S);
  assert.equal(d2.state, 'running');
  assert.equal(d2.since, d1.since);
  sim.tick(g(screen('idle', at + S)), at + 1.2 * S);
  const d3 = sim.tick(g(screen('idle', at + S)), at + 2.1 * S);
  assert.equal(d3.state, 'idle');
  assert.equal(d3.since, at + S);
});

test('idle at a prompt is idle forever: never stuck', () => {
  const sim = new Sim();
  const scr = screen('idle', T0 + 2 * S);
  for (let t = 3; t < 3600; t += 30) sim.tick(claude({ screen: scr, progress: { key: 'k', tokens: null, at: T0 + 2 * S } }), T0 + t * S);
  assert.equal(sim.last.state, 'idle');
});

/** A Claude spinner frame, run through the real detector to build the signals. */
function frame(glyph: string, secs: number, tokens: number, content: string[] = []): string {
  const rule = '─'.repeat(40);
  return [...content, '', `${glyph} Forming… (${secs}s · ↓ ${tokens} tokens)`, '', rule, '❯ ', rule, '  esc to interrupt · ← for agents'].join('\n');
}
function signalsOf(text: string, at: number, extra: Partial<Signals> = {}): Signals {
  const det = getDetector('claude');
  const p = progressOf(det, text);
  return claude({ screen: { verdict: 'busy', at }, progress: { key: p.key, tokens: p.tokens, at }, lastOutputAt: at, ...extra });
}

test('stuck: a spinner whose glyph turns and clock ticks with nothing else changing', () => {
  const sim = new Sim();
  const glyphs = ['·', '✢', '✳', '✶', '✻', '✽'];
  const start = T0 + 10 * S;
  let d!: Decision;
  for (let i = 0; i <= STUCK_S + 20; i++) {
    const now = start + i * S;
    d = sim.tick(signalsOf(frame(glyphs[i % 6]!, i, 512, ['● Reading the repo']), now), now);
    if (i < STUCK_S) assert.equal(d.state, 'running', `t=${i}`);
  }
  assert.equal(d.state, 'stuck');
  assert.equal(d.since, start + ENGINE_DEFAULTS.stuckAfter);
  assert.match(d.reason, /not progress/);
  // Progress returns: running again.
  const now = start + (STUCK_S + 21) * S;
  const back = sim.tick(signalsOf(frame('✢', STUCK_S + 21, 900, ['● Reading the repo']), now), now);
  assert.equal(back.state, 'running');
});

test('stuck: a frozen spinner (drawn once, no redraw, no output)', () => {
  const sim = new Sim();
  const text = frame('✶', 3, 40);
  const at = T0 + 5 * S;
  sim.tick(signalsOf(text, at), at);
  // No new capture (nothing changed on the pane): the daemon passes no screen / progress.
  assert.equal(sim.tick(claude({ lastOutputAt: at }), at + 100 * S).state, 'running');
  const d = sim.tick(claude({ lastOutputAt: at }), at + (STUCK_S + 1) * S);
  assert.equal(d.state, 'stuck');
  assert.equal(d.since, at + STUCK_S * S);
});

test('progress: a rising token count or new content keeps it running', () => {
  let sim = new Sim();
  const start = T0 + 10 * S;
  for (let i = 0; i <= 400; i += 2) sim.tick(signalsOf(frame('✶', i, 100 + i), start + i * S), start + i * S);
  assert.equal(sim.last.state, 'running', 'tokens rising');
  sim = new Sim();
  const content: string[] = [];
  for (let i = 0; i <= 400; i += 2) {
    if (i % 60 === 0) content.push(`● step ${i}`);
    sim.tick(signalsOf(frame('✶', i, 100, content.slice(-5)), start + i * S), start + i * S);
  }
  assert.equal(sim.last.state, 'running', 'new content every minute');
  // Configurable stuckAfter.
  sim = new Sim();
  for (let i = 0; i <= 40; i += 2) sim.tick(signalsOf(frame('✶', i, 100), start + i * S, { stuckAfter: 30 * S }), start + i * S);
  assert.equal(sim.last.state, 'stuck');
});

test('a new work hook counts as progress; a hook claim alone can go stuck', () => {
  const sim = new Sim();
  const scr = screen(null, T0 + 5 * S);
  sim.tick(claude({ screen: scr, hook: { event: 'PreToolUse', at: T0 + 5 * S } }), T0 + 6 * S);
  assert.equal(sim.last.state, 'running');
  assert.equal(sim.last.rule, 'hook-running');
  sim.tick(claude({ screen: scr, hook: { event: 'PostToolUse', at: T0 + 150 * S } }), T0 + 151 * S);
  assert.equal(sim.tick(claude({ screen: scr, hook: { event: 'PostToolUse', at: T0 + 150 * S } }), T0 + (150 + STUCK_S - 30) * S).state, 'running');
  assert.equal(sim.tick(claude({ screen: scr, hook: { event: 'PostToolUse', at: T0 + 150 * S } }), T0 + (150 + STUCK_S + 1) * S).state, 'stuck');
});

test('since stays put while the state does not change', () => {
  const sim = new Sim();
  const first = sim.tick(signalsOf(frame('✶', 1, 10), T0 + 5 * S), T0 + 5 * S);
  for (let i = 6; i < 60; i++) {
    const d = sim.tick(signalsOf(frame('✶', i, 10 + i), T0 + i * S), T0 + i * S);
    assert.equal(d.since, first.since);
  }
});

test('restart: rebuilt from the published state, no false transitions', () => {
  const now = T0 + 1000 * S;
  // Idle after an Esc interrupt: the stale PostToolUse hook must not flip it back to running.
  let prev = prevFromPublished('idle', T0 + 500 * S, now);
  assert.ok(prev);
  let d = decide(claude({ hook: { event: 'PostToolUse', at: T0 + 400 * S }, screen: screen('idle', now) }), prev, now);
  assert.equal(d.state, 'idle');
  assert.equal(d.since, T0 + 500 * S);
  // Stuck stays stuck on the same frozen screen until progress moves.
  prev = prevFromPublished('stuck', T0 + 900 * S, now)!;
  const sim = new Sim(prev);
  d = sim.tick(signalsOf(frame('✶', 9, 40), now), now);
  assert.equal(d.state, 'stuck');
  assert.equal(d.since, T0 + 900 * S);
  d = sim.tick(signalsOf(frame('✻', 10, 40), now + S), now + S);
  assert.equal(d.state, 'stuck', 'a turning glyph is not progress');
  d = sim.tick(signalsOf(frame('✻', 11, 41), now + 2 * S), now + 2 * S);
  assert.equal(d.state, 'running', 'tokens moved');
  // Running keeps running (progress baseline restarts), waiting stays waiting.
  d = decide(signalsOf(frame('✶', 9, 40), now), prevFromPublished('running', T0 + 990 * S, now), now);
  assert.equal(d.state, 'running');
  assert.equal(d.since, T0 + 990 * S);
  d = decide(claude({ screen: screen('waiting', now) }), prevFromPublished('waiting', T0 + 995 * S, now), now);
  assert.equal(d.state, 'waiting');
  assert.equal(d.since, T0 + 995 * S);
  assert.equal(prevFromPublished('', 0, now), null);
  assert.equal(prevFromPublished('bogus', T0, now), null);
});

test('explain: every signal with its value and age; one-sentence reason', () => {
  const now = T0 + 60 * S;
  const d = decide(
    claude({
      hook: { event: 'PreToolUse', at: now - 3 * S },
      screen: { verdict: 'busy', at: now - 100, pattern: 'esc to interrupt', line: 'esc to interrupt · ← for agents' },
      progress: { key: 'k', tokens: 99, at: now - 100 },
      lastOutputAt: now - 100,
    }),
    null,
    now,
  );
  const names = d.signals.map((s) => s.name);
  for (const n of ['detector', 'session', 'pane', 'screen', 'capture', 'hook', 'output', 'progress', 'thresholds']) assert.ok(names.includes(n), n);
  const hook = d.signals.find((s) => s.name === 'hook')!;
  assert.equal(hook.ageMs, 3 * S);
  assert.match(hook.value, /PreToolUse.*running/);
  assert.equal(d.rule, 'screen-busy');
  assert.match(d.reason, /esc to interrupt/);
  assert.ok(!d.reason.includes('\n'));
  assert.deepEqual(JSON.parse(JSON.stringify(d.next)).state, 'running', 'memory is plain data');
});

