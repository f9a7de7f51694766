/**
 * Every asset the dashboard loads, from the package itself: the page, its script and style
 * (client.ts), and xterm.js with its fit addon read from the installed packages once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { APP_CSS, APP_JS, INDEX_HTML } from './client.js';

export interface Asset {
  body: string | Buffer;
  type: string;
}

let table: Map<string, Asset> | null = null;

function build(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  const xterm = dirname(require.resolve('@xterm/xterm'));
  const fit = require.resolve('@xterm/addon-fit');
  const html = { body: INDEX_HTML, type: 'text/html; charset=utf-8' };
  const js = 'text/javascript; charset=utf-8';
  return new Map<string, Asset>([
    ['/', html],
    ['/login', html],
    ['/share', html],
    ['/assets/app.js', { body: APP_JS, type: js }],
    ['/assets/app.css', { body: APP_CSS, type: 'text/css; charset=utf-8' }],
    ['/assets/xterm.js', { body: readFileSync(join(xterm, 'xterm.js')), type: js }],
    ['/assets/xterm.css', { body: readFileSync(join(xterm, '..', 'css', 'xterm.css')), type: 'text/css; charset=utf-8' }],
    ['/assets/addon-fit.js', { body: readFileSync(fit), type: js }],
  ]);
}

/** The asset at a path, or null. */
export function assets(path: string): Asset | null {
  return (table ??= build()).get(path) ?? null;
}
