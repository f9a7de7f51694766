/**
 * Runs a command line with clipanion over the given command classes. Each command bundle carries
 * its own copy (see scripts/build.mjs), so only what the command line needs is ever loaded.
 */
import { Cli, Builtins, type CommandClass } from 'clipanion';
import { version } from './version.js';

/**
 * clipanion names every option's value `#0` (`--until #0`); amux names it after the option
 * (`--until UNTIL`, `-n,--lines LINES`).
 */
export function nameValues(usage: string): string {
  return usage.replace(/((?:-\w,)?--([a-z][a-z0-9-]*)) #0/g, (_m, flags: string, long: string) => `${flags} ${long.replace(/-/g, '_').toUpperCase()}`);
}

/**
 * The name given to a command's `Option.Rest` (`AGENT`), read from its option definitions:
 * clipanion prints a rest argument as a bare `...` whatever its name.
 */
export function restName(command: unknown): string | undefined {
  const Cls = typeof command === 'function' ? command : (command as { constructor?: unknown } | null)?.constructor;
  if (typeof Cls !== 'function') return undefined;
  let found: string | undefined;
  const builder = { addRest: (o: { name?: string }) => (found = o.name), addPositional() {}, addOption() {}, addProxy() {} };
  try {
    for (const v of Object.values(new (Cls as new () => object)())) {
      const def = (v as { definition?: unknown } | null)?.definition;
      if (typeof def === 'function') def.call(v, builder, '');
      if (found) return found;
    }
  } catch {
    /* not a command class we can read: keep clipanion's usage */
  }
  return undefined;
}

class AmuxCli extends Cli {
  override usage(...args: Parameters<Cli['usage']>): string {
    const text = nameValues(super.usage(...args));
    const rest = restName(args[0]);
    return rest ? text.replace(/^(\s*\$ amux .*?) \.\.\.$/m, `$1 [${rest}...]`) : text;
  }

  /** A syntax error quotes the usage of the candidate commands: name their values too. */
  override error(...args: Parameters<Cli['error']>): string {
    return nameValues(super.error(...args));
  }
}

export async function runCli(argv: string[], commands: CommandClass[]): Promise<number> {
  const colors = !process.env.NO_COLOR && process.stdout.isTTY === true && process.env.TERM !== 'dumb';
  const cli = new AmuxCli({ binaryLabel: 'amux', binaryName: 'amux', binaryVersion: version, enableColors: colors });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  for (const c of commands) cli.register(c);
  let command;
  try {
    command = cli.process(argv);
  } catch (e) {
    process.stderr.write(cli.error(e as Error, { colored: colors }));
    return 2;
  }
  try {
    // The parsed command is run as is: the command line is not parsed twice.
    return await cli.run(command, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, colorDepth: colors ? 8 : 1 });
  } catch (e) {
    process.stderr.write(`amux: ${(e as Error).message}\n`);
    return 1;
  }
}
