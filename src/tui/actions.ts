/**
 * The TUI's one-key actions that change things: send, new, stop, remove, rename, tag, archive,
 * logs, workspaces, hibernate, resume. Each goes through the same core functions as the CLI verbs.
 */
import type { AmuxConfig } from '../config/types.js';
import { isLive, isTerminal, type SessionView } from '../state/model.js';
import { archiveSession, removeSession, renameSession, sendPrompt, stopSession, tagSession } from '../core/sessions.js';
import { startSessions } from '../core/start.js';
import { createWorkspace, listWorkspaces, removalBlockers, removeWorkspace, type WorkspaceInfo } from '../core/workspaces.js';
import { lastLines, logSize } from '../session/logs.js';
import { missingProgram } from '../session/spec.js';
import { ChooseModal, TextViewModal, type ChooseItem } from './dialogs.js';
import type { TuiApp } from './app.js';

export class TuiActions {
  constructor(private readonly app: TuiApp) {}

  async run(ch: string): Promise<void> {
    switch (ch) {
      case 's':
        return this.send();
      case 'n':
        return this.newSession();
      case 'x':
        return this.stop();
      case 'd':
        return this.remove();
      case 'r':
        return this.rename();
      case 't':
        return this.tag();
      case 'a':
        return this.archive();
      case 'l':
        return this.logs();
      case 'T':
        return this.transcript();
      case 'i':
        return this.info();
      case 'w':
        return this.workspaces();
      case 'H':
        return this.hibernate();
      case 'u':
        return this.resume();
    }
  }

  /** H: an idle agent's process is stopped to free its memory; the session stays, and wakes on send, attach or u. */
  async hibernate(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    try {
      const { hibernateSession } = await import('../core/hibernate.js');
      const s = await hibernateSession(this.app.core, { session: v.record.id });
      this.app.flash(`${s.name} is ${s.state}: u, s or Enter wakes it`, 'ok');
    } catch (e) {
      this.app.flash((e as Error).message, 'error');
    }
    void this.app.refresh(true);
  }

  /** u: a lost or hibernated session is resumed in its conversation, an exited one restarted. */
  async resume(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    try {
      const { resumeSessions, restartSession } = await import('../core/resume.js');
      if (v.state === 'exited') {
        const r = await restartSession(this.app.core, { session: v.record.id });
        this.app.flash(`${v.record.name} restarted (${r.how})`, 'ok');
      } else if (v.state === 'lost' || v.state === 'hibernated') {
        const r = await resumeSessions(this.app.core, { sessions: [v.record.id] });
        const failed = r.failed[0];
        this.app.flash(failed ? failed.message : `${v.record.name} ${r.resumed[0]?.how ?? 'resumed'}`, failed ? 'error' : 'ok');
      } else {
        this.app.flash(`${v.record.name} is ${v.state}: u resumes lost or hibernated sessions and restarts exited ones`, 'error');
      }
    } catch (e) {
      this.app.flash((e as Error).message, 'error');
    }
    void this.app.refresh(true);
  }

  private selected(): SessionView | null {
    const v = this.app.selectedView();
    if (!v) this.app.flash('no session selected', 'error');
    return v;
  }

  private live(v: SessionView): boolean {
    if (v.pane && !v.pane.paneDead) return true;
    this.app.flash(`${v.record.name} is ${v.state}: it takes no input`, 'error');
    return false;
  }

  async send(): Promise<void> {
    const v = this.selected();
    if (!v || !this.live(v)) return;
    const text = await this.app.prompt(`send to ${v.record.name}`, 'Prompt (typed literally, then Enter):', '', `${v.record.name} is ${v.state} · Enter sends · Esc cancels`);
    if (text === null || text.trim() === '') return;
    // The same protocol as amux send: wait until it can take input, type, confirm the turn started.
    this.app.flash(`${v.record.name}: the prompt is sent once it is ready for input`);
    sendPrompt(this.app.core, { session: v.record.id, text, wait: false }).then(
      () => {
        this.app.flash(`sent to ${v.record.name}: ${text.length > 40 ? text.slice(0, 39) + '…' : text}`, 'ok');
        void this.app.refresh();
      },
      (e: Error) => this.app.flash(e.message, 'error'),
    );
  }

