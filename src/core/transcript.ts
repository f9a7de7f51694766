/**
 * A session's transcript: its log played through a terminal emulator (session/transcript.ts),
 * across rotations, live or long after it ended (until amux rm).
 */
import type { CoreContext } from './context.js';
import { UsageError } from '../util/errors.js';
import { resolveView } from './sessions.js';
import { readLog, logSize } from '../session/logs.js';
import { offsetSince } from '../session/logindex.js';
import { parseDuration } from '../util/duration.js';

export interface TranscriptInput {
  session: string;
  /** Only what was drawn since this time: an ISO time, or a duration ago (`10m`, `2h`). */
  since?: string;
  /** text (default), ansi (colours kept as escape sequences), html. */
  format?: 'text' | 'ansi' | 'html';
}

export interface TranscriptOutput {
  session: string;
  id: string;
  format: 'text' | 'ansi' | 'html';
  text: string;
}

/** A `since` value as epoch ms: an ISO (or other Date-parsable) time, or a duration before now. */
export function parseSince(since: string, now = Date.now()): number {
  const ago = parseDuration(since);
  if (ago !== null) return now - ago;
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new UsageError(`since: not a time or a duration: "${since}" (write 10m, 2h, 1d or an ISO time such as 2026-01-31T09:00)`);
  return t;
}

export async function readTranscript(ctx: CoreContext, input: TranscriptInput): Promise<TranscriptOutput> {
  const format = input.format ?? 'text';
  if (!['text', 'ansi', 'html'].includes(format)) throw new UsageError(`format must be text, ansi or html, got "${format}"`);
  const since = input.since !== undefined ? parseSince(input.since) : undefined;
  const v = await resolveView(ctx, input.session);
  const bytes = readLog(v.record.logFile);
  const from = since === undefined ? 0 : offsetSince(v.record.logFile, since, bytes.length, logSize(v.record.logFile));
  // The size the output was drawn for: the pane's while it lives, else the size amux starts panes at.
  const cols = v.pane?.paneWidth ?? 200;
  const rows = v.pane?.paneHeight ?? 50;
  const { renderTranscript } = await import('../session/transcript.js');
  const text = since !== undefined && from >= bytes.length ? '' : await renderTranscript(bytes, { cols, rows, from, format });
  return { session: v.record.name, id: v.record.id, format, text };
}
