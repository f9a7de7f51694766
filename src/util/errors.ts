/**
 * The one error family of amux. Every failure a person or a program should understand is an
 * AmuxError with a stable `code` (what kind of failure: surfaces map it to an exit code, an HTTP
 * status or an MCP error), a one-line `message` for people, an optional `hint` (what to do) and
 * the underlying `cause`. Anything else that escapes is a bug.
 */
export type ErrorCode =
  /** Bad arguments or input: nothing was done (CLI exit 2, HTTP 400). */
  | 'usage'
  /** A reference matched no session, workspace or agent (HTTP 404). */
  | 'not_found'
  /** A reference matched more than one thing. */
  | 'ambiguous'
  /** The name or object already exists, or is in the way (HTTP 409). */
  | 'conflict'
  /** The session is exited or lost: it cannot take input or be attached. */
  | 'not_live'
  /** A wait ran out of time. */
  | 'timeout'
  /** tmux is missing, too old, or failed. */
  | 'tmux'
  /** No tmux server runs on the socket. */
  | 'no_server'
  /** `.amux/config.yaml` is invalid. */
  | 'config'
  /** A stored record cannot be read. */
  | 'damaged'
  /** A configured limit refused it (mcp.maxChildren, mcp.maxDepth). */
  | 'limit'
  /** The caller may not do this to that session (a worker driving the session that started it). */
  | 'forbidden'
  /** Any other failure of an operation. */
  | 'failed';

export interface ErrorOptions {
  code?: ErrorCode;
  hint?: string;
  cause?: unknown;
}

export class AmuxError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AmuxError';
    this.code = opts.code ?? 'failed';
    this.hint = opts.hint;
  }

  /** The CLI's exit code: 2 for usage errors, 1 for every other failure. */
  get exitCode(): number {
    return this.code === 'usage' ? 2 : 1;
  }

  /** The stable, JSON-ready shape (for `--json`, the web API and MCP). */
  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Bad arguments or bad input: exit code 2. */
export class UsageError extends AmuxError {
  constructor(message: string, opts: Omit<ErrorOptions, 'code'> = {}) {
    super(message, { ...opts, code: 'usage' });
    this.name = 'UsageError';
  }
}

/** A session/workspace reference that matched nothing. */
export class NotFoundError extends AmuxError {
  constructor(message: string, opts: Omit<ErrorOptions, 'code'> = {}) {
    super(message, { ...opts, code: 'not_found' });
    this.name = 'NotFoundError';
  }
}
