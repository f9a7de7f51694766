import { shQuote } from '../util/quote.js';

/**
 * The size-capped log writer that `pipe-pane` feeds. `cat >> FILE` has no cap (TMUX-FACTS), and
 * a Node process per pane would cost ~40 MB each, so this is a few lines of perl (on every Linux
 * and macOS): append to FILE; when it would pass MAX bytes, rotate FILE to FILE.1 and start anew
 * (truncating in place when the rename fails). Disk use per session stays under 2 × MAX. When
 * it cannot open FILE it exits: tmux then shows `pane_pipe` 0 and the monitor attaches a new
 * writer once it can (monitor.ts). The script is a constant; only the path and the
 * number are arguments, single-quoted.
 */
const SCRIPT = [
  'umask 077; my ($f, $max) = @ARGV;',
  'my $o; my $n = 0;',
  'sub reopen { open($o, $_[0], $f) or die "amux log: $f: $!"; binmode $o; select((select($o), $| = 1)[0]); $n = -s $f || 0; }',
  'reopen(">>");',
  'while (1) { my $r = sysread(STDIN, my $b, 65536); last unless $r;',
  // When the rotation cannot rename (a read-only folder, `.1` taken), the cap still holds: start the file anew in place.
  '  if ($n + $r > $max && $n > 0) { close $o; reopen(rename($f, "$f.1") ? ">>" : ">"); }',
  '  print $o $b; $n += $r; }',
].join(' ');

export const DEFAULT_LOG_MAX = 16 * 1024 * 1024;

export function logMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.AMUX_LOG_MAX);
  return Number.isFinite(n) && n >= 4096 ? Math.floor(n) : DEFAULT_LOG_MAX;
}

/** The shell command given to `pipe-pane` (tmux always runs it with /bin/sh). */
export function logWriterCommand(file: string, maxBytes: number): string {
  return `exec perl -e ${shQuote(SCRIPT)} ${shQuote(file)} ${Math.floor(maxBytes)}`;
}
