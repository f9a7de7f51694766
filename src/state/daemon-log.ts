import { appendFileSync, renameSync, statSync } from 'node:fs';

/** The monitor's log is capped: past this size it is renamed to `<log>.1` and started anew. */
export const DAEMON_LOG_MAX_BYTES = 1 << 20;

/**
 * Appends `text` to the log at `path`, first rotating it when the append would take it past
 * `maxBytes`: the full log becomes `<path>.1` (replacing an older one), so at most two files and
 * about 2 × maxBytes are ever kept. Never throws: a log that cannot be written is dropped.
 */
export function appendCapped(path: string, text: string, maxBytes = DAEMON_LOG_MAX_BYTES): void {
  try {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      /* no log yet */
    }
    if (size > 0 && size + Buffer.byteLength(text) > maxBytes) renameSync(path, `${path}.1`);
    appendFileSync(path, text, { mode: 0o600 });
  } catch {
    /* the log is best effort */
  }
}
