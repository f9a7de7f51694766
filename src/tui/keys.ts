/**
 * The TUI's keys, as the `?` overlay shows them (blessed tags for bold) and as `amux tui --help`
 * prints them: one list, so the two never disagree.
 */
export const HELP_LINES = [
  '{bold}Sessions{/bold}',
  '  j / k, ↓ / ↑     move the selection         g / G   first / last',
  '  Enter            attach (inside tmux: a popup; detach to return)',
  '  n                new session (agent, workspace, optional prompt)',
  '  s                send a prompt to the selected session',
  '  y                answer yes to a waiting dialog (1 for Claude, y for others)',
  '  N                answer no / cancel a waiting dialog (Escape for Claude, n for others)',
  '  1-9              choose that option in a waiting dialog',
  '  Esc              clear the filter (never sent to an agent)',
  '  x                stop (C-c, then kill after 5 s)',
  '  d                remove (kills it, forgets it, deletes its log; asks first)',
  '  r                rename            t   edit tags',
  '  a                archive / unarchive          A   show archived sessions',
  '  u                resume (lost, hibernated) or restart (exited)   H   hibernate an idle agent',
  '  l                logs of the selected session',
  '  T                transcript (clean lines)     i   info (the full record)',
  '  w                workspaces (create, remove)',
  '  /                filter (name, agent, workspace, state, #tag)',
  '  v                group by workspace on / off',
  '{bold}Preview{/bold}',
  '  PgUp / PgDn, C-u / C-d   scroll back into history (mouse wheel too)',
  '  End              back to the live screen',
  '{bold}Other{/bold}',
  '  R                refresh now       ?   this help        q   quit',
  '  Mouse: click selects, click again attaches, wheel scrolls.',
  '  Overlays and prompts close with Esc (or ? / q) before anything else.',
];

/** The same list for `--help`: headings as paragraphs, keys as list items (clipanion keeps those apart). */
export function helpText(): string {
  return HELP_LINES.map((l) => (/^\{bold\}/.test(l) ? `\n${l.replace(/\{\/?bold\}/g, '')}:\n` : `- ${l.trim().replace(/ {2,}/g, '  ')}`)).join('\n');
}