  async stop(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    if (isTerminal(v.state)) return this.app.flash(`${v.record.name} is already ${v.state} (d removes it)`, 'error');
    this.app.flash(`stopping ${v.record.name}…`);
    const r = await stopSession(this.app.core, { session: v.record.id, graceMs: 5000 });
    this.app.flash(`${r.session}: ${r.outcome}`, 'ok');
    void this.app.refresh();
  }

  async remove(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    const live = isLive(v.state);
    const ok = await this.app.confirm(
      `remove ${v.record.name}`,
      `Remove ${v.record.name}?${live ? ` It is ${v.state}: its tmux session is killed.` : ''} Its record and log are deleted${v.record.workspace ? `, and its workspace ${v.record.workspace} when nothing else needs it` : ''}.`,
    );
    if (!ok) return;
    const r = await removeSession(this.app.core, { session: v.record.id, force: true });
    const ws = r.workspace ? (r.workspace.removed ? ` and workspace ${r.workspace.name}` : `; kept workspace ${r.workspace.name}: ${r.workspace.reason}`) : '';
    this.app.flash(`removed ${r.session}${ws}`, 'ok');
    void this.app.refresh(true);
  }

  async rename(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    const name = await this.app.prompt(`rename ${v.record.name}`, 'New name (A-Z a-z 0-9 _ -):', v.record.name);
    if (name === null || name.trim() === '' || name.trim() === v.record.name) return;
    const s = await renameSession(this.app.core, { session: v.record.id, name: name.trim() });
    this.app.flash(`renamed ${v.record.name} → ${s.name}`, 'ok');
    void this.app.refresh(true);
  }

  async tag(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    const text = await this.app.prompt(`tags of ${v.record.name}`, 'Tags, separated by spaces (edit the list):', v.record.tags.join(' '));
    if (text === null) return;
    const wanted = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
    const remove = v.record.tags.filter((t) => !wanted.includes(t));
    const s = await tagSession(this.app.core, { session: v.record.id, add: wanted, remove });
    this.app.flash(`${s.name}: ${s.tags.length ? s.tags.join(' ') : 'no tags'}`, 'ok');
    void this.app.refresh(true);
  }

  async archive(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    const archived = !v.record.archived;
    await archiveSession(this.app.core, { session: v.record.id, archived });
    this.app.flash(
      archived ? `archived ${v.record.name}${this.app.showArchived ? '' : ' (hidden; A shows archived sessions)'}` : `unarchived ${v.record.name}`,
      'ok',
    );
    void this.app.refresh(true);
  }

  logs(): void {
    const v = this.selected();
    if (!v) return;
    const file = v.record.logFile;
    const read = () => lastLines(file, 5000, false);
    let size = logSize(file);
    const lines = read();
    let timer: NodeJS.Timeout | null = null;
    const modal = new TextViewModal(this.app, `logs: ${v.record.name} (amux logs ${v.record.name})`, lines.length ? lines : ['(the log is empty)'], () => {
      if (timer) clearInterval(timer);
    });
    // Follow the log while the view is open (only when it grew: one stat a second).
    timer = setInterval(() => {
      const now = logSize(file);
      if (now === size) return;
      size = now;
      modal.setLines(read(), true);
    }, 1000);
  }

  async transcript(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    const { readTranscript } = await import('../core/transcript.js');
    const { text } = await readTranscript(this.app.core, { session: v.record.id });
    const lines = text.replace(/\n$/, '').split('\n');
    new TextViewModal(this.app, `transcript: ${v.record.name} (amux transcript ${v.record.name})`, text ? lines : ['(nothing was written)'], () => undefined);
  }

