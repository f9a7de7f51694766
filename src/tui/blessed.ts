/**
 * Loading blessed 0.1.81 safely. Imported only by the TUI (lazily, from `amux tui`), never by
 * shared modules.
 *
 * blessed's terminfo reader predates ncurses 6: on the terminfo files of current systems it
 * fails on xterm-256color and tmux-256color (an assertion in the extended section) and silently
 * misreads screen-256color (string offsets land in the wrong capabilities, so `plab_norm` gets
 * the tail of `sgr`, which then fails to compile and is dumped to stderr with console.error).
 * With newer ncurses, xterm-256color's `Setulc` fails to compile the same way. Each failure
 * prints compiled code to stderr and then falls back to blessed's bundled xterm terminfo.
 *
 * So amux never asks blessed to read the system's terminfo for the terminals it supports: for
 * xterm-, screen-, tmux- and rxvt-like terminals it hands blessed its own bundled, known-good
 * xterm-256color (or xterm) file by path, and keeps the real TERM name on the program for its
 * name checks. tmux, screen and xterm all understand those sequences. For any other terminal
 * blessed reads the system entry, with console.error silenced while it compiles, so a broken
 * capability falls back quietly instead of writing to stderr.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Widgets } from 'blessed';
import { noColor, stripColorSgr } from './format.js';

export type Blessed = typeof import('blessed');

interface TputProto {
  _compile: (info: unknown, key: string, str: unknown) => unknown;
  __amuxPatched?: boolean;
}

let cached: { blessed: Blessed; usr: string } | null = null;

function load(): { blessed: Blessed; usr: string } {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const blessed = require('blessed') as Blessed;
  // Same resolved file as blessed's own require('./tput'): one module instance.
  const tputPath = require.resolve('blessed/lib/tput.js');
  const Tput = require(tputPath) as { prototype: TputProto };
  const proto = Tput.prototype;
  if (!proto.__amuxPatched) {
    const original = proto._compile;
    proto._compile = function (this: unknown, info: unknown, key: string, str: unknown) {
      const saved = console.error;
      console.error = () => undefined;
      try {
        return original.call(this, info, key, str);
      } finally {
        console.error = saved;
      }
    };
    proto.__amuxPatched = true;
  }
  cached = { blessed, usr: join(dirname(dirname(tputPath)), 'usr') };
  return cached;
}

export function loadBlessed(): Blessed {
  return load().blessed;
}

/** True when the terminal can show UTF-8: inside tmux always; otherwise as the locale says. */
export function utf8Terminal(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.TMUX) return true;
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(loc);
}

/** The terminal name amux reports: $TERM, or a safe default when it is missing or dumb. */
export function terminalName(env: NodeJS.ProcessEnv = process.env): string {
  const t = (env.TERM || '').trim().toLowerCase();
  if (!t || t === 'dumb' || t === 'unknown') return 'xterm-256color';
  return t;
}

/**
 * What to pass blessed as `terminal`: the path of its bundled terminfo for xterm-compatible
 * terminals (see above), else the name itself.
 */
export function terminfoFor(term: string, usr = load().usr): string {
  if (!/^(xterm|screen|tmux|rxvt|alacritty|kitty|foot|wezterm|st-|gnome|konsole|vte|putty|iterm)/.test(term)) return term;
  const colors256 = /256|direct|truecolor|kitty|alacritty|foot|wezterm|iterm/.test(term);
  const file = join(usr, colors256 ? 'xterm-256color' : 'xterm');
  return existsSync(file) ? file : term;
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
  const term = terminalName();
  const screen = blessed.screen({
    terminal: terminfoFor(term),
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
  // NO_COLOR: every colour leaves the output on its way to the terminal (the agents' own colours
  // in the preview too: the user asked for none), bold and inverse stay.
  if (noColor()) {
    // Everything blessed writes (buffered or not) leaves through _owrite / write.
    const program = screen.program as unknown as { _owrite: (text: string) => unknown; write: (text: string) => unknown };
    const write = program._owrite.bind(program);
    program._owrite = program.write = (text: string) => write(typeof text === 'string' ? stripColorSgr(text) : text);
  }
  // Name checks in blessed (term('screen'), term('xterm')) see the real terminal, not the file path.
  (screen.program as unknown as { _terminal: string })._terminal = term;
  return { blessed, screen };
}
