import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import type { PaneRow } from '../tmux/formats.js';
import type { Server } from '../tmux/server.js';
import type { SessionRecord } from '../session/types.js';
import type { SessionView, State } from './model.js';
import { lastOutputAt, matchPane, viewOf } from './model.js';
import { logWriterCommand } from '../session/logwriter.js';
import { logSettings } from '../session/rotation.js';
import { LogIndex } from '../session/logindex.js';
import { Collector } from './gc.js';
import { unstamped } from '../session/identity.js';
import { keepConversationCopy, syncConversation } from '../session/conversation.js';
import { cannotHibernate, hibernate } from '../session/hibernate.js';
import { formatAge } from '../util/duration.js';
import { Registry, type DamagedRecord } from '../session/registry.js';
import { STATE_ICON, summaryText } from './present.js';
import type { ExplainData } from './publish.js';
import { evaluate, initialMemory, type Memory } from './evaluate.js';
import { DEFAULT_NOTIFY_EVENTS, type NotifyConfig, type NotifyEvent } from '../config/types.js';

interface Tracked {
  memory: Memory;
  logSize: number;
  logMtime: number;
  screen: string | null;
  /** When the screen was last captured. */
  capturedAt: number;
  /** Last published values, to publish only changes. */
  published: { state: string; since: number; reason: string; explain: string; icon: string; window: string } | null;
  /** When the pane was first seen dead with no exit status (tmux may need a nudge to reap it). */
  deadNoStatusSince?: number;
  /** The last hook time seen: a new hook asks for a capture taken after it. */
  hookAt: string;
  /** The last pane title seen: a new one (Codex's spinner starting or stopping) asks for a capture too. */
  title?: string;
  /** Last notification: state and time (one per transition, never a storm). */
  notified: { state: string; at: number } | null;
  /** When each event was last announced: the same event again within NOTIFY_DEBOUNCE_MS is not. */
  announced: Map<string, number>;
  /** The pane's exit code is stored (`@amux_exit`) and its log writer closed: nothing more to do for the dead pane. */
  settled?: string;
  /** When a new log writer was last attached to the pane, while its writer is down (see `keepWriter`). */
  reattachAt?: number;
  /** The last conversation report seen on the pane (`@amux_conv`): a new one is copied to the record. */
  conv?: string;
  /** A hibernation under way (`pending`), or when one was last refused and why (retried a few seconds later). */
  hibernation?: { pending: boolean; at: number; why?: string };
  /** The pane this was learned from: a relaunch (resume, wake) gives the record a new pane, and a fresh start here. */
  paneId?: string;
}

/** How often a pane whose log writer is down gets a new one (it dies at once while the cause lasts). */
const REATTACH_EVERY_MS = 5000;

/** How often an idle agent that could not be hibernated is looked at again (its conversation may have been written since). */
const HIBERNATE_RETRY_MS = 5000;

/** One notification per session and event within this time (a flapping session is not a storm). */
export const NOTIFY_DEBOUNCE_MS = 30_000;

export interface MonitorOptions {
  socketLabel: string;
  /** Config lookup per project root, for notify settings and agent overrides. */
  notifyFor?: (project: string) => NotifyConfig | null;
  /** Config lookup per project root for `logs:` and `ttl:` (the monitor enforces the ttl, see gc.ts). */
  settingsFor?: (project: string) => { logs: { maxBytes: number; keep: number }; ttl: number } | null;
  /** The project's `hibernate:` setting (ms an agent may stay idle), null when none. */
  hibernateFor?: (project: string) => number | null;
  log?: (msg: string) => void;
  now?: () => number;
  /**
   * Nudges tmux to reap a dead pane's process. tmux 3.3a can miss a pane process's exit (it
   * stays a zombie and pane_dead_status stays empty) until some other child of the server exits;
   * `Server.reapChildren` (a plain client call, never over control mode) makes such a child.
   */
  reap?: () => void;
  /**
   * Receives, after each tick, what was just published: the amux panes (the snapshot file, see
   * snapshot.ts) and every record's view (the event API, see event-server.ts), read at `at`.
   */
  published?: (tick: PublishedTick) => void;
}

export interface PublishedTick {
  rows: PaneRow[];
  views: SessionView[];
  at: number;
  /** The registry as it was read for this tick (see Registry.stamp), and its damaged files. */
  registry: { stamp: string; damaged: DamagedRecord[] };
}