  async info(): Promise<void> {
    const v = this.selected();
    if (!v) return;
    const { sessionInfo, infoRows } = await import('../core/organise.js');
    const rows = infoRows(await sessionInfo(this.app.core, { session: v.record.id }));
    new TextViewModal(this.app, `info: ${v.record.name} (amux info ${v.record.name})`, rows.map(([k, val]) => `${k.padEnd(12)} ${val}`), () => undefined);
  }

  // ---------------------------------------------------------------- workspaces

  private requireConfig(): AmuxConfig {
    const c = this.app.config.config;
    if (!c) throw new Error(this.app.config.error ? `config: ${this.app.config.error}` : (this.app.config.unavailable ?? 'no config loaded'));
    return c;
  }

  private wsItems(list: WorkspaceInfo[]): ChooseItem[] {
    return list.map((w) => ({
      label: w.name,
      detail: [
        w.branch,
        w.state !== 'ok' ? w.state : '',
        w.dirty ? 'modified' : '',
        w.ahead ? `${w.ahead} commit(s)` : '',
        `${w.sessions} session(s)`,
        w.path,
      ]
        .filter(Boolean)
        .join(' · '),
    }));
  }

  /**
   * The workspaces view: the same operations as `amux ws`, through the TUI's core context, whose
   * observer puts progress (copied files, setup output) on the status line, never on stderr.
   */
  async workspaces(): Promise<void> {
    const config = this.requireConfig();
    const core = this.app.core;
    this.app.flash('reading workspaces…');
    let list = (await listWorkspaces(core)).workspaces;
    const reload = async (modal: ChooseModal) => {
      list = (await listWorkspaces(core)).workspaces;
      modal.setItems(this.wsItems(list));
    };
    const busy = { on: false };
    const fail = (e: Error) => this.app.flash(e.message.split('\n')[0]!, 'error');
    this.app.flash(`${list.length} workspace(s)`);
    await new Promise<void>((resolve) => {
      new ChooseModal(
        this.app,
        {
          title: `workspaces of ${config.projectRoot}`,
          items: this.wsItems(list),
          hint: 'c create · d remove · Enter new session there · Esc/q close',
          onKey: (ch, _key, index, modal) => {
            if (busy.on && (ch === 'c' || ch === 'd')) return true;
            if (ch === 'c') {
              busy.on = true;
              void this.app
                .prompt('new workspace', 'Workspace name (a git worktree on branch amux/NAME):', '')
                .then(async (name) => {
                  if (!name?.trim()) return;
                  this.app.flash(`creating workspace ${name.trim()}…`);
                  const { workspace: ws, created } = await createWorkspace(core, { name: name.trim(), reuse: true });
                  await reload(modal);
                  this.app.flash(`workspace ${ws.name} ${created ? 'created' : 'exists'} at ${ws.path} (branch ${ws.branch})`, 'ok');
                })
                .catch(fail)
                .finally(() => (busy.on = false));
              return true;
            }
            if (ch === 'd') {
              const w = list[index];
              if (!w) return true;
              busy.on = true;
              const remove = async () => {
                const blockers = await removalBlockers(w);
                const text = blockers.length
                  ? `Workspace ${w.name} has ${blockers.join('; ')}. Remove it anyway (worktree and branch)?`
                  : `Remove workspace ${w.name} (its worktree at ${w.path} and its branch ${w.branch})?`;
                if (!(await this.app.confirm(`remove workspace ${w.name}`, text))) return;
                const res = await removeWorkspace(core, { name: w.name, force: blockers.length > 0 });
                const branch = res.deletedBranch ? `, branch ${res.branch} deleted` : res.keptBranch ? `, branch kept: ${res.keptBranch}` : '';
                await reload(modal);
                this.app.flash(`removed workspace ${w.name}${branch}${res.warnings.length ? ' · ' + res.warnings.join(' · ') : ''}`, 'ok');
              };
              void remove()
                .catch(fail)
                .finally(() => (busy.on = false));
              return true;
            }
            return false;
          },
        },
        (index) => {
          resolve();
          const w = index === null ? undefined : list[index];
          if (w) void this.newSession(w.name).catch(fail);
        },
      );
    });
  }

