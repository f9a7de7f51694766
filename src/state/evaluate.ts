import type { PaneRow } from '../tmux/formats.js';
import type { SessionRecord } from '../session/types.js';
import { classifyScreen, getDetector, progressOf, type Detector, type Classification, type Progress } from './detectors.js';
import { decide, prevFromPublished, type Prev, type State } from './engine.js';
import { parseHook } from './hooks.js';
import type { ExplainSignal } from './publish.js';

/**
 * The bridge between tmux's view of one session and the pure engine: turns a pane row, the last
 * captured screen and the log's time into Signals, keeps the engine's memory between ticks, and
 * returns what the monitor publishes. `ps` and the daemon share this one path.
 */
export interface Memory {
  prev: Prev | null;
  detector: Detector;
  /** Classification of the last captured screen (computed once per capture). */
  /** `at`: when this observation was made (the capture, or a later title change); `capturedAt`: of the screen. */
  classified: { at: number; capturedAt: number; title: string; c: Classification; p: Progress } | null;
}

export function detectorOf(rec: SessionRecord): Detector {
  return getDetector(rec.detector, rec.patterns);
}

export function initialMemory(rec: SessionRecord, pane: PaneRow | null, now: number): Memory {
  const prev = pane?.opts.state ? prevFromPublished(pane.opts.state, Number(pane.opts.stateSince), now) : null;
  return { prev, detector: detectorOf(rec), classified: null };
}

export interface Observation {
  /** The last captured screen (null: never captured). */
  screen: string | null;
  /** When that screen was captured. */
  capturedAt: number;
  /** Last output (the log's mtime), null when nothing was written yet. */
  outputAt: number | null;
  now: number;
}

export interface Evaluation {
  state: State;
  since: number;
  rule: string;
  reason: string;
  signals: ExplainSignal[];
  exitCode: number | null;
  memory: Memory;
}

export function evaluate(rec: SessionRecord, pane: PaneRow | null, obs: Observation, mem: Memory): Evaluation {
  const { now } = obs;
  const det = mem.detector;
  let classified = mem.classified;
  // The pane title comes with every tick's pane read: a new title is a new observation of the
  // screen as last captured (Codex's spinner in the title is its only busy sign while it streams).
  const title = pane?.paneTitle ?? '';
  if (obs.screen !== null && (!classified || classified.capturedAt !== obs.capturedAt)) {
    classified = { at: obs.capturedAt, capturedAt: obs.capturedAt, title, c: classifyScreen(det, obs.screen, title), p: progressOf(det, obs.screen) };
  } else if (obs.screen !== null && classified && classified.title !== title) {
    classified = { at: Math.max(obs.capturedAt, now), capturedAt: obs.capturedAt, title, c: classifyScreen(det, obs.screen, title), p: classified.p };
  }
  const fresh = classified !== null && classified !== mem.classified;
  const d = decide(
    {
      kind: det.kind === 'generic' ? rec.detector : det.kind,
      createdAt: Date.parse(rec.createdAt),
      lost: !pane,
      paneDead: pane?.paneDead ?? false,
      exitCode: pane?.paneDeadStatus ?? null,
      exitSignal: pane?.paneDeadSignal ?? null,
      deadAt: pane?.paneDeadTime ? pane.paneDeadTime * 1000 : null,
      lastOutputAt: obs.outputAt ?? (pane && pane.windowActivity > 0 ? pane.windowActivity * 1000 : null),
      screen: classified && fresh ? { verdict: classified.c.verdict, pattern: classified.c.pattern, line: classified.c.line, at: classified.at, confirmed: classified.c.confirmed } : null,
      progress: classified && fresh ? { key: classified.p.key, tokens: classified.p.tokens, at: classified.at } : null,
      hook: pane ? parseHook(pane.opts.hook, pane.opts.hookAt) : null,
      idleAfter: rec.idleAfter,
      stuckAfter: rec.stuckAfter,
    },
    mem.prev,
    now,
  );
  // A session handed to a person (src/core/handoff.ts) waits for them while it lives; the
  // engine's own memory goes on underneath, so returning control shows its state again.
  const held = rec.handoff && (d.state === 'running' || d.state === 'idle' || d.state === 'stuck' || d.state === 'starting' || d.state === 'waiting');
  const h = rec.handoff;
  return {
    state: held ? 'waiting' : d.state,
    since: held && h ? Date.parse(h.at) : d.since,
    rule: held ? 'handoff' : d.rule,
    reason: held && h ? `handed off to a person${h.reason ? ` (${h.reason})` : ''}${h.holder ? `; ${h.holder} holds control` : ''}` : d.reason,
    signals: d.signals.map((s) => ({ name: s.name, value: s.value, at: s.ageMs === null ? null : now - s.ageMs })),
    exitCode: d.exitCode ?? null,
    memory: { prev: d.next, detector: det, classified },
  };
}
