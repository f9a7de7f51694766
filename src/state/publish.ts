import type { Server } from '../tmux/server.js';
import { ServerNotRunningError, TmuxObjectNotFoundError } from '../tmux/errors.js';

/**
 * What the monitor publishes per pane, besides @amux_state / @amux_state_since / @amux_reason:
 * the evidence behind the decision, as JSON in @amux_explain, with absolute times so it only
 * changes when the evidence does.
 */
export interface ExplainSignal {
  name: string;
  value: string | number | boolean | null;
  /** Epoch ms the signal was observed or last changed; null when timeless. */
  at: number | null;
}

export interface ExplainData {
  state: string;
  since: number;
  rule: string;
  reason: string;
  signals: ExplainSignal[];
}

export async function readExplain(server: Server, paneId: string): Promise<ExplainData | null> {
  try {
    const text = (await server.pane(paneId).getOption('@amux_explain')).trim();
    return text ? (JSON.parse(text) as ExplainData) : null;
  } catch (e) {
    // The pane went away meanwhile, or the monitor is mid-write: nothing to explain (yet).
    if (e instanceof TmuxObjectNotFoundError || e instanceof ServerNotRunningError || e instanceof SyntaxError) return null;
    throw e;
  }
}
