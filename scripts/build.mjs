// Builds dist/: type-checks with tsc (no emit), then bundles with esbuild into an ES module
// entry (dist/cli.js) plus one chunk per lazily loaded command, so a command loads a handful of
// files instead of a few hundred. blessed (which requires its own files at run time) and
// chokidar stay external.
import { build } from 'esbuild';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const BANNER = "import { createRequire as __amuxCreateRequire } from 'node:module'; const require = __amuxCreateRequire(import.meta.url);";
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['blessed', 'chokidar'],
  // CommonJS dependencies bundled into ES modules still call require() for Node built-ins.
  banner: { js: BANNER },
  logLevel: 'warning',
  legalComments: 'none',
});
// Only files that call require() keep the banner: each createRequire costs start-up time.
for (const dir of ['../dist/', '../dist/chunks/']) {
  for (const f of readdirSync(new URL(dir, import.meta.url))) {
    if (!f.endsWith('.js')) continue;
    const url = new URL(dir + f, import.meta.url);
    const text = readFileSync(url, 'utf8');
    if (text.startsWith(BANNER) && !/\brequire\b/.test(text.slice(BANNER.length))) writeFileSync(url, text.slice(BANNER.length).replace(/^\n/, ''));
  }
}
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
