import { socketLabel, describeSocket, type SocketChoice } from './exec.js';
import { ControlEngine, ExecEngine, type Engine, type RunOptions, type TmuxCommand } from './engine.js';
import type { ControlClient } from './control.js';
import { PANE_FORMAT, formatLiteral, messageLiteral, parsePaneRows, type PaneRow } from './formats.js';
import { TmuxError, TmuxObjectNotFoundError, ServerNotRunningError, isNoObject, duplicateAsTaken } from './errors.js';
import { exactSession } from './names.js';
import type { GlobalOption, PaneOption, SessionOption, WindowOption } from './options.js';

/** A client attached to the server, as `list-clients` reports it. */
export interface ClientInfo {
  /** `client_name`: the target of `display-message -c`. */
  name: string;
  /** A control-mode client (amux's own monitor, an editor integration): shows no messages. */
  controlMode: boolean;
}

/**
 * The typed tmux object model: Server → Session → Window → Pane, each knowing its tmux id.
 * This module and its siblings are the only places that know tmux's argv; every call that
 * targets an object passes `-t <id>` itself. A server runs its commands on an engine
 * (engine.ts): one tmux process per call by default, or a control-mode connection.
 */
export class Server {
  readonly socket: SocketChoice;
  readonly engine: Engine;
  constructor(socket: SocketChoice = {}, engine: Engine = new ExecEngine(socket)) {
    this.socket = socket;
    this.engine = engine;
  }

  /** The server of a control-mode connection, with every command going over it. */
  static overControl(client: ControlClient): Server {
    return new Server(client.socket, new ControlEngine(client));
  }

  get label(): string {
    return socketLabel(this.socket);
  }
  get description(): string {
    return describeSocket(this.socket);
  }

  run(command: TmuxCommand, opts?: RunOptions): Promise<string> {
    return this.engine.run(command, opts);
  }
  runBatch(commands: readonly TmuxCommand[], opts?: RunOptions): Promise<string> {
    return this.engine.runBatch(commands, opts);
  }

  /** True when a server answers on the socket. */
  async isRunning(): Promise<boolean> {
    try {
      await this.run(['list-sessions', '-F', '#{session_id}']);
      return true;
    } catch (e) {
      if (e instanceof ServerNotRunningError) return false;
      if (e instanceof TmuxError && /no sessions/i.test(e.stderr)) return true;
      throw e;
    }
  }

  /** The whole server in one call; rejects (ServerNotRunningError) when no server runs. */
  async panes(): Promise<PaneRow[]> {
    return parsePaneRows(await this.run(['list-panes', '-a', '-F', PANE_FORMAT]));
  }

  /** The whole server in one call. An absent server reads as no panes. */
  async listPanes(): Promise<PaneRow[]> {
    try {
      return await this.panes();
    } catch (e) {
      if (e instanceof ServerNotRunningError) return [];
      throw e;
    }
  }

  async hasSession(tmuxName: string): Promise<boolean> {
    try {
      await this.run(['has-session', '-t', exactSession(tmuxName)]);
      return true;
    } catch (e) {
      // Absent means no server or no such session; any other failure is reported, not hidden.
      if (e instanceof ServerNotRunningError) return false;
      if (e instanceof TmuxError && isNoObject(e.stderr)) return false;
      throw e;
    }
  }

  /** Kills the session of this exact name (never one it is a prefix or pattern of). */
  killSessionNamed(tmuxName: string): Promise<string> {
    return this.run(['kill-session', '-t', exactSession(tmuxName)]);
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

  /** Sets global options, then unsets others, in one batch (in that order). */
  setGlobalOptions(values: Partial<Record<GlobalOption, string>>, unset: GlobalOption[] = []): Promise<string> {
    return this.runBatch([
      ...Object.entries(values).map(([name, value]) => ['set-option', '-g', name, value]),
      ...unset.map((name) => ['set-option', '-gu', name]),
    ]);
  }
  unsetGlobalOption(name: GlobalOption): Promise<string> {
    return this.run(['set-option', '-gu', name]);
  }
  async getGlobalOption(name: GlobalOption): Promise<string | null> {
    try {
      const out = await this.run(['show-options', '-gqv', name]);
      return out.replace(/\n$/, '');
    } catch (e) {
      if (e instanceof ServerNotRunningError) return null;
      throw e;
    }
  }

  async listClients(): Promise<ClientInfo[]> {
    const out = await this.run(['list-clients', '-F', '#{client_name}\x1f#{client_control_mode}']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', control] = line.split('\x1f');
        return { name, controlMode: control === '1' };
      });
  }

  /** Shows `text` (never expanded as a format) in one client's status line for `durationMs`. */
  displayMessage(clientName: string, text: string, durationMs: number): Promise<string> {
    return this.run(['display-message', '-c', clientName, '-d', String(durationMs), messageLiteral(text)]);
  }

  /**
   * Runs a child of the server that exits at once (`run-shell true`). tmux 3.3a can miss a pane
   * process's exit until some other child of the server exits; this is such a child. Over the
   * exec engine only: a control client must not wait on it.
   */
  reapChildren(): Promise<string> {
    return this.run(['run-shell', 'true']);
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

  /** `<command> -t <id> ...rest` */
  protected targeted(command: string, rest: string[] = []): TmuxCommand {
    return [command, '-t', this.id, ...rest];
  }

  /** Runs `tmux <command> -t <id> ...rest`. */
  protected cmd(command: string, rest: string[] = [], opts?: RunOptions): Promise<string> {
    return this.batch([this.targeted(command, rest)], opts);
  }

  /** Runs commands built with `targeted`; a missing object reads as TmuxObjectNotFoundError. */
  protected async batch(commands: readonly TmuxCommand[], opts?: RunOptions): Promise<string> {
    try {
      return await this.server.runBatch(commands, opts);
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
  /** Renames the session (the tmux name; its id stays). A name tmux already has is a DuplicateSessionError. */
  async rename(tmuxName: string): Promise<string> {
    try {
      return await this.cmd('rename-session', [tmuxName]);
    } catch (e) {
      throw duplicateAsTaken(e, tmuxName);
    }
  }
  setOption(name: SessionOption, value: string): Promise<string> {
    return this.cmd('set-option', [name, value]);
  }
}

export class Window extends TmuxObject {
  protected readonly kind = 'window';
  setOption(name: WindowOption, value: string): Promise<string> {
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
    await this.server.run(['load-buffer', '-b', bufferName, '-'], { input: text });
    await this.cmd('paste-buffer', ['-p', '-d', '-r', '-b', bufferName]);
  }

  /** Pipes the pane's output to a shell command (taken as text), unless a pipe runs already (`-o`). */
  pipeIfNone(command: string): Promise<string> {
    return this.cmd('pipe-pane', ['-o', formatLiteral(command)]);
  }
  /** Replaces the pane's output pipe: the old command gets EOF, the new one every byte from now on. */
  pipeAnew(command: string): Promise<string> {
    return this.cmd('pipe-pane', [formatLiteral(command)]);
  }
  setOption(name: PaneOption, value: string): Promise<string> {
    return this.cmd('set-option', ['-p', name, value]);
  }
  /** Sets several pane options in one batch. */
  setOptions(values: Partial<Record<PaneOption, string>>): Promise<string> {
    return this.batch(Object.entries(values).map(([name, value]) => this.targeted('set-option', ['-p', name, value])));
  }
  /** The option's value, empty when unset. */
  async getOption(name: PaneOption): Promise<string> {
    return (await this.cmd('show-options', ['-p', '-q', '-v', name])).replace(/\n$/, '');
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
