import { execTmux, socketArgs, type SocketChoice, type ExecOptions, describeSocket, socketLabel } from './exec.js';
import { PANE_FORMAT, parsePaneRows, type PaneRow } from './formats.js';
import { TmuxError, TmuxObjectNotFoundError, ServerNotRunningError, isNoObject } from './errors.js';
import { exactSession } from './names.js';

/**
 * The typed tmux object model: Server → Session → Window → Pane, each knowing its tmux id.
 * This module and its siblings are the only places that know tmux's argv; every call that
 * targets an object passes `-t <id>` itself.
 */
export class Server {
  readonly socket: SocketChoice;
  constructor(socket: SocketChoice = {}) {
    this.socket = socket;
  }

  get label(): string {
    return socketLabel(this.socket);
  }
  get description(): string {
    return describeSocket(this.socket);
  }
  /** argv prefix for a tmux client talking to this server (`-L x`, `-S p` or nothing). */
  get args(): string[] {
    return socketArgs(this.socket);
  }

  cmd(args: string[], opts?: ExecOptions): Promise<string> {
    return execTmux(this.socket, args, opts);
  }

  /** True when a server answers on the socket. */
  async isRunning(): Promise<boolean> {
    try {
      await this.cmd(['list-sessions', '-F', '#{session_id}']);
      return true;
    } catch (e) {
      if (e instanceof ServerNotRunningError) return false;
      if (e instanceof TmuxError && /no sessions/i.test(e.stderr)) return true;
      throw e;
    }
  }

  /** The whole server in one call. An absent server reads as no panes. */
  async listPanes(): Promise<PaneRow[]> {
    try {
      return parsePaneRows(await this.cmd(['list-panes', '-a', '-F', PANE_FORMAT]));
    } catch (e) {
      if (e instanceof ServerNotRunningError) return [];
      throw e;
    }
  }

  async hasSession(tmuxName: string): Promise<boolean> {
    try {
      await this.cmd(['has-session', '-t', exactSession(tmuxName)]);
      return true;
    } catch (e) {
      if (e instanceof ServerNotRunningError) return false;
      if (e instanceof TmuxError) return false;
      throw e;
    }
  }

  session(id: string): Session {
    return new Session(this, id);
  }
  window(id: string): Window {
    return new Window(this, id);
  }
  pane(id: string): Pane {
    return new Pane(this, id);
  }

  setGlobalOption(name: string, value: string): Promise<string> {
    return this.cmd(['set-option', '-g', name, value]);
  }
  async getGlobalOption(name: string): Promise<string | null> {
    try {
      const out = await this.cmd(['show-options', '-gqv', name]);
      return out.replace(/\n$/, '');
    } catch {
      return null;
    }
  }
}

/** Anything tmux can target by id. Commands get `-t <id>` added; nothing builds targets by hand. */
abstract class TmuxObject {
  readonly server: Server;
  readonly id: string;
  constructor(server: Server, id: string) {
    this.server = server;
    this.id = id;
  }
  protected abstract readonly kind: string;

  /** Runs `tmux <command> -t <id> ...rest`. */
  async cmd(command: string, rest: string[] = [], opts?: ExecOptions): Promise<string> {
    try {
      return await this.server.cmd([command, '-t', this.id, ...rest], opts);
    } catch (e) {
      if (e instanceof TmuxError && isNoObject(e.stderr)) throw new TmuxObjectNotFoundError(`${this.kind} ${this.id}`);
      throw e;
    }
  }
}

export class Session extends TmuxObject {
  protected readonly kind = 'session';
  kill(): Promise<string> {
    return this.cmd('kill-session');
  }
  setOption(name: string, value: string): Promise<string> {
    return this.cmd('set-option', [name, value]);
  }
}

export class Window extends TmuxObject {
  protected readonly kind = 'window';
  setOption(name: string, value: string): Promise<string> {
    return this.cmd('set-option', ['-w', name, value]);
  }
}

export interface CaptureOptions {
  /** First line: negative numbers reach into history; `'-'` is the start of history. */
  start?: number | '-';
  end?: number | '-';
  /** Keep colours and attributes as escape sequences (`-e`). */
  escapes?: boolean;
  /** Join wrapped lines (`-J`). */
  joinWrapped?: boolean;
}

export class Pane extends TmuxObject {
  protected readonly kind = 'pane';

  /** The rendered screen (and history) as text. */
  capture(o: CaptureOptions = {}): Promise<string> {
    const args = ['-p'];
    if (o.escapes) args.push('-e');
    if (o.joinWrapped ?? true) args.push('-J');
    if (o.start !== undefined) args.push('-S', String(o.start));
    if (o.end !== undefined) args.push('-E', String(o.end));
    return this.cmd('capture-pane', args);
  }

  /** Sends tmux key names (`Enter`, `Escape`, `C-c`, `Up`). */
  sendKeys(keys: string[]): Promise<string> {
    return this.cmd('send-keys', keys);
  }

  /** Sends text as literal characters (`send-keys -l`): words like `Enter` or `C-c` stay text. */
  sendLiteral(text: string): Promise<string> {
    return this.cmd('send-keys', ['-l', '--', text]);
  }

  /**
   * Pastes text through a named buffer loaded from stdin (never argv), with bracketed paste when
   * the application asked for it (`-p`), and deletes the buffer afterwards.
   */
  async paste(text: string, bufferName: string): Promise<void> {
    await this.server.cmd(['load-buffer', '-b', bufferName, '-'], { input: text });
    await this.cmd('paste-buffer', ['-p', '-d', '-r', '-b', bufferName]);
  }

  setOption(name: string, value: string): Promise<string> {
    return this.cmd('set-option', ['-p', name, value]);
  }
  unsetOption(name: string): Promise<string> {
    return this.cmd('set-option', ['-p', '-u', name]);
  }

  /** Starts `pipe-pane` with a shell command (tmux runs it with /bin/sh); `-o` only if none runs. */
  pipe(shellCommand: string, onlyIfNone = true): Promise<string> {
    return this.cmd('pipe-pane', onlyIfNone ? ['-o', shellCommand] : [shellCommand]);
  }

  kill(): Promise<string> {
    return this.cmd('kill-pane');
  }

  /** Sends a signal-ish interrupt the way a person would: C-c to the foreground program. */
  interrupt(): Promise<string> {
    return this.sendKeys(['C-c']);
  }

  /** The pane's own row of the whole-server read (one list-panes filtered to this pane). */
  async info(): Promise<PaneRow | null> {
    try {
      const out = await this.cmd('list-panes', ['-F', PANE_FORMAT]);
      return parsePaneRows(out).find((r) => r.paneId === this.id) ?? null;
    } catch (e) {
      if (e instanceof TmuxObjectNotFoundError || e instanceof ServerNotRunningError) return null;
      throw e;
    }
  }
}

export { type PaneRow };
