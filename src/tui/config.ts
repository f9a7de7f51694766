/**
 * The TUI's view of the config: loaded once, then watched with chokidar. A change reloads the
 * agents; an invalid edit keeps the last good config and shows its error in the status line.
 */
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { AgentSpec, AmuxConfig } from '../config/types.js';
import { userConfigDir } from '../util/paths.js';

interface LoadModule {
  loadConfig(o: { cwd: string }): AmuxConfig;
  knownAgents?: (config: AmuxConfig) => AgentSpec[] | Record<string, AgentSpec>;
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
    const known = this.mod?.knownAgents?.(this.config);
    const list = known ? (Array.isArray(known) ? known : Object.values(known)) : Object.values(this.config.agents);
    return [...list].sort((a, b) => (a.source === b.source ? a.id.localeCompare(b.id) : a.source === 'preset' ? 1 : b.source === 'preset' ? -1 : 0));
  }

  agentIds(): string[] {
    return this.agents().map((a) => a.id);
  }

  /** Files to watch: the config files found, else where they would be (when that folder exists). */
  private paths(): string[] {
    const out = new Set<string>();
    if (this.config?.file) out.add(this.config.file);
    if (this.config?.userFile) out.add(this.config.userFile);
    const root = this.config?.projectRoot ?? this.cwd;
    for (const name of ['config.yaml', 'config.yml']) {
      out.add(join(root, '.amux', name));
      out.add(join(userConfigDir(), name));
    }
    return [...out].filter((p) => existsSync(p) || existsSync(dirname(p)));
  }

  async start(): Promise<void> {
    await this.load();
    if (this.closed) return;
    this.onChange(true);
    try {
      const { watch } = await import('chokidar');
      if (this.closed) return;
      const w = watch(this.paths(), { ignoreInitial: true, persistent: true });
      w.on('all', () => this.schedule());
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
