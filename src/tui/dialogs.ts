/**
 * The TUI's overlays: help, a one-line text prompt, a yes/no confirmation, a list chooser and a
 * scrollable text viewer. Each is a Modal: the app routes every key to the top modal first, so
 * `Esc` (and `q`/`?` where they are not text) closes the overlay before anything else happens.
 */
import type { Widgets } from 'blessed';
import type { Blessed } from './blessed.js';
import { escTags, fit } from './format.js';

export interface Key {
  name?: string;
  full?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  sequence?: string;
}

export interface Modal {
  /** Handles a key; the modal closes itself when done. */
  handle(ch: string | undefined, key: Key): void;
  /** Closes without a result (used when the app quits or the modal is replaced). */
  cancel(): void;
  readonly element: Widgets.BoxElement;
  /** Called on wheel events over the modal. */
  wheel?(delta: number): void;
}

export interface ModalHost {
  blessed: Blessed;
  screen: Widgets.Screen;
  push(m: Modal): void;
  pop(m: Modal): void;
  render(): void;
}

/** A printable character of a keypress (not a control or named key). */
export function printable(ch: string | undefined, key: Key): string | null {
  if (!ch || key.ctrl || key.meta) return null;
  if (key.name === 'escape' || key.name === 'enter' || key.name === 'return' || key.name === 'linefeed' || key.name === 'backspace' || key.name === 'tab') return null;
  if (ch < ' ' || ch === '\x7f') return null;
  return ch;
}

const isEnter = (key: Key) => key.name === 'enter' || key.name === 'linefeed';

function frame(host: ModalHost, o: { label: string; width: number | string; height: number | string; top?: number | string }): Widgets.BoxElement {
  return host.blessed.box({
    parent: host.screen,
    top: o.top ?? 'center',
    left: 'center',
    width: o.width,
    height: o.height,
    label: ` ${o.label} `,
    border: { type: 'line' },
    tags: true,
    style: { border: { fg: 'cyan' }, label: { bold: true } },
  } as Widgets.BoxOptions);
}

abstract class BaseModal implements Modal {
  element!: Widgets.BoxElement;
  protected closed = false;
  constructor(protected readonly host: ModalHost) {}
  abstract handle(ch: string | undefined, key: Key): void;
  protected close(): void {
    if (this.closed) return;
    this.closed = true;
    this.element.destroy();
    this.host.pop(this);
    this.host.render();
  }
  cancel(): void {
    this.close();
  }
}

// ---- one-line text prompt ----

export interface PromptOptions {
  title: string;
  label: string;
  initial?: string;
  hint?: string;
  /** Called on every edit (live filtering). */
  onChange?: (text: string) => void;
}

export class PromptModal extends BaseModal {
  private text: string;
  constructor(
    host: ModalHost,
    private readonly o: PromptOptions,
    private readonly done: (value: string | null) => void,
  ) {
    super(host);
    this.text = o.initial ?? '';
    const w = Math.min(80, Math.max(40, (host.screen.width as number) - 4));
    this.element = frame(host, { label: o.title, width: w, height: o.hint ? 6 : 5 });
    host.push(this);
    this.draw();
  }
  private draw() {
    const inner = (this.element.width as number) - 4;
    const shown = this.text.length > inner - 3 ? '…' + this.text.slice(-(inner - 4)) : this.text;
    const lines = [escTags(this.o.label), `{bold}>{/bold} ${escTags(shown)}{inverse} {/inverse}`];
    if (this.o.hint) lines.push(`{gray-fg}${escTags(fit(this.o.hint, inner))}{/gray-fg}`);
    this.element.setContent(lines.join('\n'));
    this.host.render();
  }
  handle(ch: string | undefined, key: Key): void {
    if (key.name === 'return') return; // blessed sends Enter twice (return, then enter)
    if (key.name === 'escape') {
      this.close();
      return this.done(null);
    }
    if (isEnter(key)) {
      this.close();
      return this.done(this.text);
    }
    if (key.name === 'backspace') this.text = [...this.text].slice(0, -1).join('');
    else if (key.full === 'C-u') this.text = '';
    else if (key.full === 'C-w') this.text = this.text.replace(/\S+\s*$/, '');
    else {
      const p = printable(ch, key);
      if (p === null) return;
      this.text += p;
    }
    this.o.onChange?.(this.text);
    this.draw();
  }
  override cancel(): void {
    if (this.closed) return;
    this.close();
    this.done(null);
  }
}

