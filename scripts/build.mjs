// Builds dist/ (tsc has type-checked before): a small router, dist/cli.js, and one self-contained
// ES module bundle per command module, dist/cmd/<module>.js, plus dist/cmd/all.js with every
// command (help, unknown verbs). A command line loads the router and one bundle: two files, not
// a graph of shared chunks (measured: ~15-20 ms less start-up per command than code splitting).
// Which modules exist comes from src/commands/routes.ts. blessed (which requires its own files
// at run time) and chokidar stay external.
import { build, transform } from 'esbuild';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BANNER = "import { createRequire as __amuxCreateRequire } from 'node:module'; const require = __amuxCreateRequire(import.meta.url);";
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['blessed', 'chokidar', '@lydell/node-pty'],
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};

// The routes table, read the way the router reads it.
const routesSrc = (await transform(readFileSync(`${root}/src/commands/routes.ts`, 'utf8'), { loader: 'ts', format: 'esm' })).code;
const { allModules, bundleName } = await import(`data:text/javascript;base64,${Buffer.from(routesSrc).toString('base64')}`);
const modules = allModules();

rmSync(`${root}/dist`, { recursive: true, force: true });

/** Keeps the createRequire banner only where require() is called: each costs start-up time. */
function trimBanner(file) {
  const text = readFileSync(file, 'utf8');
  if (text.startsWith(BANNER) && !/\brequire\b/.test(text.slice(BANNER.length))) writeFileSync(file, text.slice(BANNER.length).replace(/^\n/, ''));
}

const bundle = async (name, contents) => {
  const outfile = `${root}/dist/cmd/${name}.js`;
  // CommonJS dependencies bundled into ES modules still call require() for Node built-ins.
  await build({ ...common, stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: `${name}.entry.ts` }, outfile, banner: { js: BANNER } });
  trimBanner(outfile);
};

const runner = "export { runCli } from './src/run-cli.ts';";
await Promise.all([
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: `${root}/dist/cli.js` }),
  ...modules.map((m) => bundle(bundleName(m), `export { commands } from './src/commands/${m}.ts';\n${runner}`)),
  bundle(
    'all',
    modules.map((m, i) => `import { commands as c${i} } from './src/commands/${m}.ts';`).join('\n') +
      `\nexport const commands = [${modules.map((_, i) => `...c${i}`).join(', ')}];\n${runner}`,
  ),
]);
chmodSync(`${root}/dist/cli.js`, 0o755);
