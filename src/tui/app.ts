/**
 * `amux tui`: the dashboard. A sessions table (waiting and stuck first), a live preview of the
 * selected session's screen with its colours, and one-key actions.
 *
 * Reading tmux: one whole-server `list-panes -a` per tick (at most once a second, plus right
 * after an action), joined with the registry (re-read only when its folder changes), and one
 * `capture-pane -e` of the selected pane for the preview. Never one call per session. The state
 * shown is what the monitor daemon published; the TUI never computes it.
 */
import { writeFileSync } from 'node:fs';
import type { Widgets } from 'blessed';
import type { Server } from '../tmux/server.js';
import type { PaneRow } from '../tmux/formats.js';
import { AmuxError } from '../util/errors.js';
import type { SessionRecord } from '../session/types.js';
import type { Registry } from '../session/registry.js';
import { buildViews, isLive, type SessionView } from '../state/model.js';
import { summaryText, STATE_ICON } from '../state/present.js';
import { approveKeys, rejectKeys } from '../agents/index.js';
import { HELP_LINES } from './keys.js';
import { createScreen, type Blessed } from './blessed.js';
import { columnsFor, displayWidth, escTags, fit, headerLine, noColor, previewWindow, rowLine, scrollLabel, stateWord, topLine } from './format.js';
import { buildRows, firstSession, indexOfSession, lastSession, moveSelection, type Row } from './model.js';
import { ChooseModal, ConfirmModal, PromptModal, TextViewModal, type Key, type Modal, type ModalHost } from './dialogs.js';
import { ConfigWatch } from './config.js';
import type { TuiActions } from './actions.js';
import type { CoreContext } from '../core/context.js';
import { attachView, previewText, readPanes, sendKeys } from '../core/sessions.js';

export interface TuiOptions {
  /** The core context: every action goes through the same operations as the CLI. */
  ctx: CoreContext;
  /** Project folder for the config (agents for `n`, workspaces for `w`); default: the cwd. */
  cwd?: string;
  /** Tick interval of the whole-server read (ms). Default 1000. */
  tickMs?: number;
}

/** Runs the TUI until the user quits. Resolves to the exit code. */
export async function runTui(opts: TuiOptions): Promise<number> {
  const app = new TuiApp(opts);
  return app.run();
}


type Level = 'info' | 'ok' | 'error';

export class TuiApp implements ModalHost {
  readonly server: Server;
  readonly registry: Registry;
  readonly core: CoreContext;
  blessed!: Blessed;
  screen!: Widgets.Screen;
  private header!: Widgets.BoxElement;
  private colhead!: Widgets.BoxElement;
  private table!: Widgets.BoxElement;
  private sep!: Widgets.BoxElement;
  private preview!: Widgets.BoxElement;
  private footer!: Widgets.BoxElement;
  private welcome!: Widgets.BoxElement;

  views: SessionView[] = [];
  rows: Row[] = [];
  private sel = -1;
  private selId: string | null = null;
  private scroll = 0;
  filter = '';
  showArchived = false;
  grouped = false;
  private loaded = false;
  serverDown = false;
  private tmuxError: string | null = null;

  private previewOffset = 0;
  private previewDone = '';
  private previewAt = 0;
  private previewBusy = false;
  private previewAgain = false;

  private forceRecords = false;
  private refreshing = false;
  private refreshAgain = false;

  private status: { text: string; level: Level; at: number } | null = null;
  private modals: Modal[] = [];
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private finish!: (code: number) => void;
  private lastClick = { id: '', at: 0 };
  private tableH = 3;
  readonly tickMs: number;
  readonly cwd: string;
  config: ConfigWatch;
  private actions: TuiActions | null = null;
  private stats: { file: string; samples: number[] } | null = null;

  constructor(opts: TuiOptions) {
    // Operations read the config the TUI shows (reloaded when the file changes).
    // Progress goes to the status line: stderr would land on the screen.
    this.core = {
      ...opts.ctx,
      config: async () => this.config.config ?? opts.ctx.config(),
      observer: { progress: (m) => this.flash(m), warn: (m) => this.flash(m, 'error') },
    };
    this.server = opts.ctx.server;
    this.registry = opts.ctx.registry;
    this.registry.watch(); // stamped every tick: read whole only after a change
    this.tickMs = opts.tickMs ?? 1000;
    this.cwd = opts.cwd ?? process.cwd();
    this.config = new ConfigWatch(this.cwd, (initial) => this.onConfigChange(initial));
    if (process.env.AMUX_TUI_STATS) this.stats = { file: process.env.AMUX_TUI_STATS, samples: [] };
  }

