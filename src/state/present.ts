import type { SessionView, State } from './model.js';
import { formatAge } from '../util/duration.js';

/** How states look, in every view: one table of icons and colours. */
export const STATE_ICON: Record<State, string> = {
  starting: '…',
  running: '⚙',
  waiting: '⏸',
  idle: '✓',
  stuck: '⚠',
  exited: '■',
  lost: '?',
  hibernated: 'z',
  unknown: '~',
};

/** Colour names (blessed and tmux both understand these). */
export const STATE_COLOR: Record<State, string> = {
  starting: 'cyan',
  running: 'blue',
  waiting: 'yellow',
  idle: 'green',
  stuck: 'red',
  exited: 'white',
  lost: 'magenta',
  hibernated: 'cyan',
  unknown: 'white',
};

const ORDER: State[] = ['running', 'starting', 'waiting', 'idle', 'stuck', 'hibernated', 'exited'];

/** `⚙ 3 running · ⏸ 1 waiting · ✓ 2 idle · ⚠ 1 stuck` (zero counts left out; '' when none). */
export function summaryText(states: Iterable<State>): string {
  const counts = new Map<State, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return ORDER.filter((s) => counts.get(s))
    .map((s) => `${STATE_ICON[s]} ${counts.get(s)} ${s}`)
    .join(' · ');
}

/** The state as every list shows it: `waiting 2m`, `exited(3) 5m`. */
export function stateWord(v: Pick<SessionView, 'state' | 'exitSignal' | 'exitCode' | 'stateSince'>, now = Date.now()): string {
  if (v.state === 'exited') {
    const how = v.exitSignal ? `sig ${v.exitSignal}` : v.exitCode === null ? '' : String(v.exitCode);
    const age = v.stateSince ? ` ${formatAge(now - v.stateSince)}` : '';
    return how ? `exited(${how})${age}` : `exited${age}`;
  }
  return v.stateSince ? `${v.state} ${formatAge(now - v.stateSince)}` : v.state;
}

export function lastOutputText(v: Pick<SessionView, 'lastOutputAt'>, now = Date.now()): string {
  return v.lastOutputAt ? `${formatAge(now - v.lastOutputAt)} ago` : '-';
}