// ---- yes / no ----

export class ConfirmModal extends BaseModal {
  constructor(
    host: ModalHost,
    title: string,
    text: string,
    private readonly done: (ok: boolean) => void,
  ) {
    super(host);
    const w = Math.min(72, Math.max(40, (host.screen.width as number) - 4));
    this.element = frame(host, { label: title, width: w, height: 6 });
    this.element.setContent(`${escTags(text)}\n\n{bold}y{/bold} yes   {bold}n{/bold} / Esc no`);
    host.push(this);
  }
  handle(ch: string | undefined, key: Key): void {
    if (ch === 'y' || ch === 'Y') {
      this.close();
      return this.done(true);
    }
    if (ch === 'n' || ch === 'N' || ch === 'q' || key.name === 'escape') {
      this.close();
      return this.done(false);
    }
  }
  override cancel(): void {
    if (this.closed) return;
    this.close();
    this.done(false);
  }
}

// ---- choose from a list ----

export interface ChooseItem {
  label: string;
  detail?: string;
}

export interface ChooseOptions {
  title: string;
  items: ChooseItem[];
  hint?: string;
  selected?: number;
  /** Extra keys: returns true when handled (e.g. `c` create, `d` delete in the workspaces view). */
  onKey?: (ch: string | undefined, key: Key, index: number, modal: ChooseModal) => boolean;
}

export class ChooseModal extends BaseModal {
  private sel: number;
  private scroll = 0;
  private items: ChooseItem[];
  constructor(
    host: ModalHost,
    private readonly o: ChooseOptions,
    private readonly done: (index: number | null) => void,
  ) {
    super(host);
    this.items = o.items;
    this.sel = Math.max(0, Math.min(o.selected ?? 0, this.items.length - 1));
    const w = Math.min(90, Math.max(40, (host.screen.width as number) - 4));
    this.element = frame(host, { label: o.title, width: w, height: this.boxHeight() });
    host.push(this);
    this.draw();
  }
  private boxHeight(): number {
    const max = Math.max(6, (this.host.screen.height as number) - 4);
    return Math.min(max, Math.max(1, this.items.length) + 2 + (this.o.hint ? 2 : 0));
  }
  setItems(items: ChooseItem[]): void {
    if (this.closed) return;
    this.items = items;
    this.sel = Math.max(0, Math.min(this.sel, items.length - 1));
    this.element.height = this.boxHeight();
    this.draw();
  }
  get index(): number {
    return this.sel;
  }
  private draw() {
    const inner = (this.element.width as number) - 4;
    const rows = (this.element.height as number) - 2 - (this.o.hint ? 2 : 0);
    if (this.sel < this.scroll) this.scroll = this.sel;
    if (this.sel >= this.scroll + rows) this.scroll = this.sel - rows + 1;
    const lines: string[] = [];
    if (this.items.length === 0) lines.push('{gray-fg}(none){/gray-fg}');
    this.items.slice(this.scroll, this.scroll + rows).forEach((it, i) => {
      const idx = this.scroll + i;
      const labelW = it.detail ? Math.min(Math.max(12, Math.floor(inner * 0.4)), inner - 4) : inner - 2;
      let text = fit(it.label, labelW);
      if (it.detail) text += ' ' + fit(it.detail, inner - 3 - labelW);
      lines.push(idx === this.sel ? `{inverse}▶ ${escTags(text)}{/inverse}` : `  ${escTags(text)}`);
    });
    if (this.o.hint) lines.push('', `{gray-fg}${escTags(fit(this.o.hint, inner))}{/gray-fg}`);
    this.element.setContent(lines.join('\n'));
    this.host.render();
  }
  handle(ch: string | undefined, key: Key): void {
    if (key.name === 'return') return;
    if (this.o.onKey?.(ch, key, this.sel, this)) return;
    if (key.name === 'escape' || ch === 'q') {
      this.close();
      return this.done(null);
    }
    if (isEnter(key)) {
      if (this.items.length === 0) return;
      this.close();
      return this.done(this.sel);
    }
    if (ch === 'j' || key.name === 'down') this.sel = Math.min(this.items.length - 1, this.sel + 1);
    else if (ch === 'k' || key.name === 'up') this.sel = Math.max(0, this.sel - 1);
    else if (ch === 'g' || key.name === 'home') this.sel = 0;
    else if (ch === 'G' || key.name === 'end') this.sel = Math.max(0, this.items.length - 1);
    else return;
    this.draw();
  }
  wheel(d: number): void {
    this.sel = Math.max(0, Math.min(this.items.length - 1, this.sel + d));
    this.draw();
  }
  /** Closes with no result (for onKey handlers that start another dialog). */
  dismiss(): void {
    this.close();
  }
  override cancel(): void {
    if (this.closed) return;
    this.close();
    this.done(null);
  }
}

