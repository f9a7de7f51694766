import { shQuote } from '../util/quote.js';

/**
 * The size-capped log writer that `pipe-pane` feeds. `cat >> FILE` has no cap (TMUX-FACTS), and
 * a Node process per pane would cost ~40 MB each, so this is a few lines of perl (on every Linux
 * and macOS): append to FILE; when it would pass MAX bytes, rotate FILE to FILE.1 (older ones up to FILE.keep, see rotation.ts) and start anew
 * (truncating in place when the rename fails). Disk use per session stays under (keep + 1) × MAX. When
 * it cannot open FILE it exits: tmux then shows `pane_pipe` 0 and the monitor attaches a new
 * writer once it can (monitor.ts). The script is a constant; only the path and the
 * two numbers (cap, rotated files kept) are arguments, single-quoted.
 */
const SCRIPT = [
  'umask 077; my ($f, $max, $keep) = @ARGV; $keep = 1 unless $keep && $keep >= 1;',
  'my $o; my $n = 0;',
  'sub reopen { open($o, $_[0], $f) or die "amux log: $f: $!"; binmode $o; select((select($o), $| = 1)[0]); $n = -s $f || 0; }',
  'reopen(">>");',
  'while (1) { my $r = sysread(STDIN, my $b, 65536); last unless $r;',
  // When the rotation cannot rename (a read-only folder, `.1` taken), the cap still holds: start the file anew in place.
  // The older rotations move up one (FILE.1 → FILE.2 … up to FILE.keep), as rotation.ts describes.
  '  if ($n + $r > $max && $n > 0) { close $o; for (my $i = $keep - 1; $i >= 1; $i--) { rename("$f.$i", "$f." . ($i + 1)) if -e "$f.$i"; } reopen(rename($f, "$f.1") ? ">>" : ">"); }',
  '  print $o $b; $n += $r; }',
].join(' ');

/** The shell command given to `pipe-pane` (tmux always runs it with /bin/sh); `keep` rotated files stay (rotation.ts). */
export function logWriterCommand(file: string, maxBytes: number, keep = 1): string {
  return `exec perl -e ${shQuote(SCRIPT)} ${shQuote(file)} ${Math.floor(maxBytes)} ${Math.max(1, Math.floor(keep))}`;
}
