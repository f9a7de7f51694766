/**
 * How amux's tmux commands reach a server, in the spirit of libtmux's engines: the object model
 * (server.ts) builds commands as argv words and an engine carries them. A batch is a list of
 * commands, never one argv with `;` words in it: each engine separates commands its own way (a
 * `;` argument on one client's command line, one line each in control mode), so a `;` in text
 * stays text. An ssh engine (tmux on another host) would be a third implementation.
 */
import { execTmux, type ExecOptions, type SocketChoice, type TmuxCommand } from './exec.js';
import type { ControlClient } from './control.js';
import { TmuxError } from './errors.js';

export type { TmuxCommand };
export type RunOptions = ExecOptions;

export interface Engine {
  /** The server the engine talks to. */
  readonly socket: SocketChoice;
  /** Runs one command; resolves to its output (lines, each ending in a newline). */
  run(command: TmuxCommand, opts?: RunOptions): Promise<string>;
  /** Runs several commands in order, in one round trip where the engine can; resolves to their joined output. */
  runBatch(commands: readonly TmuxCommand[], opts?: RunOptions): Promise<string>;
}

/**
 * One `tmux` client process per call: a batch is one process running the commands in order,
 * stopping at the first that fails. Commands that change the server hold the connect gate
 * (gate.ts) so they never run while a control client connects.
 */
export class ExecEngine implements Engine {
  readonly socket: SocketChoice;
  constructor(socket: SocketChoice) {
    this.socket = socket;
  }
  run(command: TmuxCommand, opts?: RunOptions): Promise<string> {
    return execTmux(this.socket, [command], opts);
  }
  runBatch(commands: readonly TmuxCommand[], opts?: RunOptions): Promise<string> {
    return execTmux(this.socket, commands, opts);
  }
}

/**
 * Commands over a control-mode connection (control.ts): ~0.1 ms each. A batch is pipelined, one
 * command per line, and every command runs: the batch rejects with the first failure after all
 * replies came. A control client has no stdin of its own to give a command, nor a per-command
 * environment: such a call is refused.
 */
export class ControlEngine implements Engine {
  readonly client: ControlClient;
  constructor(client: ControlClient) {
    this.client = client;
  }
  get socket(): SocketChoice {
    return this.client.socket;
  }
  run(command: TmuxCommand, opts?: RunOptions): Promise<string> {
    return this.runBatch([command], opts);
  }
  async runBatch(commands: readonly TmuxCommand[], opts: RunOptions = {}): Promise<string> {
    if (opts.input !== undefined || opts.env !== undefined) {
      throw new TmuxError(commands[0] ?? [], null, 'control mode cannot pass stdin or an environment to a command');
    }
    const replies = await Promise.allSettled(commands.map((c) => this.client.command(c)));
    const failed = replies.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return replies.flatMap((r) => (r as PromiseFulfilledResult<string[]>).value.map((line) => `${line}\n`)).join('');
  }
}