/**
 * The monitor's loop body. Each tick: one `list-panes -a` of the whole server; a stat of each
 * session's log (a syscall, no process); `capture-pane` only for panes whose output moved, whose
 * hook fired, or not seen for 15 s; the engine decides; changes are published as tmux user options
 * (pane: state, since, reason, evidence; window: icon; global: summary). All tmux traffic goes
 * over the one control-mode connection (a Server on the control engine), pipelined.
 */
export class Monitor {
  private tracked = new Map<string, Tracked>();
  private registry = new Registry();
  private summary: string | null = null;
  private first = true;
  private lastReap = 0;
  /** Time marks of each log (when its bytes were written: `transcript --since`). */
  private index = new LogIndex();
  /** Removes sessions past their `ttl:` (gc.ts). */
  private collector: Collector;
  constructor(
    private readonly server: Server,
    private readonly opts: MonitorOptions,
  ) {
    this.collector = new Collector(server, this.registry, { ttlFor: (project) => opts.settingsFor?.(project)?.ttl ?? null, log: opts.log });
    this.registry.watch();
  }

  /** Stops watching the registry folder (the daemon makes a new Monitor per control connection). */
  close(): void {
    this.registry.unwatch();
  }

  async tick(): Promise<{ sessions: number; live: number; captured: number; changed: number }> {
    const now = this.opts.now?.() ?? Date.now();
    const rows = await this.server.panes();
    // What this tick publishes is current: its rows carry this tick's heartbeat, not the last one.
    for (const r of rows) r.monitorTick = now;
    const byPane = new Map(rows.map((p) => [p.paneId, p]));
    const records = this.registry.listFor(this.opts.socketLabel);
    const live = new Set<string>();
    let needReap = false;
    const writes: Promise<unknown>[] = [];
    /** Log files of panes that died this tick whose writer is still there (ended in one scan, below). */
    const settling = new Set<string>();

    // Decide which panes to capture, then capture them all in one pipelined batch.
    const plan: { rec: SessionRecord; pane: PaneRow | null; t: Tracked; capture: boolean; outputAt: number | null; logAt: number | null }[] = [];
    for (const rec of records) {
      live.add(rec.id);
      const pane = matchPane(rec, byPane);
      let t = this.tracked.get(rec.id);
      if (t && pane && t.paneId !== undefined && t.paneId !== pane.paneId) t = undefined;
      if (!t) {
        t = { memory: initialMemory(rec, pane, now), logSize: -1, logMtime: 0, screen: null, capturedAt: 0, hookAt: '', published: null, notified: null, announced: new Map() };
        // After a restart, what was published stands: no false transition, no repeated notification.
        if (pane?.opts.state) t.notified = { state: pane.opts.state, at: now };
        this.tracked.set(rec.id, t);
      }
      if (pane) t.paneId = pane.paneId;
      let size = 0;
      let mtime = 0;
      let logThere = true;
      try {
        const st = statSync(rec.logFile);
        size = st.size;
        mtime = st.mtimeMs;
      } catch {
        logThere = false; // removed, or its folder is gone: a writer that runs writes where nobody reads
      }
      const moved = size !== t.logSize || mtime !== t.logMtime;
      if (moved && size > 0) this.index.observe(rec.logFile, size, now);
      t.logSize = size;
      t.logMtime = mtime;
      const logAt = size > 0 ? mtime : null;
      const outputAt = lastOutputAt(rec, pane, logAt);
      if (pane?.opts.conv && pane.opts.conv !== t.conv) {
        t.conv = pane.opts.conv;
        void syncConversation(this.registry, rec, pane.opts.conv).catch((e: Error) => this.opts.log?.(`conversation of ${rec.name}: ${e.message}`));
      }
      const hookMoved = !!pane && pane.opts.hookAt !== t.hookAt;
      if (pane) t.hookAt = pane.opts.hookAt;
      const titleMoved = !!pane && t.title !== undefined && pane.paneTitle !== t.title;
      if (pane) t.title = pane.paneTitle;
      const down = !!pane && !pane.paneDead && this.keepWriter(rec, pane, t, size, logThere, now, writes);
      // With no writer the log cannot say the screen moved: read the screen every tick.
      const capture = !!pane && !pane.paneDead && (moved || down || hookMoved || titleMoved || t.screen === null || now - t.capturedAt > 15_000);
      if (pane?.paneDead && pane.paneDeadStatus === null) {
        t.deadNoStatusSince ??= now;
        if (now - t.deadNoStatusSince > 800) needReap = true;
      }
      if (pane?.paneDead) this.settle(rec, pane, t, settling);
      plan.push({ rec, pane, t, capture, outputAt, logAt });
    }
    for (const id of this.tracked.keys()) if (!live.has(id)) this.tracked.delete(id);
    if (settling.size > 0) endWriters(settling);
    if (needReap && now - this.lastReap > 2000) {
      this.lastReap = now;
      this.opts.reap?.();
    }

    const captures = await Promise.all(
      plan.map((p) => (p.capture ? this.server.pane(p.pane!.paneId).capture({ joinWrapped: true }).catch(() => null) : Promise.resolve(null))),
    );

    let changed = 0;
    const states: State[] = [];
    plan.forEach((p, i) => {
      const screen = captures[i];
      if (typeof screen === 'string') {
        // The screen's lines without the newline that ends the last one.
        p.t.screen = screen.replace(/\n$/, '');
        p.t.capturedAt = now;
      }
      const d = evaluate(p.rec, p.pane, { screen: p.t.screen, capturedAt: p.t.capturedAt, outputAt: p.outputAt, now }, p.t.memory);
      p.t.memory = d.memory;
      if (d.state !== 'lost' && !p.rec.archived) states.push(d.state);
      // The snapshot carries what is being published now.
      if (p.pane) p.pane.opts = { ...p.pane.opts, state: d.state, stateSince: String(d.since), reason: d.reason };
      if (!p.pane) return;
      const explain: ExplainData = { state: d.state, since: d.since, rule: d.rule, reason: d.reason, signals: d.signals };
      const explainText = JSON.stringify(explain);
      const icon = STATE_ICON[d.state];
      const prev = p.t.published;
      const pane = this.server.pane(p.pane.paneId);
      if (!prev || prev.state !== d.state || prev.since !== d.since || prev.reason !== d.reason) {
        writes.push(pane.setOptions({ '@amux_state': d.state, '@amux_state_since': String(d.since), '@amux_reason': d.reason }));
        if (prev?.state !== d.state) changed++;
      }
      if (!prev || prev.explain !== explainText) writes.push(pane.setOption('@amux_explain', explainText));
      if (!prev || prev.icon !== icon || prev.window !== p.pane.windowId) {
        writes.push(this.server.window(p.pane.windowId).setOption('@amux_state_icon', icon));
      }
      p.t.published = { state: d.state, since: d.since, reason: d.reason, explain: explainText, icon, window: p.pane.windowId };
      // A turn ended: amux's copy of the conversation follows the agent's file (conversation.ts).
      if (prev?.state !== d.state && p.rec.conversation && (d.state === 'idle' || d.state === 'waiting' || d.state === 'exited')) keepConversationCopy(p.rec);
      this.maybeNotify(p.rec, p.pane, p.t, d.state, now);
      if (d.state === 'idle') this.maybeHibernate(p.rec, p.pane, p.t, d.since, now);
    });
    const summary = summaryText(states);
    if (summary !== this.summary) {
      writes.push(this.server.setGlobalOptions({ '@amux_summary': summary }));
      this.summary = summary;
    }
    // The heartbeat every reader weighs the published states by (model.ts), and after the first
    // publish the ready flag with this process's pid (a dead monitor's flag is not ours).
    writes.push(this.server.setGlobalOptions({ '@amux_daemon_tick': String(now), ...(this.first ? { '@amux_daemon_ready': String(process.pid) } : {}) }));
    this.first = false;
    await Promise.all(writes.map((w) => w.catch((e: Error) => this.opts.log?.(`publish failed: ${e.message}`))));
    const views = plan.map((p) => viewOf(p.rec, p.pane, p.logAt, now));
    this.collector.tick(views, now);
    this.opts.published?.({ rows: rows.filter((r) => !unstamped(r)), views, at: now, registry: this.registry.cached });
    return { sessions: plan.length, live: plan.filter((p) => p.pane && !p.pane.paneDead).length, captured: captures.filter((c) => c !== null).length, changed };
  }

