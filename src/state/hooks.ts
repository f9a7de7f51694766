/**
 * Reading hook events back: agents that report their own turns (wired by src/agents/hooks.ts)
 * run the recorder program of state/hook-record.ts, which writes the event and its time on the
 * agent's own pane; the monitor reads them here.
 */

export interface HookSignalValue {
  event: string;
  at: number;
}

/**
 * Reads the pane options back (PaneRow.opts.hook / hookAt). Null when no hook has fired.
 * Times written in seconds are scaled to milliseconds.
 */
export function parseHook(hook: string, hookAt: string): HookSignalValue | null {
  if (!hook) return null;
  let at = Number(hookAt);
  if (!Number.isFinite(at) || at <= 0) return null;
  if (at < 1e11) at *= 1000;
  return { event: hook, at };
}
