#!/usr/bin/env node
/**
 * amux entry point. Commands live one verb per file under ./commands and are loaded lazily:
 * only the module of the verb being run is imported, so every command starts near Node's floor.
 */
import type { CommandClass } from 'clipanion';

/** First word of the command line → the module that defines it. */
const MODULES: Record<string, string> = {
  run: './commands/run.js',
  ps: './commands/ps.js',
  ls: './commands/ps.js',
  attach: './commands/attach.js',
  stop: './commands/stop.js',
  rm: './commands/rm.js',
  logs: './commands/logs.js',
  tail: './commands/logs.js',
  doctor: './commands/doctor.js',
  demo: './commands/demo.js',
  init: './commands/init.js',
  config: './commands/config.js',
  ws: './commands/ws.js',
  workspace: './commands/ws.js',
  daemon: './commands/daemon.js',
  explain: './commands/explain.js',
  send: './commands/send.js',
  await: './commands/await.js',
  capture: './commands/capture.js',
  keys: './commands/keys.js',
  statusline: './commands/statusline.js',
  tui: './commands/tui.js',
  connect: './commands/connect.js',
  rename: './commands/rename.js',
  tag: './commands/tag.js',
};

async function loadCommands(verb: string | undefined): Promise<CommandClass[]> {
  const wanted = verb && MODULES[verb] ? [MODULES[verb]!] : [...new Set(Object.values(MODULES))];
  const out: CommandClass[] = [];
  for (const m of wanted) {
    try {
      const mod = (await import(m)) as { commands?: CommandClass[] };
      out.push(...(mod.commands ?? []));
    } catch (e) {
      // A module that is not there yet must not break every other command.
      if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((e as Error).message).includes(m.slice(2))) throw e;
    }
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const { Cli, Builtins } = await import('clipanion');
  const { version } = await import('./version.js');
  const colors = !process.env.NO_COLOR && process.stdout.isTTY === true && process.env.TERM !== 'dumb';
  const cli = new Cli({ binaryLabel: 'amux', binaryName: 'amux', binaryVersion: version, enableColors: colors });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  const verb = argv.find((a) => !a.startsWith('-'));
  for (const c of await loadCommands(verb)) cli.register(c);

  let command;
  try {
    command = cli.process(argv);
  } catch (e) {
    process.stderr.write(cli.error(e as Error, { colored: colors }));
    return 2;
  }
  try {
    const code = await cli.run(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, colorDepth: colors ? 8 : 1 });
    void command;
    return code;
  } catch (e) {
    process.stderr.write(`amux: ${(e as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`amux: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
