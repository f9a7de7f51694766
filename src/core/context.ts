/**
 * The context of every core operation, resolved once per process (per request, for a server):
 * the working folder, the config (parsed once, lazily), the tmux server the config and
 * environment choose, the registry of records, and an observer for progress. Surfaces build
 * one and pass it to the operations in this folder; nothing here prints or exits.
 */
import { Server } from '../tmux/server.js';
import { resolveSocket, checkTmuxVersion } from '../tmux/exec.js';
import { Registry } from '../session/registry.js';
import type { AmuxConfig } from '../config/types.js';

/** Progress from a long operation (waiting for an agent, creating a worktree). */
export interface Observer {
  progress?(message: string): void;
  /** Something worth telling that did not stop the operation (a workspace kept, say). */
  warn?(message: string): void;
}

export interface CoreContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly server: Server;
  readonly registry: Registry;
  readonly observer: Observer;
  /** Ends waits early when the caller gives up (an MCP client cancelling a call). */
  readonly signal?: AbortSignal;
  /** The merged config (presets, user and project files), parsed on first use. */
  config(): Promise<AmuxConfig>;
}

export interface ContextOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  observer?: Observer;
  /** An already loaded config (the TUI keeps one and reloads it on change). */
  config?: AmuxConfig;
  /** Skip the tmux version check (it is cached on disk; the TUI checks once at start). */
  skipVersionCheck?: boolean;
  /** Ends the operation's waits when aborted. */
  signal?: AbortSignal;
  /** Choose the server without reading the config (for diagnosing a config that does not load). */
  withoutConfigSocket?: boolean;
}

/**
 * Opens a context. The server is `AMUX_TMUX_SOCKET`, else the config's `tmux.socket`, else the
 * server we run inside, else tmux's default: the same rule for every command, so a session that
 * `run` started on a configured socket is the one `ps`, `attach` and the TUI find.
 */
export async function openContext(opts: ContextOptions = {}): Promise<CoreContext> {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  if (!opts.skipVersionCheck) await checkTmuxVersion();
  let config: Promise<AmuxConfig> | null = opts.config ? Promise.resolve(opts.config) : null;
  const loadConfig = (): Promise<AmuxConfig> =>
    (config ??= import('../config/load.js').then((m) => m.loadConfig({ cwd, env })));
  let configSocket: string | undefined;
  if (!env.AMUX_TMUX_SOCKET && !opts.withoutConfigSocket) {
    if (opts.config) configSocket = opts.config.tmux.socket;
    else {
      // Only a folder with a config file (or a user config) can name a socket: no parse otherwise.
      const { locateProject, userConfigFile } = await import('../config/load.js');
      if (locateProject(cwd).file || userConfigFile(env)) configSocket = (await loadConfig()).tmux.socket;
    }
  }
  const server = new Server(resolveSocket(env, configSocket));
  return { cwd, env, server, registry: new Registry(), observer: opts.observer ?? {}, signal: opts.signal, config: loadConfig };
}
