import { Command, Option } from 'clipanion';
import { AmuxError, UsageError } from '../util/errors.js';
import { openContext, type CoreContext } from '../core/context.js';

/**
 * Base of every amux command: `run()` does the work; errors become one `amux: ...` line on
 * stderr and their exit code (1 failure, 2 usage), never a stack trace.
 */
export abstract class AmuxCommand extends Command {
  abstract run(): Promise<number | void>;

  async execute(): Promise<number> {
    try {
      const code = await this.run();
      return code ?? 0;
    } catch (e) {
      if (e instanceof AmuxError) {
        this.context.stderr.write(`amux: ${e.message}${e.hint ? ` (${e.hint})` : ''}\n`);
        return e.exitCode;
      }
      if (process.env.AMUX_DEBUG) throw e;
      this.context.stderr.write(`amux: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }

  /**
   * The core context for this command: config, server and registry resolved once; progress to
   * stderr. `tmux: false` skips the tmux version check for commands that work without tmux
   * (workspaces are git alone; their live-session count tolerates a missing tmux).
   */
  protected async core(opts: { tmux?: boolean } = {}): Promise<CoreContext> {
    return openContext({ skipVersionCheck: opts.tmux === false, observer: { progress: (m) => this.err(m), warn: (m) => this.err(`amux: ${m}`) } });
  }

  /**
   * Asks before an operation on many sessions: on a terminal, a y/N question on stderr; without
   * one, only `--yes` goes ahead (a script must say so).
   */
  protected async confirmMany(verb: string, names: string[], yes: boolean): Promise<boolean> {
    if (yes || names.length === 0) return true;
    if (!process.stdin.isTTY) throw new UsageError(`${verb} ${names.length} session(s)? There is no terminal to ask on: add --yes`);
    const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')}, … (${names.length})` : names.join(', ');
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const a = (await rl.question(`${verb} ${shown}? [y/N] `)).trim().toLowerCase();
      return a === 'y' || a === 'yes';
    } finally {
      rl.close();
    }
  }

  out(text: string): void {
    this.context.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }
  err(text: string): void {
    this.context.stderr.write(text.endsWith('\n') ? text : text + '\n');
  }
  json(value: unknown): void {
    this.context.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }
}

/** `--json`, as every command that prints something declares it (the output goes through `json()`). */
export const jsonOption = (what = 'the result') => Option.Boolean('--json', false, { description: `Print ${what} as JSON for scripts` });

/** A `-n N` line count: a whole number from `min` (undefined when the option was not given). */
export function parseCount(v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`-n takes a ${min > 0 ? 'positive ' : ''}number of lines, got "${v}"`);
  return n;
}
