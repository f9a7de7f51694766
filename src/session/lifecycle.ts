import { rmSync } from 'node:fs';
import type { Server } from '../tmux/server.js';
import type { PaneRow } from '../tmux/formats.js';
import type { SessionRecord } from './types.js';
import { Registry } from './registry.js';
import { runDirOf } from './launcher.js';
import { removeLog } from './rotation.js';
import { writeTombstone } from './tombstone.js';

/** A session as lifecycle needs it: its record, its pane when it has one, whether it still runs. */
export interface Target {
  record: SessionRecord;
  pane: PaneRow | null;
  state: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops the agent process: C-c to the foreground program (twice, as some agents want), wait up
 * to `graceMs` for the pane to die, then SIGTERM (and at last SIGKILL) to its process group.
 * The pane itself stays, dead, with its exit status (remain-on-exit), until amux rm.
 */
export async function stopSession(server: Server, view: Target, graceMs: number): Promise<string> {
  if (!view.pane) return 'already gone (lost)';
  if (view.pane.paneDead) return 'already exited';
  const pane = server.pane(view.pane.paneId);
  if (graceMs > 0) {
    await pane.interrupt();
    const deadline = Date.now() + graceMs;
    // Agents such as Claude Code want C-c twice to quit.
    let second = false;
    while (Date.now() < deadline) {
      await sleep(150);
      const info = await pane.info();
      if (!info || info.paneDead) return 'stopped (exited after C-c)';
      if (!second && Date.now() > deadline - graceMs / 2) {
        await pane.interrupt().catch(() => undefined);
        second = true;
      }
    }
  }
  const info = await pane.info();
  if (!info || info.paneDead) return 'stopped';
  // SIGHUP first, as a closed terminal would: an interactive shell ignores C-c and SIGTERM but
  // exits on a hangup. Then SIGTERM, and SIGKILL only for what ignores both.
  for (const sig of ['SIGHUP', 'SIGTERM'] as const) {
    killTree(info.panePid, sig);
    for (let i = 0; i < 10; i++) {
      await sleep(100);
      const now = await pane.info();
      if (!now || now.paneDead) return graceMs > 0 ? `ended by ${sig} after the grace period` : `ended by ${sig}`;
    }
  }
  killTree(info.panePid, 'SIGKILL');
  return 'killed (SIGKILL)';
}

/** Signals a pane's process and its process group (agents spawn helpers). */
function killTree(pid: number, sig: NodeJS.Signals = 'SIGTERM'): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, sig);
    } catch {
      /* gone or not a group leader */
    }
  }
}

/** Kills the tmux session (if alive) and forgets the record, its run folder and logs. */
export async function removeSession(server: Server, view: Target, opts: { keepLogs?: boolean } = {}, registry = new Registry()): Promise<void> {
  // An adopted pane lives in a tmux session amux did not make: only the pane goes.
  if (view.pane) await (view.record.adopted ? server.pane(view.pane.paneId) : server.session(view.pane.sessionId)).kill().catch(() => undefined);
  await registry.remove(view.record.id);
  rmSync(runDirOf(view.record.id), { recursive: true, force: true });
  if (!opts.keepLogs) removeLog(view.record.logFile);
  writeTombstone(view.record, opts.keepLogs === true);
}
