/**
 * POSIX shell single-quoting. Used only where a shell is unavoidable (tmux's pipe-pane takes a
 * shell command); user text never reaches a shell through any other path.
 */
export function shQuote(s: string): string {
  if (s === '') return "''";
  if (/^[A-Za-z0-9_\/.,:=+@%-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** tmux command-language quoting for control mode: every argument single-quoted. */
export function tmuxQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
