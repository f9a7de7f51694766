#!/usr/bin/env node
/**
 * amux entry point: a router. The command line's leading words pick one command bundle
 * (dist/cmd/<module>.js, built from src/commands/<module>.ts with everything it needs, clipanion
 * included), so a command loads two files, not the whole CLI; help and unknown verbs load the
 * bundle of every command (dist/cmd/all.js). See src/commands/routes.ts and scripts/build.mjs.
 */
import { bundleName, moduleFor } from './commands/routes.js';

interface Bundle {
  commands: unknown[];
  runCli(argv: string[], commands: unknown[]): Promise<number>;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    const { version } = await import('./version.js');
    process.stdout.write(`${version}\n`);
    return 0;
  }
  // `amux help` and `amux help CMD ...` are `amux --help` and `amux CMD ... --help`.
  if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
  const module = moduleFor(argv.filter((a) => !a.startsWith('-')));
  const url = new URL(`./cmd/${module ? bundleName(module) : 'all'}.js`, import.meta.url).href;
  const bundle = (await import(url)) as Bundle;
  return bundle.runCli(argv, bundle.commands);
}

// A reader that stops early (`amux explain S | head -1`) is not a failure: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
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