  /**
   * Keeps a live pane's log writer going (logwriter.ts: it caps and rotates the log itself);
   * true when the pane has none (down). A writer whose log file is gone (removed, its folder replaced) is replaced: the new one writes
   * where readers look, or fails and leaves the pane without one. A pane whose writer died gets
   * a new one every REATTACH_EVERY_MS (while the cause lasts the new one dies at once too), said
   * in the monitor's log once.
   */
  private keepWriter(rec: SessionRecord, pane: PaneRow, t: Tracked, size: number, logThere: boolean, now: number, writes: Promise<unknown>[]): boolean {
    const fail = (e: Error) => this.opts.log?.(`log writer of ${rec.name}: ${e.message}`);
    const p = this.server.pane(pane.paneId);
    const logs = logSettings(this.opts.settingsFor?.(rec.project));
    if (pane.panePipe && logThere) {
      t.reattachAt = undefined;
      return false;
    }
    if (t.reattachAt !== undefined && now - t.reattachAt < REATTACH_EVERY_MS) return !pane.panePipe || !logThere;
    if (t.reattachAt === undefined) this.opts.log?.(`log writer of ${rec.name} is not ${pane.panePipe ? 'writing to' : 'running for'} ${rec.logFile}: attaching a new one`);
    t.reattachAt = now;
    const cmd = logWriterCommand(rec.logFile, logs.maxBytes, logs.keep);
    writes.push((pane.panePipe ? p.pipeAnew(cmd) : p.pipeIfNone(cmd)).catch(fail));
    return true;
  }

