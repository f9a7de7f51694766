/**
 * Loading blessed 0.1.81 safely. Imported only by the TUI (lazily, from `amux tui`), never by
 * shared modules.
 *
 * blessed compiles every terminfo string capability into a JavaScript function. Capabilities
 * newer than blessed (ncurses 6.x's `Setulc` in xterm-256color, `plab_norm` in screen-256color)
 * compile to invalid code: blessed then dumps `Error on <term>.<cap>` and the generated source to
 * stderr with console.error, and drops the whole terminfo for a built-in xterm one. The patch
 * below compiles each capability with console.error silenced and turns a capability that fails
 * into a no-op, so the rest of the terminal's real terminfo is kept and nothing reaches stderr.
 */
import { createRequire } from 'node:module';
import type { Widgets } from 'blessed';

export type Blessed = typeof import('blessed');

/** Capabilities blessed cannot compile (or that amux never needs): never compiled at all. */
const SKIP = new Set(['Setulc', 'Smulx', 'plab_norm', 'pln', 'Sync', 'Tc', 'RGB']);

interface TputProto {
  _compile: (info: unknown, key: string, str: unknown) => unknown;
  __amuxPatched?: boolean;
}

let cached: Blessed | null = null;

export function loadBlessed(): Blessed {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const blessed = require('blessed') as Blessed;
  // Same resolved file as blessed's own require('./tput'): one module instance.
  const Tput = require('blessed/lib/tput.js') as { prototype: TputProto };
  const proto = Tput.prototype;
  if (!proto.__amuxPatched) {
    const original = proto._compile;
    const noop = () => '';
    proto._compile = function (this: unknown, info: unknown, key: string, str: unknown) {
      if (SKIP.has(key)) return typeof str === 'string' ? noop : str;
      const saved = console.error;
      console.error = () => undefined;
      try {
        return original.call(this, info, key, str);
      } catch {
        return typeof str === 'string' ? noop : str;
      } finally {
        console.error = saved;
      }
    };
    proto.__amuxPatched = true;
  }
  cached = blessed;
  return blessed;
}

/** True when the terminal can show UTF-8: inside tmux always; otherwise as the locale says. */
export function utf8Terminal(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.TMUX) return true;
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(loc);
}

/** The terminfo name to hand blessed: $TERM, or a safe default when it is missing or dumb. */
export function terminalName(env: NodeJS.ProcessEnv = process.env): string {
  const t = (env.TERM || '').trim();
  if (!t || t === 'dumb' || t === 'unknown') return 'xterm-256color';
  return t;
}

export interface ScreenOptions {
  title?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/**
 * A blessed screen configured for amux: no warnings on screen, no stderr output, unicode box
 * drawing instead of the alternate character set when the terminal is UTF-8 (so `capture-pane`
 * shows real lines), and Ctrl-C left to the caller.
 */
export function createScreen(o: ScreenOptions = {}): { blessed: Blessed; screen: Widgets.Screen } {
  const blessed = loadBlessed();
  const unicode = utf8Terminal();
  const screen = blessed.screen({
    terminal: terminalName(),
    smartCSR: true,
    fullUnicode: unicode,
    forceUnicode: unicode,
    warnings: false,
    autoPadding: true,
    title: o.title ?? 'amux',
    dockBorders: false,
    ...(o.input ? { input: o.input as unknown as Widgets.IScreenOptions['input'] } : {}),
    ...(o.output ? { output: o.output as unknown as Widgets.IScreenOptions['output'] } : {}),
  } as Widgets.IScreenOptions);
  const tput = (screen as unknown as { tput?: { brokenACS?: boolean; unicode?: boolean } }).tput;
  if (tput && unicode) tput.brokenACS = true;
  // blessed installs an uncaughtException handler that prints the stack to stderr and exits;
  // amux handles its own errors (see runTui), so the screen's handler is not wanted.
  return { blessed, screen };
}
