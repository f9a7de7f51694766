import { AmuxError } from '../util/errors.js';

/** A tmux command failed. Carries the argv (never via a shell), exit code and stderr. */
export class TmuxError extends AmuxError {
  readonly args: readonly string[];
  /** The tmux client's exit status. */
  readonly status: number | null;
  readonly stderr: string;
  constructor(args: readonly string[], status: number | null, stderr: string) {
    super(`tmux ${args[0] ?? ''}: ${stderr.trim() || `exited with ${status}`}`, { code: 'tmux' });
    this.name = 'TmuxError';
    this.args = args;
    this.status = status;
    this.stderr = stderr;
  }
}

export class TmuxNotFoundError extends AmuxError {
  constructor() {
    super('tmux is not installed or not on PATH (amux needs tmux 3.2 or newer)', { code: 'tmux', hint: 'install tmux 3.2 or newer (apt-get install tmux, brew install tmux)' });
    this.name = 'TmuxNotFoundError';
  }
}

export class TmuxVersionError extends AmuxError {
  constructor(version: string) {
    super(`tmux ${version} is too old: amux needs tmux 3.2 or newer`, { code: 'tmux' });
    this.name = 'TmuxVersionError';
  }
}

export class ServerNotRunningError extends AmuxError {
  constructor(where: string) {
    super(`no tmux server is running on ${where}`, { code: 'no_server' });
    this.name = 'ServerNotRunningError';
  }
}

/** The object a target named (a session, window or pane) does not exist. */
export class TmuxObjectNotFoundError extends AmuxError {
  constructor(what: string) {
    super(`tmux has no ${what}`, { code: 'not_found' });
    this.name = 'TmuxObjectNotFoundError';
  }
}

/**
 * tmux already has a session of that name: one amux's registry does not know (made by hand, or
 * left behind by a removed record). For amux the name is taken, like a reserved one.
 */
export class DuplicateSessionError extends AmuxError {
  readonly tmuxName: string;
  constructor(tmuxName: string) {
    super(`tmux already has a session named ${tmuxName} that amux does not know`, { code: 'conflict', hint: 'choose another name' });
    this.name = 'DuplicateSessionError';
    this.tmuxName = tmuxName;
  }
}

const DUPLICATE = /duplicate session/i;

/** A tmux failure because a session of the name exists, as its typed error; anything else unchanged. */
export function duplicateAsTaken(e: unknown, tmuxName: string): unknown {
  return e instanceof TmuxError && DUPLICATE.test(e.stderr) ? new DuplicateSessionError(tmuxName) : e;
}

const NO_SERVER = /no server running|error connecting to|No such file or directory/i;
const NO_OBJECT = /can't find (session|window|pane)|session not found|window not found|pane not found/i;

export function isNoServer(stderr: string): boolean {
  return NO_SERVER.test(stderr);
}
export function isNoObject(stderr: string): boolean {
  return NO_OBJECT.test(stderr);
}
