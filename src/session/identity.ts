import type { PaneRow } from '../tmux/formats.js';
import type { SessionRecord } from './types.js';

/**
 * The one rule for "this tmux pane is this session": the pane id recorded at launch AND the
 * `@amux_id` stamped on the pane agree. tmux reuses `$N`/`%N` ids after a server restart, so an
 * id alone may name another session; the stamp never repeats.
 */
export function paneBelongs(rec: SessionRecord, row: PaneRow | null | undefined): row is PaneRow {
  return !!row && row.paneId === rec.tmux.pane && row.opts.id === rec.id;
}

/** The record's pane among a whole-server read (keyed by pane id), or null. */
export function matchPane(rec: SessionRecord, byPane: Map<string, PaneRow>): PaneRow | null {
  const row = byPane.get(rec.tmux.pane);
  return paneBelongs(rec, row) ? row : null;
}
