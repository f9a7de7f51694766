import { randomBytes } from 'node:crypto';
import type { Server } from '../tmux/server.js';
import type { SessionRecord } from './types.js';
import { AmuxError } from '../util/errors.js';
import { invalidateSnapshot } from '../state/snapshot.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Types text into a pane literally: loaded into a private tmux buffer from stdin (never argv),
 * pasted with bracketed paste when the program asked for it, newlines kept, then Enter.
 * `; \ $ ' "`, `C-c` or `Enter` as words arrive as the characters they are.
 */
export async function typeText(server: Server, paneId: string, text: string, opts: { enter?: boolean } = {}): Promise<void> {
  const pane = server.pane(paneId);
  invalidateSnapshot(server.socket);
  if (text.length > 0) {
    await pane.paste(text, `amux-${randomBytes(6).toString('hex')}`);
    // TUIs (Claude Code among them) drop an Enter that arrives in the same read as the paste.
    if (opts.enter !== false) await sleep(text.includes('\n') || text.length > 200 ? 250 : 120);
  }
  if (opts.enter !== false) await pane.sendKeys(['Enter']);
  invalidateSnapshot(server.socket);
}

export interface ReadyOptions {
  timeoutMs?: number;
  onWait?: (message: string) => void;
  /** Decides readiness from the pane's state; default: output has appeared and the screen is still. */
  isReady?: () => Promise<boolean | 'dead'>;
}

/**
 * Waits until the agent can take input, then types the prompt. Without a state monitor the
 * rule is: the program has drawn something and the screen has been still for 800 ms.
 */
export async function deliverWhenReady(server: Server, rec: SessionRecord, text: string, opts: ReadyOptions = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeout;
  const pane = server.pane(rec.tmux.pane);
  let told = false;
  let last = '';
  let stillSince = 0;
  for (;;) {
    let ready: boolean | 'dead' = false;
    if (opts.isReady) ready = await opts.isReady();
    else {
      const info = await pane.info();
      if (!info || info.paneDead) ready = 'dead';
      else {
        const screen = await pane.capture();
        // A program that draws nothing (cat, a bare REPL) counts as drawn once it has had time to start.
        const drawn = screen.trim().length > 0 || Date.now() - Date.parse(rec.createdAt) > 1500;
        if (screen !== last) {
          last = screen;
          stillSince = Date.now();
        }
        ready = drawn && Date.now() - stillSince >= 800;
      }
    }
    if (ready === 'dead') throw new AmuxError(`${rec.name} exited before it could take the prompt`);
    if (ready) break;
    if (Date.now() > deadline) throw new AmuxError(`${rec.name} was not ready for input within ${Math.round(timeout / 1000)}s; prompt not sent`);
    if (!told && Date.now() > deadline - timeout + 2000) {
      opts.onWait?.(`waiting for ${rec.name} to be ready for input...`);
      told = true;
    }
    await sleep(150);
  }
  await typeText(server, rec.tmux.pane, text);
}