  /**
   * A dead pane, once: keeps its first exit code on the pane (`@amux_exit`: tmux 3.3a can later
   * report 0 for it) and closes its pipe, so its log writer reads EOF and exits (tmux keeps the
   * pipe of a remain-on-exit pane open until the pane goes).
   */
  private settle(rec: SessionRecord, pane: PaneRow, t: Tracked, settling: Set<string>): void {
    if (t.settled === pane.paneId) return;
    const known = pane.paneDeadStatus !== null || pane.paneDeadSignal !== null;
    if (!known && (t.deadNoStatusSince === undefined || (this.opts.now?.() ?? Date.now()) - t.deadNoStatusSince < 5000)) return;
    t.settled = pane.paneId;
    const p = this.server.pane(pane.paneId);
    if (pane.opts.exit === '' && pane.paneDeadStatus !== null && pane.paneDeadSignal === null) {
      pane.opts.exit = String(pane.paneDeadStatus);
      void p.setOption('@amux_exit', pane.opts.exit).catch((e: Error) => this.opts.log?.(`exit code of ${rec.name}: ${e.message}`));
    }
    // tmux refuses `pipe-pane` on a dead pane ("target pane has exited") and keeps the pipe open
    // while the pane stays: the writer never reads EOF. It is ended by its pid instead.
    if (pane.panePipe) settling.add(rec.logFile);
  }

  /**
   * The config's `hibernate:` (an agent idle that long is stopped, its conversation kept): once
   * per idle spell, never twice at once; a refusal (an agent amux cannot resume, a conversation
   * not written yet) is logged once per reason and looked at again every HIBERNATE_RETRY_MS.
   */
  private maybeHibernate(rec: SessionRecord, pane: PaneRow, t: Tracked, idleSince: number, now: number): void {
    const after = this.opts.hibernateFor?.(rec.project);
    if (!after || after <= 0 || now - idleSince < after || rec.hibernated) return;
    if (t.hibernation && (t.hibernation.pending || now - t.hibernation.at < HIBERNATE_RETRY_MS)) return;
    const why = cannotHibernate(rec);
    if (why !== null) {
      if (t.hibernation?.why !== why) this.opts.log?.(`not hibernating ${rec.name}: ${why}`);
      t.hibernation = { pending: false, at: now, why };
      return;
    }
    t.hibernation = { pending: true, at: now };
    const reason = `idle for ${formatAge(now - idleSince)} (hibernate: ${formatAge(after)} in the config)`;
    hibernate(this.server, rec, pane, reason, this.registry)
      .then(() => {
        t.hibernation = undefined;
        this.opts.log?.(`hibernated ${rec.name}: ${reason}`);
      })
      .catch((e: Error) => {
        this.opts.log?.(`not hibernating ${rec.name}: ${e.message}`);
        t.hibernation = { pending: false, at: now };
      });
  }

