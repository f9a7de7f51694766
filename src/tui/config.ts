/**
 * The TUI's view of the config: loaded once, then watched with chokidar. A change reloads the
 * agents; an invalid edit keeps the last good config and shows its error in the status line.
 */
import { basename, dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { AgentSpec, AmuxConfig } from '../config/types.js';
import { userConfigDir } from '../util/paths.js';

const CONFIG_NAMES = ['config.yaml', 'config.yml'];

interface LoadModule {
  loadConfig(o: { cwd: string }): AmuxConfig;
  knownAgents?: (config: AmuxConfig) => Array<string | AgentSpec>;
}

/** The first line(s) of a config error, short enough for a status line. */
export function shortError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(0, 2).join(' · ');
}

export class ConfigWatch {
  config: AmuxConfig | null = null;
  error: string | null = null;
  /** Set when the config module itself could not be loaded. */
  unavailable: string | null = null;
  private watcher: { close(): Promise<void> } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private mod: LoadModule | null = null;
  private closed = false;

  constructor(
    readonly cwd: string,
    private readonly onChange: (initial: boolean) => void,
  ) {}

  /** Loads the config (keeping the last good one on error). Returns true when it loaded. */
  async load(): Promise<boolean> {
    try {
      this.mod ??= (await import('../config/load.js')) as unknown as LoadModule;
    } catch (e) {
      this.error = null;
      this.unavailable = `config loading is not available (${shortError(e)})`;
      return false;
    }
    try {
      this.config = this.mod.loadConfig({ cwd: this.cwd });
      this.error = null;
      return true;
    } catch (e) {
      this.error = shortError(e);
      return false;
    }
  }

  agents(): AgentSpec[] {
    if (!this.config) return [];
    const config = this.config;
    const known = this.mod?.knownAgents?.(config);
    const list = known
      ? known.map((a) => (typeof a === 'string' ? config.agents[a] : a)).filter((a): a is AgentSpec => a !== undefined)
      : Object.values(config.agents);
    return [...list].sort((a, b) => (a.source === b.source ? a.id.localeCompare(b.id) : a.source === 'preset' ? 1 : b.source === 'preset' ? -1 : 0));
  }

  agentIds(): string[] {
    return this.agents().map((a) => a.id);
  }

  /**
   * Folders to watch (depth 0): the project's `.amux` and the user config folder. Watching the
   * folders, not the files, also sees a config file created later; a folder that does not exist
   * yet is watched when its parent does.
   */
  private dirs(): string[] {
    const root = this.config?.projectRoot ?? this.cwd;
    const out = new Set<string>([join(root, '.amux'), userConfigDir()]);
    if (this.config?.file) out.add(dirname(this.config.file));
    if (this.config?.userFile) out.add(dirname(this.config.userFile));
    return [...out].filter((p) => existsSync(p) || existsSync(dirname(p)));
  }

  async start(): Promise<void> {
    await this.load();
    if (this.closed) return;
    this.onChange(true);
    try {
      const { watch } = await import('chokidar');
      if (this.closed) return;
      const dirs = this.dirs();
      const w = watch(dirs, { ignoreInitial: true, persistent: true, depth: 0 });
      w.on('all', (event: string, path: string) => {
        if (event === 'addDir' && dirs.includes(path)) {
          // chokidar does not look inside a watched folder created after the watch began.
          w.unwatch(path);
          w.add(path);
          return this.schedule();
        }
        if (dirs.includes(dirname(path)) && CONFIG_NAMES.includes(basename(path))) this.schedule();
      });
      w.on('error', () => undefined);
      this.watcher = w;
    } catch {
      /* no watching: the config loaded at start stays */
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      void this.load().then(() => {
        if (!this.closed) this.onChange(false);
      });
    }, 150);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.watcher?.close().catch(() => undefined);
  }
}
