import type { PaneRow } from '../tmux/formats.js';
import type { SessionRecord } from './types.js';

/**
 * The one rule for "this tmux pane is this session": the pane id recorded at launch AND the
 * `@amux_id` stamped on the pane agree. tmux reuses `$N`/`%N` ids after a server restart, so an
 * id alone may name another session; the stamp never repeats.
 */
export function paneBelongs(rec: SessionRecord, row: PaneRow | null | undefined): row is PaneRow {
  return !!row && row.paneId === rec.tmux.pane && stampedWith(row, rec.id);
}

/** A pane with no `@amux_id` stamp at all (not made by amux, or from before stamps). */
export function unstamped(row: PaneRow): boolean {
  return row.opts.id === '';
}

/** Whether the pane carries the `@amux_id` stamp of this session id (how a record-less pane is found). */
export function stampedWith(row: PaneRow, id: string): boolean {
  return row.opts.id === id;
}

/** The record's pane among a whole-server read (keyed by pane id), or null. */
export function matchPane(rec: SessionRecord, byPane: Map<string, PaneRow>): PaneRow | null {
  const row = byPane.get(rec.tmux.pane);
  return paneBelongs(rec, row) ? row : null;
}