  async run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finish = resolve));
    this.build();
    this.layout();
    this.render();
    await this.refresh();
    this.timers.push(setInterval(() => void this.refresh(), this.tickMs));
    // The monitor publishes the states; make sure it runs (cheap when it does).
    const daemon = async () => {
      if (this.serverDown || this.closed) return;
      try {
        const { ensureDaemon } = await import('../state/daemon-client.js');
        await ensureDaemon(this.server.socket);
      } catch {
        /* states then show as published last, or "running" */
      }
    };
    void daemon();
    this.timers.push(setInterval(() => void daemon(), 15_000));
    void this.config.start();
    return done;
  }

  // ---------------------------------------------------------------- building

  private build(): void {
    const { blessed, screen } = createScreen({ title: 'amux' });
    this.blessed = blessed;
    this.screen = screen;
    const box = (o: Widgets.BoxOptions) => blessed.box({ parent: screen, tags: true, wrap: false, ...o } as Widgets.BoxOptions);
    // NO_COLOR: the header stands out by inverse video instead (createScreen drops every colour).
    this.header = box({ top: 0, left: 0, width: '100%', height: 1, style: noColor() ? { inverse: true } : { fg: 'black', bg: 'cyan' } });
    this.colhead = box({ top: 1, left: 0, width: '100%', height: 1, style: { bold: true } });
    this.table = box({ top: 2, left: 0, width: '100%', height: 3 });
    this.sep = box({ top: 5, left: 0, width: '100%', height: 1, style: { fg: 'cyan' } });
    this.preview = blessed.box({ parent: screen, top: 6, left: 0, width: '100%', height: 10, tags: false, wrap: false } as Widgets.BoxOptions);
    this.footer = box({ bottom: 0, left: 0, width: '100%', height: 1 });
    this.welcome = box({ top: 1, left: 0, width: '100%', height: '100%-2', hidden: true });

    this.table.on('click', (data: { y: number }) => this.onTableClick(data.y));
    this.table.on('wheeldown', () => this.move(1));
    this.table.on('wheelup', () => this.move(-1));
    this.preview.on('wheelup', () => this.scrollPreview(3));
    this.preview.on('wheeldown', () => this.scrollPreview(-3));
    const modalWheel = (d: number) => () => this.modals[this.modals.length - 1]?.wheel?.(d);
    screen.on('wheeldown', modalWheel(1));
    screen.on('wheelup', modalWheel(-1));

    screen.on('keypress', (ch: string | undefined, key: Key) => this.onKey(ch, key ?? {}));
    screen.on('resize', () => {
      this.layout();
      this.render();
      this.requestPreview();
    });
    process.once('SIGTERM', () => this.quit(0));
    // The terminal is gone: nothing can be drawn or restored (Node itself aborts when it tries to
    // reset a hung-up tty at exit), so stop the timers and die of the signal, as programs do.
    process.once('SIGHUP', () => {
      this.closed = true;
      for (const t of this.timers) clearInterval(t);
      process.kill(process.pid, 'SIGHUP');
    });
    process.on('uncaughtException', this.onCrash);
    process.on('unhandledRejection', this.onCrash);
    screen.program.hideCursor();
  }

  private readonly onCrash = (e: unknown) => this.crash(e);

  private crash(e: unknown): void {
    if (this.closed) return;
    this.closed = true;
    process.off('uncaughtException', this.onCrash);
    process.off('unhandledRejection', this.onCrash);
    for (const t of this.timers) clearInterval(t);
    try {
      this.screen.destroy();
    } catch {
      /* already gone */
    }
    process.stderr.write(`amux tui: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    this.finish?.(1);
  }

  quit(code: number): void {
    if (this.closed) return;
    this.closed = true;
    process.off('uncaughtException', this.onCrash);
    process.off('unhandledRejection', this.onCrash);
    for (const t of this.timers) clearInterval(t);
    void this.config.close();
    for (const m of [...this.modals].reverse()) m.cancel();
    if (this.stats) {
      try {
        writeFileSync(this.stats.file, JSON.stringify({ keyToRenderMs: this.stats.samples }));
      } catch {
        /* best effort */
      }
    }
    try {
      this.screen.destroy();
    } catch {
      /* already gone */
    }
    this.finish(code);
  }

  // ---------------------------------------------------------------- layout & rendering

  private get width(): number {
    return this.screen.width as number;
  }
  private get height(): number {
    return this.screen.height as number;
  }

  private layout(): void {
    const H = this.height;
    const body = Math.max(4, H - 4); // header, column titles, separator, footer
    const want = Math.max(3, this.rows.length || 1);
    this.tableH = Math.max(2, Math.min(want, Math.max(3, Math.floor(body * 0.45))));
    this.table.top = 2;
    this.table.height = this.tableH;
    this.sep.top = 2 + this.tableH;
    this.preview.top = 3 + this.tableH;
    this.preview.height = Math.max(1, H - 4 - this.tableH);
  }

  private previewHeight(): number {
    return Math.max(1, this.height - 4 - this.tableH);
  }

  render(): void {
    if (this.closed) return;
    const now = Date.now();
    const empty = this.loaded && this.views.length === 0;
    this.header.setContent(this.headerText());
    this.footer.setContent(this.footerText(now));
    for (const el of [this.colhead, this.table, this.sep, this.preview]) el.hidden = empty;
    this.welcome.hidden = !empty;
    if (empty) this.welcome.setContent(this.welcomeText());
    else {
      const cols = columnsFor(this.width);
      this.colhead.setContent(escTags(fit(headerLine(cols), this.width)));
      this.table.setContent(this.tableText(cols, now));
      this.sep.setContent(this.sepText());
    }
    this.screen.render();
  }

  private headerText(): string {
    const visible = this.views.filter((v) => this.showArchived || !v.record.archived);
    const summary = summaryText(visible.map((v) => v.state));
    const left = ` amux · ${visible.length} session${visible.length === 1 ? '' : 's'}${summary ? ' · ' + summary : ''}`;
    const flags = [this.filter ? `filter: ${this.filter}` : '', this.grouped ? 'grouped' : '', this.showArchived ? 'archived shown' : ''].filter(Boolean).join(' · ');
    const w = this.width;
    let line: string;
    if (this.serverDown || this.tmuxError) {
      const right = this.serverDown ? `tmux server not running (${this.server.label}) ` : `tmux: ${this.tmuxError} `;
      const r = fit(right, Math.min(displayWidth(right), Math.floor(w / 2)));
      line = fit(left, Math.max(0, w - displayWidth(r))) + r;
    } else line = topLine(left, flags, this.server.label, w);
    const text = escTags(line);
    return this.serverDown || this.tmuxError ? `{red-bg}{white-fg}${text}{/white-fg}{/red-bg}` : text;
  }

  private footerText(now: number): string {
    const w = this.width;
    if (this.status && now - this.status.at < 6000) {
      const color = this.status.level === 'error' ? 'red' : this.status.level === 'ok' ? 'green' : 'cyan';
      return `{${color}-fg}${escTags(fit(' ' + this.status.text, w))}{/${color}-fg}`;
    }
    if (this.config.error) return `{red-fg}${escTags(fit(' config: ' + this.config.error, w))}{/red-fg}`;
    const v = this.selectedView();
    // A waiting session's answers come first: the deliberate keys, never Esc.
    const answers = v?.state === 'waiting' ? `y yes  N no  1-9 option · ${v.record.name} waits  ` : '';
    const hints = `${answers}⏎ attach  s send  n new  x stop  d rm  r rename  t tag  a archive  w ws  l logs  / filter  ? help  q quit`;
    return `{gray-fg}${escTags(fit(' ' + hints, w))}{/gray-fg}`;
  }

  private welcomeText(): string {
    const lines = [
      '',
      '  {bold}Welcome to amux.{/bold}',
      '',
      `  No sessions on this tmux server (${escTags(this.server.label)}) yet.`,
      '',
      '  Start an agent:            {bold}amux run claude{/bold}     (or press {bold}n{/bold} here)',
      "  Run any command:           {bold}amux run -c 'npm test -- --watch'{/bold}",
      '  See it work, no API key:   {bold}amux demo{/bold}',
      '',
      '  Sessions appear here as soon as they start, waiting and stuck ones first.',
      '  Press {bold}?{/bold} for the keys, {bold}q{/bold} to quit.',
    ];
    if (this.serverDown) lines.splice(3, 1, `  The tmux server (${escTags(this.server.label)}) is not running.`);
    return lines.join('\n');
  }

  private sepText(): string {
    const v = this.selectedView();
    const w = this.width;
    let title = '';
    if (v) {
      title = ` ${v.record.name} · ${v.record.agent}${v.record.workspace ? ' · ' + v.record.workspace : ''} · ${STATE_ICON[v.state]} ${stateWord(v)}`;
      if (this.previewOffset > 0) title += ` · scrolled back ${this.previewOffset} lines (End: live)`;
      if (isLive(v.state) && v.reason) title += ` · ${v.reason}`;
      title += ' ';
    }
    const head = '──' + title;
    // Where the table is scrolled to, at the right end, when it does not show every row.
    const pos = scrollLabel(this.scroll, this.tableH, this.rows.length);
    const tail = pos ? ` ${pos} ──` : '';
    const room = w - displayWidth(tail);
    if (tail && room >= 10) {
      const h = displayWidth(head) >= room ? fit(head, room) : head + '─'.repeat(room - displayWidth(head));
      return escTags(h + tail);
    }
    return escTags(displayWidth(head) >= w ? fit(head, w) : head + '─'.repeat(w - displayWidth(head)));
  }

  private tableText(cols: ReturnType<typeof columnsFor>, now: number): string {
    const h = this.tableH;
    if (this.rows.length === 0) {
      return this.filter ? `  {yellow-fg}no sessions match “${escTags(this.filter)}” — / to change it, Esc to clear{/yellow-fg}` : '  {gray-fg}loading…{/gray-fg}';
    }
    if (this.sel >= 0) {
      if (this.sel < this.scroll) this.scroll = this.sel;
      if (this.sel >= this.scroll + h) this.scroll = this.sel - h + 1;
    }
    this.scroll = Math.max(0, Math.min(this.scroll, Math.max(0, this.rows.length - h)));
    const out: string[] = [];
    for (let i = this.scroll; i < Math.min(this.rows.length, this.scroll + h); i++) {
      const r = this.rows[i]!;
      if (r.kind === 'group') out.push(`{bold}{cyan-fg}${escTags(fit(`▾ ${r.label} (${r.count})`, this.width))}{/cyan-fg}{/bold}`);
      else out.push(rowLine(r.view, cols, now, i === this.sel, r.depth));
    }
    return out.join('\n');
  }

  // ---------------------------------------------------------------- data

  /** The monitor's published snapshot when fresh (no process at all), else one tmux read. */
  private async readPanes(records: SessionRecord[]): Promise<PaneRow[]> {
    try {
      const { panes } = await readPanes(this.core, records);
      this.serverDown = false;
      this.tmuxError = null;
      return panes;
    } catch (e) {
      if (e instanceof AmuxError && e.code === 'no_server') {
        this.serverDown = true;
        this.tmuxError = null;
      } else this.tmuxError = (e as Error).message.split('\n')[0] ?? 'error';
      return [];
    }
  }

  /** One whole-server read, then a redraw and the preview of the selection. Coalesces callers. */
  async refresh(forceRecords = false): Promise<void> {
    if (this.closed) return;
    if (forceRecords) this.forceRecords = true;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        const records = this.registry.listFor(this.server.label, this.forceRecords);
        this.forceRecords = false;
        const panes = await this.readPanes(records);
        if (this.closed) return;
        this.views = buildViews(records, panes);
        this.loaded = true;
        this.rebuildRows();
        this.render();
        this.requestPreview(false);
      } while (this.refreshAgain && !this.closed);
    } finally {
      this.refreshing = false;
    }
  }

  private rebuildRows(): void {
    const before = this.rows.length;
    this.rows = buildRows(this.views, { filter: this.filter, showArchived: this.showArchived, grouped: this.grouped });
    let i = indexOfSession(this.rows, this.selId);
    if (i < 0) {
      // The selected session went away (removed, archived, filtered): keep the position.
      i = this.sel >= 0 ? moveSelection(this.rows, Math.min(this.sel, this.rows.length - 1), 0) : firstSession(this.rows);
      if (i >= 0 && this.rows[i]?.kind !== 'session') i = firstSession(this.rows);
    }
    this.setSel(i);
    if (before !== this.rows.length) this.layout();
  }

  private setSel(i: number): void {
    this.sel = i;
    const row = i >= 0 ? this.rows[i] : undefined;
    const id = row && row.kind === 'session' ? row.view.record.id : null;
    if (id !== this.selId) {
      this.selId = id;
      this.previewOffset = 0;
    }
  }

  /** Selects a session by id (it may appear only with the next refresh). */
  select(id: string): void {
    this.selId = id;
    this.previewOffset = 0;
    const i = indexOfSession(this.rows, id);
    if (i >= 0) this.sel = i;
  }

  selectedView(): SessionView | null {
    const r = this.sel >= 0 ? this.rows[this.sel] : undefined;
    return r && r.kind === 'session' ? r.view : null;
  }

  /** What the preview depends on: when none of it moved, the pane's screen has not changed. */
  private previewKey(v: SessionView | null): string {
    if (!v) return '';
    const p = v.pane;
    return [v.record.id, p?.paneId, p?.paneDead, p?.windowActivity, v.lastOutputAt, this.previewOffset, this.previewHeight(), this.width].join('|');
  }

  /**
   * Captures the selected pane for the preview (one capture-pane); coalesces bursts. Unforced
   * (the tick), it captures only when the pane wrote something since the last capture (its log
   * grew) or every 5 s, so an idle dashboard costs one list-panes a second.
   */
  requestPreview(force = true): void {
    if (!force && !this.previewBusy) {
      const key = this.previewKey(this.selectedView());
      if (key === this.previewDone && Date.now() - this.previewAt < 5000) return;
    }
    if (this.previewBusy) {
      this.previewAgain = true;
      return;
    }
    this.previewBusy = true;
    void this.capturePreview().finally(() => {
      this.previewBusy = false;
      if (this.previewAgain && !this.closed) {
        this.previewAgain = false;
        this.requestPreview();
      }
    });
  }

  private async capturePreview(): Promise<void> {
    const v = this.selectedView();
    const H = this.previewHeight();
    const W = this.width;
    if (!v) {
      if (!this.closed) this.preview.setContent('');
      return;
    }
    if (!v.pane) {
      this.preview.setContent(
        v.state === 'hibernated'
          ? `\n  ${v.record.name} is hibernated: its process was stopped to free memory.\n  Enter wakes it in its conversation${v.record.conversation ? ` (${v.record.conversation.id})` : ''}; s sends it a prompt.`
          : `\n  ${v.record.name} is lost: tmux no longer has its pane.\n  Enter resumes it (amux resume); amux logs ${v.record.name} shows what it wrote; d removes it.`,
      );
      this.render();
      return;
    }
    const id = v.record.id;
    const offset = this.previewOffset;
    const key = this.previewKey(v);
    let text: string;
    try {
      // A dead pane: what it printed, from the whole history (its screen is mostly empty).
      text = await previewText(this.core, v.pane, offset + H);
    } catch (e) {
      if (e instanceof AmuxError && (e.code === 'not_found' || e.code === 'no_server')) return;
      text = `(capture failed: ${(e as Error).message})`;
    }
    if (this.closed || this.selId !== id || this.previewOffset !== offset) {
      if (!this.closed) this.previewAgain = true;
      return;
    }
    const win = previewWindow(text, H, offset, W, v.pane.paneDead ? undefined : v.pane.paneHeight || undefined);
    this.previewOffset = win.offset;
    this.previewDone = key;
    this.previewAt = Date.now();
    this.preview.setContent(win.lines.join('\n'));
    this.sep.setContent(this.sepText());
    this.screen.render();
  }

  private scrollPreview(delta: number): void {
    const v = this.selectedView();
    if (!v || this.modals.length) return;
    this.previewOffset = Math.max(0, this.previewOffset + delta);
    this.sep.setContent(this.sepText());
    this.screen.render();
    this.requestPreview();
  }

  // ---------------------------------------------------------------- messages

  flash(text: string, level: Level = 'info'): void {
    this.status = { text, level, at: Date.now() };
    if (!this.closed) {
      this.footer.setContent(this.footerText(Date.now()));
      this.screen.render();
    }
  }

  private onConfigChange(initial: boolean): void {
    if (initial) {
      if (this.config.error) this.flash(`config: ${this.config.error}`, 'error');
      return;
    }
    if (this.config.error) this.flash(`config: ${this.config.error} (keeping the last good config)`, 'error');
    else this.flash(`config reloaded: ${this.config.agentIds().length} agents`, 'ok');
  }

  // ---------------------------------------------------------------- modal host

  push(m: Modal): void {
    this.modals.push(m);
  }
  pop(m: Modal): void {
    this.modals = this.modals.filter((x) => x !== m);
  }

  prompt(title: string, label: string, initial = '', hint?: string, onChange?: (t: string) => void): Promise<string | null> {
    return new Promise((resolve) => new PromptModal(this, { title, label, initial, hint, onChange }, resolve));
  }
  confirm(title: string, text: string): Promise<boolean> {
    return new Promise((resolve) => new ConfirmModal(this, title, text, resolve));
  }
  choose(title: string, items: { label: string; detail?: string }[], hint?: string, selected = 0): Promise<number | null> {
    return new Promise((resolve) => new ChooseModal(this, { title, items, hint, selected }, resolve));
  }

  // ---------------------------------------------------------------- input

  private onKey(ch: string | undefined, key: Key): void {
    if (this.closed) return;
    // blessed reports Enter twice (as `enter`, then `return`): act on `enter` only.
    if (key.name === 'return') return;
    const t0 = performance.now();
    if (key.full === 'C-c') return this.quit(0);
    const top = this.modals[this.modals.length - 1];
    if (top) {
      top.handle(ch, key);
    } else {
      this.mainKey(ch, key);
    }
    if (this.stats) this.stats.samples.push(performance.now() - t0);
  }

  private mainKey(ch: string | undefined, key: Key): void {
    const name = key.name;
    switch (true) {
      case ch === 'q':
        return this.quit(0);
      case ch === 'j' || name === 'down':
        return this.move(1);
      case ch === 'k' || name === 'up':
        return this.move(-1);
      case ch === 'g' || name === 'home':
        return this.jump(firstSession(this.rows));
      case ch === 'G':
        return this.jump(lastSession(this.rows));
      case name === 'end':
        this.previewOffset = 0;
        return this.scrollPreview(0);
      case name === 'pageup' || key.full === 'C-u':
        return this.scrollPreview(Math.max(1, Math.floor(this.previewHeight() / 2)));
      case name === 'pagedown' || key.full === 'C-d':
        return this.scrollPreview(-Math.max(1, Math.floor(this.previewHeight() / 2)));
      case name === 'enter' || name === 'linefeed':
        return void this.attach();
      case ch === '?':
        return void new TextViewModal(this, 'amux keys — Esc, ? or q closes', HELP_LINES, undefined, { width: 84, height: HELP_LINES.length + 3, atTop: false, tagged: true });
      case ch === '/':
        return void this.editFilter();
      case name === 'escape':
        return void this.escape();
      case ch === 'y':
        return void this.answer('yes');
      case ch === 'N':
        return void this.answer('no');
      case ch !== undefined && /^[1-9]$/.test(ch):
        return void this.answer(ch!);
      case ch === 'v':
        this.grouped = !this.grouped;
        this.rebuildRows();
        this.layout();
        this.render();
        return this.flash(this.grouped ? 'grouped by workspace (v: ungroup)' : 'not grouped');
      case ch === 'A':
        this.showArchived = !this.showArchived;
        this.rebuildRows();
        this.layout();
        this.render();
        return this.flash(this.showArchived ? 'archived sessions shown (A hides them)' : 'archived sessions hidden');
      case ch === 'R' || key.full === 'C-l':
        this.screen.realloc();
        return void this.refresh(true);
      default:
        if (ch && 'snxdrtawlTiHu'.includes(ch)) return void this.action(ch);
    }
  }

  private move(delta: number): void {
    if (this.modals.length) return;
    const i = moveSelection(this.rows, this.sel, delta);
    this.jump(i);
  }

  private jump(i: number): void {
    if (i < 0) return;
    const changed = i !== this.sel;
    this.setSel(i);
    if (!changed) return;
    const cols = columnsFor(this.width);
    this.table.setContent(this.tableText(cols, Date.now()));
    this.sep.setContent(this.sepText());
    this.screen.render();
    this.requestPreview();
  }

  private onTableClick(y: number): void {
    if (this.modals.length) return;
    const row = y - (this.table.atop as number) + this.scroll;
    const r = this.rows[row];
    if (!r || r.kind !== 'session') return;
    const id = r.view.record.id;
    const now = Date.now();
    if (this.selId === id && this.lastClick.id === id && now - this.lastClick.at < 600) {
      this.lastClick = { id: '', at: 0 };
      void this.attach();
      return;
    }
    this.lastClick = { id, at: now };
    this.jump(row);
  }

  private async editFilter(): Promise<void> {
    const before = this.filter;
    const apply = (t: string) => {
      this.filter = t.trim();
      this.rebuildRows();
      this.layout();
      this.render();
      this.requestPreview();
    };
    const r = await this.prompt('filter', 'Show sessions matching (name, agent, workspace, state, #tag):', this.filter, 'Enter keeps it · Esc restores · empty clears', apply);
    apply(r === null ? before : r);
  }

  /** Esc only clears the filter: it never sends anything to an agent (rejecting a dialog is N). */
  private async escape(): Promise<void> {
    if (this.filter) {
      this.filter = '';
      this.rebuildRows();
      this.layout();
      this.render();
      this.requestPreview();
      return this.flash('filter cleared');
    }
  }

  private async answer(what: string): Promise<void> {
    const v = this.selectedView();
    if (!v) return;
    if (v.state !== 'waiting') return this.flash(`${v.record.name} is ${v.state}, not waiting for an answer (Enter attaches)`, 'error');
    const keys = what === 'yes' ? [...approveKeys(v.record.detector)] : what === 'no' ? [...rejectKeys(v.record.detector)] : [what];
    return this.sendKeysTo(v, keys, keys.join(' '));
  }

  private async sendKeysTo(v: SessionView, keys: string[], shown: string): Promise<void> {
    try {
      await sendKeys(this.core, { session: v.record.id, keys });
      this.flash(`sent ${shown} to ${v.record.name}`, 'ok');
    } catch (e) {
      this.flash(`${v.record.name}: ${(e as Error).message}`, 'error');
    }
    void this.refresh();
  }

  /** The heavier actions live in actions.ts (loaded on first use). */
  private async action(ch: string): Promise<void> {
    try {
      if (!this.actions) {
        const { TuiActions } = await import('./actions.js');
        this.actions = new TuiActions(this);
      }
      await this.actions.run(ch);
    } catch (e) {
      this.flash((e as Error).message, 'error');
    }
  }

  // ---------------------------------------------------------------- attach

  async attach(): Promise<void> {
    const v = this.selectedView();
    if (!v) return;
    try {
      if (v.state === 'lost') {
        // Enter on a lost session resumes it in its conversation (refused, with why, when it cannot be).
        this.flash(`resuming ${v.record.name}…`, 'ok');
        const { resumeSessions } = await import('../core/resume.js');
        const r = await resumeSessions(this.core, { sessions: [v.record.id] });
        if (r.failed.length) return this.flash(`${r.failed[0]!.message}${r.failed[0]!.hint ? ` (${r.failed[0]!.hint})` : ''}`, 'error');
        return this.flash(`resumed ${v.record.name}: Enter attaches`, 'ok');
      }
      if (v.state === 'hibernated') this.flash(`waking ${v.record.name}…`, 'ok');
      const r = await attachView(this.core, v, {
        // blessed leaves its screen for the client and restores it after.
        handOver: (client) => new Promise((resolve) => this.screen.exec(client.file, client.args, { env: client.env }, (_err: unknown, ok?: boolean) => resolve(ok ? 0 : 1))),
      });
      if (r.how === 'switched') {
        this.flash(`switched to ${v.record.name} — come back with prefix + L (last session)`, 'ok');
        return;
      }
      if (r.how === 'attached') {
        this.screen.program.hideCursor();
        this.screen.realloc();
      }
      this.flash(`back from ${v.record.name}`, 'ok');
    } catch (e) {
      this.flash(`attach ${v.record.name}: ${(e as Error).message.split('\n')[0]}`, 'error');
    } finally {
      void this.refresh();
    }
  }
}

