/** Errors that carry the exit code amux should end with. Messages are one line, for people. */
export class AmuxError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'AmuxError';
    this.exitCode = exitCode;
  }
}

/** Bad arguments or bad input: exit code 2. */
export class UsageError extends AmuxError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** A session/workspace reference that matched nothing (or more than one thing). */
export class NotFoundError extends AmuxError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'NotFoundError';
  }
}
