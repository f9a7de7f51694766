/**
 * Ties a long-lived tmux client to the process that started it. A control client whose owner
 * died is not reliably gone: killed together with a server that is exiting (SIGTERM), tmux 3.3a
 * left the client and the server waiting on each other in 6 of 8 trials (the server waits for
 * its clients to leave; the client waits for a goodbye the server never sends, since its output
 * has no reader), and every command failed until the client was killed by hand. Linux's
 * PR_SET_PDEATHSIG is out of reach from Node (and absent on macOS), so a few lines of perl (the
 * log writer's dependency already) stand between: it runs the client as its child, passes
 * SIGTERM on, and SIGKILLs the client as soon as it is orphaned (its parent pid changes), checked
 * every 200 ms. It exits with the client's status.
 */
const SCRIPT = [
  'use POSIX ":sys_wait_h"; my $ppid = getppid();',
  'my $c = fork(); die "fork: $!" unless defined $c;',
  'if (!$c) { exec { $ARGV[0] } @ARGV; exit 127; }',
  '$SIG{TERM} = sub { kill "TERM", $c; }; $SIG{HUP} = "IGNORE";',
  'while (1) { my $w = waitpid($c, WNOHANG); if ($w == $c) { exit($? & 127 ? 128 + ($? & 127) : $? >> 8); }',
  '  if (getppid() != $ppid) { kill "KILL", $c; waitpid($c, 0); exit 1; }',
  '  select(undef, undef, undef, 0.2); }',
].join(' ');

/** The command and arguments that run `argv` tethered to the calling process. */
export function tethered(argv: readonly string[]): { command: string; args: string[] } {
  return { command: 'perl', args: ['-e', SCRIPT, ...argv] };
}