  // ---------------------------------------------------------------- new session

  async newSession(presetWorkspace?: string): Promise<void> {
    const config = this.requireConfig();
    const agents = this.app.config.agents();
    if (agents.length === 0) return this.app.flash('no agents in the config (see amux config show)', 'error');
    // Agents whose program is missing say so here, before the workspace and prompt steps.
    const { expandEnvironment } = await import('../config/load.js');
    const missing = agents.map((a) => missingProgram(a, config.projectRoot, expandEnvironment));
    const ai = await this.app.choose(
      'new session: agent',
      agents.map((a, i) => {
        const detail = a.description ?? (typeof a.command === 'string' ? a.command : a.command.join(' '));
        return { label: missing[i] ? `${a.id} (not installed)` : a.id, detail: missing[i] ? `${missing[i]} not found on PATH · ${detail}` : detail };
      }),
      'Enter picks · Esc cancels',
      Math.max(0, missing.findIndex((m) => m === null)),
    );
    if (ai === null) return;
    const agent = agents[ai]!;
    if (missing[ai]) return this.app.flash(`${agent.id} is not installed: "${missing[ai]}" is not on PATH (amux doctor lists the agents)`, 'error');

    let workspace: string | null = presetWorkspace ?? null;
    if (presetWorkspace === undefined) {
      let list: WorkspaceInfo[] = [];
      let git = true;
      try {
        list = (await listWorkspaces(this.app.core)).workspaces;
      } catch {
        git = false; // not a git project: the main checkout only
      }
      const items: ChooseItem[] = [{ label: '(main checkout)', detail: config.projectRoot }, ...list.map((w) => ({ label: w.name, detail: w.path }))];
      if (git) items.push({ label: '+ new workspace…', detail: 'a git worktree on branch amux/NAME' });
      const wi = await this.app.choose(`new ${agent.id} session: workspace`, items, 'Enter picks · Esc cancels');
      if (wi === null) return;
      if (wi === 0) workspace = null;
      else if (wi <= list.length) workspace = list[wi - 1]!.name;
      else {
        const name = await this.app.prompt('new workspace', 'Workspace name:', '');
        if (!name?.trim()) return;
        workspace = name.trim();
      }
    }
    if (workspace !== null) {
      this.app.flash(`preparing workspace ${workspace}…`);
      await createWorkspace(this.app.core, { name: workspace, reuse: true });
    }
    const prompt = await this.app.prompt(`new ${agent.id} session${workspace ? ' in ' + workspace : ''}`, 'First prompt (optional; Enter with nothing skips):', '');
    if (prompt === null) return;

    // The same operation as amux run (the workspace exists by now; the prompt goes the way of amux send).
    const res = await startSessions({ ...this.app.core, cwd: config.projectRoot }, { agents: [agent.id], workspace: workspace ?? undefined });
    if (res.failed.length > 0 || !res.started[0]) return this.app.flash(res.failed[0]?.message ?? 'the session did not start', 'error');
    const started = res.started[0];
    this.app.select(started.id);
    this.app.flash(`started ${started.name}`, 'ok');
    await this.app.refresh(true);
    if (prompt.trim()) {
      this.app.flash(`${started.name}: the prompt is sent once it is ready for input`);
      sendPrompt(this.app.core, { session: started.id, text: prompt, wait: false }).then(
        () => this.app.flash(`sent the first prompt to ${started.name}`, 'ok'),
        (e: Error) => this.app.flash(e.message, 'error'),
      );
    }
  }
}