  private maybeNotify(rec: SessionRecord, pane: PaneRow, t: Tracked, state: State, now: number): void {
    const prev = t.notified;
    if (prev && prev.state === state) return;
    let events: NotifyEvent[] = [];
    if (state === 'exited') {
      // Which exit it was is known once tmux reports the status: wait for it (a few ticks at most).
      const code = /^\d+$/.test(pane.opts.exit) ? Number(pane.opts.exit) : pane.paneDeadStatus;
      const failed = pane.paneDeadSignal !== null ? true : code === null ? null : code !== 0;
      if (failed === null && prev && now - (t.deadNoStatusSince ?? now) < 5000) return;
      events = failed ? ['exited', 'failed'] : ['exited'];
    } else if (state === 'waiting' || state === 'idle' || state === 'stuck' || state === 'running') events = [state];
    t.notified = { state, at: now };
    if (!prev) return; // the first sight of a session is not a transition
    // Debounced: the same session and event again within NOTIFY_DEBOUNCE_MS is not announced.
    events = events.filter((ev) => {
      const last = t.announced.get(ev);
      if (last !== undefined && now - last < NOTIFY_DEBOUNCE_MS) return false;
      return true;
    });
    if (events.length === 0) return;
    const cfg = this.opts.notifyFor?.(rec.project);
    const commands = events.flatMap((ev) => cfg?.on[ev] ?? []);
    // The built-in notices: only the chosen events, never a plain command going quiet or busy
    // (a watcher or a shell flaps between running and idle all day).
    const generic = rec.detector === 'generic';
    const chosen = cfg?.events ?? DEFAULT_NOTIFY_EVENTS;
    const announce = events.filter((ev) => chosen.includes(ev) && !(generic && (ev === 'idle' || ev === 'running')));
    if (commands.length === 0 && announce.length === 0) return;
    for (const ev of events) t.announced.set(ev, now);
    const env = {
      ...process.env,
      AMUX_SESSION: rec.name,
      AMUX_SESSION_ID: rec.id,
      AMUX_STATE: state,
      AMUX_EVENT: events.join(','),
      AMUX_PREVIOUS_STATE: prev.state,
      AMUX_AGENT: rec.agent,
      AMUX_WORKSPACE: rec.workspace ?? '',
      AMUX_PROJECT: rec.project,
    };
    for (const cmd of commands) {
      // The user's own commands from their config: run by the shell, detached, output to the daemon log.
      const child = spawn('/bin/sh', ['-c', cmd], { env, stdio: 'ignore', detached: true, cwd: rec.project });
      child.on('error', (e) => this.opts.log?.(`notify command failed: ${e.message}`));
      child.unref();
    }
    if (announce.length === 0) return;
    const code = /^\d+$/.test(pane.opts.exit) ? pane.opts.exit : pane.paneDeadStatus;
    const text = announce.includes('failed') ? `amux: ${rec.name} failed (${pane.paneDeadSignal !== null ? `signal ${pane.paneDeadSignal}` : `exit code ${code}`})` : `amux: ${rec.name} is ${state}`;
    this.opts.log?.(`notify ${rec.name} ${announce.join(',')}: ${text}`);
    if (cfg?.displayMessage ?? true) {
      void this.displayOnClients(text);
    }
    if ((cfg?.desktop ?? true) && hasNotifySend()) {
      const child = spawn('notify-send', ['--app-name=amux', text, `${rec.agent}${rec.workspace ? ` in ${rec.workspace}` : ''}`], { stdio: 'ignore', detached: true });
      child.on('error', () => undefined);
      child.unref();
    }
  }

  private async displayOnClients(text: string): Promise<void> {
    try {
      for (const client of await this.server.listClients()) {
        if (!client.name || client.controlMode) continue;
        await this.server.displayMessage(client.name, text, 4000).catch(() => undefined);
      }
    } catch {
      /* no clients */
    }
  }
}

/**
 * Ends the log writers of these log files (panes that died): the processes holding one of the
 * files or its rotated `.1` as fd 3 (logwriter.ts), found in /proc in one scan for all of them
 * (on systems without /proc, none are found and the writers end with their pane).
 */
function endWriters(files: Set<string>): void {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const out = readlinkSync(`/proc/${e}/fd/3`).replace(/ \(deleted\)$/, '');
      if (files.has(out) || files.has(out.replace(/\.1$/, ''))) process.kill(Number(e), 'SIGTERM');
    } catch {
      /* gone, no fd 3, or not ours */
    }
  }
}

let notifySend: boolean | undefined;
function hasNotifySend(): boolean {
  if (notifySend === undefined) {
    try {
      execFileSync('sh', ['-c', 'command -v notify-send'], { stdio: 'ignore' });
      notifySend = true;
    } catch {
      notifySend = false;
    }
  }
  return notifySend;
}
