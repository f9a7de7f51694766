/**
 * A session's output log: the last lines of it, or the output as it is written until the program
 * ends (then how it ended). Logs outlive the session until it is removed.
 */
import type { CoreContext } from './context.js';
import { UsageError } from '../util/errors.js';
import { resolveView } from './sessions.js';
import { viaHost } from './hosts.js';
import { paneBelongs } from '../session/identity.js';
import { cleanLine, lastLines, logSize, readFrom } from '../session/logs.js';

export interface LogsInput {
  session: string;
  /** Only the last N lines (all when absent). */
  lines?: number;
  /** Keep escape sequences and control characters. */
  raw?: boolean;
}

function checkLines(n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new UsageError(`lines must be a whole number, got ${n}`);
}

export async function readLogs(ctx: CoreContext, input: LogsInput): Promise<{ session: string; id: string; lines: string[] }> {
  checkLines(input.lines);
  const remote = await viaHost<{ session: string; id: string; lines: string[] }>(ctx, 'readLogs', input);
  if (remote) return remote;
  const v = await resolveView(ctx, input.session);
  return { session: v.record.name, id: v.record.id, lines: lastLines(v.record.logFile, input.lines, input.raw ?? false) };
}

export interface FollowOutput {
  session: string;
  id: string;
  /** How the follow ended: the program ended (exited, or its pane is gone), or the caller stopped it. */
  ended: 'exited' | 'lost' | 'stopped';
  exitCode: number | null;
  exitSignal: number | null;
}

/**
 * Writes the last `lines` lines (default 10), then new output as it arrives, to `write`, until
 * the program ends or `signal` aborts. Rotation is followed; the last bytes after the program's
 * end are written too.
 */
export async function followLogs(ctx: CoreContext, input: LogsInput, write: (text: string | Buffer) => void, signal?: AbortSignal): Promise<FollowOutput> {
  checkLines(input.lines);
  const v = await resolveView(ctx, input.session);
  const raw = input.raw ?? false;
  const file = v.record.logFile;
  const first = lastLines(file, input.lines ?? 10, raw);
  if (first.length) write(first.join('\n') + '\n');
  let pos = logSize(file);
  let partial = '';
  let end: { how: FollowOutput['ended']; code: number | null; sig: number | null } | null = v.pane
    ? v.pane.paneDead
      ? { how: 'exited', code: v.pane.paneDeadStatus, sig: v.pane.paneDeadSignal }
      : null
    : { how: 'lost', code: null, sig: null };
  const flush = (chunk: Buffer) => {
    if (raw) return write(chunk);
    partial += chunk.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop()!;
    if (parts.length) write(parts.map(cleanLine).join('\n') + '\n');
  };
  let lastCheck = 0;
  for (;;) {
    if (signal?.aborted) {
      end ??= { how: 'stopped', code: null, sig: null };
      break;
    }
    const size = logSize(file);
    if (size < pos) pos = 0; // rotated: the new file starts from zero
    if (size > pos) {
      const chunk = readFrom(file, pos);
      pos += chunk.length;
      flush(chunk);
    } else if (end) break; // one more read after the end, so the last bytes are written
    if (!end && Date.now() - lastCheck > 1000) {
      lastCheck = Date.now();
      const info = await ctx.server.pane(v.record.tmux.pane).info();
      if (!paneBelongs(v.record, info)) end = { how: 'lost', code: null, sig: null };
      else if (info.paneDead) {
        // tmux 3.3a can leave a dead pane's status unreported until another child of the server
        // exits (TMUX-FACTS): make one such child now and then, and read again, for up to 15 s
        // (on a loaded machine the first few tries can all come too early).
        let row = info;
        for (let i = 0; i < 100 && row.paneDeadStatus === null && row.paneDeadSignal === null; i++) {
          if (i % 5 === 0) await ctx.server.reapChildren().catch(() => undefined);
          await new Promise((r) => setTimeout(r, 150));
          row = (await ctx.server.pane(v.record.tmux.pane).info()) ?? row;
        }
        end = { how: 'exited', code: row.paneDeadStatus, sig: row.paneDeadSignal };
      }
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  if (partial && !raw) write(cleanLine(partial) + '\n');
  return { session: v.record.name, id: v.record.id, ended: end.how, exitCode: end.code, exitSignal: end.sig };
}