// ---- scrollable text (logs) ----

export class TextViewModal extends BaseModal {
  private offset: number;
  private lines: string[];
  private readonly tagged: boolean;
  constructor(
    host: ModalHost,
    title: string,
    lines: string[],
    private readonly onClose?: () => void,
    size: { width?: number; height?: number; atTop?: boolean; tagged?: boolean } = {},
  ) {
    super(host);
    this.lines = lines;
    this.tagged = size.tagged ?? false;
    const sw = host.screen.width as number;
    const sh = host.screen.height as number;
    const width = size.width ? Math.min(size.width, sw) : sw;
    const height = size.height ? Math.min(size.height, sh - 1) : sh - 1;
    this.element = frame(host, { label: title, width, height, top: size.atTop === false ? 'center' : 0 });
    this.offset = size.atTop === false ? 0 : Math.max(0, lines.length - this.rows());
    host.push(this);
    this.draw();
  }
  private rows(): number {
    return Math.max(1, (this.element.height as number) - 3);
  }
  setLines(lines: string[], follow: boolean): void {
    if (this.closed) return;
    const atEnd = this.offset >= Math.max(0, this.lines.length - this.rows());
    this.lines = lines;
    if (follow && atEnd) this.offset = Math.max(0, lines.length - this.rows());
    this.draw();
  }
  private draw() {
    const rows = this.rows();
    const inner = (this.element.width as number) - 4;
    this.offset = Math.max(0, Math.min(this.offset, Math.max(0, this.lines.length - rows)));
    const body = this.lines.slice(this.offset, this.offset + rows).map((l) => (this.tagged ? l : escTags(fit(l, inner).trimEnd())));
    while (body.length < rows) body.push('');
    const end = Math.min(this.lines.length, this.offset + rows);
    const pos = this.lines.length ? `lines ${this.offset + 1}-${end} of ${this.lines.length}` : 'empty';
    body.push(`{gray-fg}${pos} · j/k PgUp/PgDn g/G scroll · Esc/q close{/gray-fg}`);
    this.element.setContent(body.join('\n'));
    this.host.render();
  }
  handle(ch: string | undefined, key: Key): void {
    const rows = this.rows();
    if (key.name === 'escape' || ch === 'q' || ch === 'l' || ch === '?') {
      this.close();
      this.onClose?.();
      return;
    }
    if (ch === 'j' || key.name === 'down') this.offset++;
    else if (ch === 'k' || key.name === 'up') this.offset--;
    else if (key.name === 'pagedown' || key.name === 'space' || key.full === 'C-d' || key.full === 'C-f') this.offset += rows - 1;
    else if (key.name === 'pageup' || key.full === 'C-u' || key.full === 'C-b') this.offset -= rows - 1;
    else if (ch === 'g' || key.name === 'home') this.offset = 0;
    else if (ch === 'G' || key.name === 'end') this.offset = this.lines.length;
    else return;
    this.draw();
  }
  wheel(d: number): void {
    this.offset += d * 3;
    this.draw();
  }
  override cancel(): void {
    if (this.closed) return;
    this.close();
    this.onClose?.();
  }
}
