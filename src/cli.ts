#!/usr/bin/env node
/**
 * amux entry point. Commands live one verb per file under ./commands and are loaded lazily:
 * only the module of the verb being run is imported, so every command starts near Node's floor.
 */
import { Cli, Builtins, type CommandClass } from 'clipanion';

/** First word of the command line → a loader of the module that defines it (static, so bundlers follow it). */
type Loader = () => Promise<{ commands?: CommandClass[] }>;
const MODULES: Record<string, Loader> = {
  run: () => import('./commands/run.js'),
  ps: () => import('./commands/ps.js'),
  ls: () => import('./commands/ps.js'),
  attach: () => import('./commands/attach.js'),
  stop: () => import('./commands/stop.js'),
  rm: () => import('./commands/rm.js'),
  logs: () => import('./commands/logs.js'),
  tail: () => import('./commands/tail.js'),
  doctor: () => import('./commands/doctor.js'),
  demo: () => import('./commands/demo.js'),
  init: () => import('./commands/init.js'),
  daemon: () => import('./commands/daemon.js'),
  explain: () => import('./commands/explain.js'),
  send: () => import('./commands/send.js'),
  await: () => import('./commands/await.js'),
  capture: () => import('./commands/capture.js'),
  keys: () => import('./commands/keys.js'),
  statusline: () => import('./commands/statusline.js'),
  tui: () => import('./commands/tui.js'),
  connect: () => import('./commands/connect.js'),
  rename: () => import('./commands/rename.js'),
  tag: () => import('./commands/tag.js'),
  archive: () => import('./commands/archive.js'),
};

/** `amux ws VERB` (alias `workspace`): the second word picks the module, one per sub-command. */
const WS_MODULES: Record<string, Loader> = {
  create: () => import('./commands/ws/create.js'),
  list: () => import('./commands/ws/list.js'),
  ls: () => import('./commands/ws/list.js'),
  show: () => import('./commands/ws/show.js'),
  path: () => import('./commands/ws/path.js'),
  rm: () => import('./commands/ws/rm.js'),
  remove: () => import('./commands/ws/rm.js'),
  prune: () => import('./commands/ws/prune.js'),
  diff: () => import('./commands/ws/diff.js'),
  merge: () => import('./commands/ws/merge.js'),
};
/** `amux config VERB`. */
const CONFIG_MODULES: Record<string, Loader> = {
  show: () => import('./commands/config/show.js'),
  validate: () => import('./commands/config/validate.js'),
  edit: () => import('./commands/config/edit.js'),
};
const NESTED: Record<string, Record<string, Loader>> = { ws: WS_MODULES, workspace: WS_MODULES, config: CONFIG_MODULES };

/**
 * The loaders for a command line's leading words: the verb's module, or for a nested verb its
 * sub-command's; every module of the verb (or of amux) when the words name none, so help and
 * "did you mean" see them all.
 */
function loadersFor(words: string[]): Loader[] {
  const [verb, sub] = words;
  const nested = verb ? NESTED[verb] : undefined;
  if (nested) return sub && nested[sub] ? [nested[sub]!] : Object.values(nested);
  if (verb && MODULES[verb]) return [MODULES[verb]!];
  return [...Object.values(MODULES), ...Object.values(NESTED).flatMap((n) => Object.values(n))];
}

async function loadCommands(words: string[]): Promise<CommandClass[]> {
  const wanted = [...new Set(loadersFor(words))];
  const out = new Set<CommandClass>();
  for (const load of wanted) for (const c of (await load()).commands ?? []) out.add(c);
  return [...out];
}

async function main(argv: string[]): Promise<number> {
  const { version } = await import('./version.js');
  const colors = !process.env.NO_COLOR && process.stdout.isTTY === true && process.env.TERM !== 'dumb';
  const cli = new Cli({ binaryLabel: 'amux', binaryName: 'amux', binaryVersion: version, enableColors: colors });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  const words = argv.filter((a) => !a.startsWith('-'));
  // `amux --version` needs no command at all; everything else loads only its own verb.
  const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v');
  if (!versionOnly) for (const c of await loadCommands(words)) cli.register(c);

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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`amux: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
