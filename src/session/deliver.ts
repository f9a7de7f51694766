import { randomBytes } from 'node:crypto';
import type { Server } from '../tmux/server.js';
import { literalText } from './text.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Types text into a pane literally: loaded into a private tmux buffer from stdin (never argv),
 * pasted with bracketed paste when the program asked for it, newlines kept, then Enter.
 * `; \ $ ' "`, `C-c` or `Enter` as words arrive as the characters they are. Every path that types
 * text comes through here, so here the text rule (text.ts) is enforced: control characters are
 * refused before anything reaches the pane.
 */
export async function typeText(server: Server, paneId: string, input: string, opts: { enter?: boolean } = {}): Promise<void> {
  const text = literalText(input);
  const pane = server.pane(paneId);
  if (text.length > 0) {
    await pane.paste(text, `amux-${randomBytes(6).toString('hex')}`);
    // TUIs (Claude Code among them) drop an Enter that arrives in the same read as the paste.
    if (opts.enter !== false) await sleep(text.includes('\n') || text.length > 200 ? 250 : 120);
  }
  if (opts.enter !== false) await pane.sendKeys(['Enter']);
}
