/**
 * The config loader: finds `.amux/config.yaml` by walking up, validates it and the user-wide
 * file, and merges presets ← user ← project into the typed spec. Never touches tmux.
 *
 * It runs on every command, so it is sync and lean: no git process, a few stat calls per
 * directory level, and a validated file is cached (with its exact text) under
 * `$AMUX_HOME/cache/` so the YAML parser is loaded only when a file changed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { amuxHome, userConfigDir } from '../util/paths.js';
import { UsageError } from '../util/errors.js';
import { builtinPresets, PRESET_IDS } from './presets.js';
import type { AgentSpec, AmuxConfig, ConfigIssue, LogsConfig, McpConfig, NotifyConfig, WorkspacesConfig } from './types.js';
import { DEFAULT_LOGS, DEFAULT_TTL_MS } from '../session/rotation.js';
import { DEFAULT_NOTIFY_EVENTS } from './types.js';
import { ConfigError, crossChecks, parseConfigText, sortIssues, type AgentLayer, type ConfigLayer } from './validate.js';

export { expandEnvironment, expandString } from './expand.js';
export { ConfigError, validateConfigText, parseConfigText, formatIssue } from './validate.js';

export interface LoadOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export const CONFIG_NAMES = ['config.yaml', 'config.yml'] as const;
export const DEFAULT_WORKSPACES_ROOT = '.amux/workspaces';
/** A lead may run a handful of workers, and they helpers of their own, no further. */
export const DEFAULT_MCP: McpConfig = { maxChildren: 8, maxDepth: 2 };

/** Where things are, found by walking up from `cwd` (see `loadConfig`). */
export interface ProjectLocation {
  /** The project config file, or null. */
  file: string | null;
  /** The project root: the folder holding `.amux/`, else the git top level, else `cwd`. */
  root: string;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function configIn(dir: string): string | null {
  for (const n of CONFIG_NAMES) {
    const f = join(dir, '.amux', n);
    if (isFile(f)) return f;
  }
  return null;
}

/**
 * A folder inside another project's `.amux/` (the default workspaces live in
 * `.amux/workspaces/NAME`) is not a project of its own: a worktree's copy of the config belongs
 * to the main checkout. Returns that outer project's folder, or null.
 */
function outerProject(dir: string): string | null {
  const parts = dir.split(sep);
  const i = parts.indexOf('.amux');
  if (i <= 0) return null;
  const outer = parts.slice(0, i).join(sep) || sep;
  return configIn(outer) !== null || existsSync(join(outer, '.git')) ? outer : null;
}

/**
 * Finds the project config (`.amux/config.yaml` or `.yml`, nearest first, walking up from
 * `cwd`) and the project root: the folder holding that `.amux/`; without a config, the nearest
 * folder holding `.amux/` or `.git`; else `cwd`. Runs no git process.
 */
export function locateProject(cwd: string = process.cwd()): ProjectLocation {
  const start = resolve(cwd);
  let dir = outerProject(start) ?? start;
  let nearest: string | null = null;
  for (;;) {
    const file = configIn(dir);
    if (file) return { file, root: dir };
    if (nearest === null && (existsSync(join(dir, '.git')) || existsSync(join(dir, '.amux')))) nearest = dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { file: null, root: nearest ?? start };
}

/** The project config file for a folder, walking up; null when there is none. */
export function findProjectConfig(cwd: string = process.cwd()): { root: string; file: string } | null {
  const loc = locateProject(cwd);
  return loc.file ? { root: loc.root, file: loc.file } : null;
}

/** The git top level (the nearest folder holding `.git`, a folder or a worktree's file), without running git. */
export function findGitRoot(cwd: string = process.cwd()): string | null {
  const start = resolve(cwd);
  for (let dir = outerProject(start) ?? start; ; ) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The user-wide config file (`$XDG_CONFIG_HOME/amux/config.yaml`), when it exists. */
export function userConfigFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = userConfigDir(env);
  for (const n of CONFIG_NAMES) if (isFile(join(dir, n))) return join(dir, n);
  return null;
}

// ---------------------------------------------------------------------------------------------
// Cache of validated layers

/**
 * A validated file is cached with its full text: a hit needs the text to be identical (so no
 * clock or inode can fool it) and the validating code unchanged (its file's mtime), and saves
 * loading and running the YAML parser.
 */
const CACHE_FORMAT = 3;

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

interface CacheEntry {
  format: number;
  code: number;
  file: string;
  text: string;
  layer: ConfigLayer;
}

let codeStampValue: number | undefined;
function codeStamp(): number {
  if (codeStampValue === undefined) {
    try {
      codeStampValue = statSync(fileURLToPath(import.meta.url)).mtimeMs;
    } catch {
      codeStampValue = 0;
    }
  }
  return codeStampValue;
}

function cachePath(file: string, env: NodeJS.ProcessEnv): string {
  return join(amuxHome(env), 'cache', `config-${fnv1a(file)}.json`);
}

function readCache(file: string, text: string, env: NodeJS.ProcessEnv): ConfigLayer | null {
  if (env.AMUX_NO_CONFIG_CACHE) return null;
  try {
    const c = JSON.parse(readFileSync(cachePath(file, env), 'utf8')) as CacheEntry;
    return c.format === CACHE_FORMAT && c.code === codeStamp() && c.file === file && c.text === text ? c.layer : null;
  } catch {
    return null;
  }
}

function writeCache(file: string, text: string, layer: ConfigLayer, env: NodeJS.ProcessEnv): void {
  if (env.AMUX_NO_CONFIG_CACHE) return;
  try {
    const path = cachePath(file, env);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const entry: CacheEntry = { format: CACHE_FORMAT, code: codeStamp(), file, text, layer };
    const tmp = `${path}.${process.pid}.tmp`;
    // Environment values can be secrets: the cache is private like the rest of AMUX_HOME.
    writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    /* a cache that cannot be written is only slower */
  }
}

/** Reads and validates one config file (through the cache). */
export function loadLayer(file: string, env: NodeJS.ProcessEnv = process.env): { layer: ConfigLayer; issues: ConfigIssue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { layer: emptyLayer(), issues: [{ file, line: 1, col: 1, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
  }
  const cached = readCache(file, text, env);
  if (cached) return { layer: cached, issues: [] };
  // parseConfigText loads the YAML parser on first use only.
  const r = parseConfigText(text, file);
  if (r.issues.length === 0) writeCache(file, text, r.layer, env);
  return r;
}

function emptyLayer(): ConfigLayer {
  return { agents: {}, workspaces: {}, tmux: {}, notify: { on: {} }, mcp: {}, hosts: {}, logs: {}, positions: {} };
}

// ---------------------------------------------------------------------------------------------
// Merging

function mergeAgent(base: AgentSpec | undefined, id: string, l: AgentLayer, source: AgentSpec['source']): AgentSpec {
  const b: AgentSpec = base ?? { id, name: id, type: 'tmux', command: [], environment: {}, tags: [], params: {}, source };
  const out: AgentSpec = { ...b, environment: { ...b.environment }, params: { ...b.params }, tags: [...b.tags], source };
  if (b.patterns) out.patterns = { ...b.patterns };
  if (l.name !== undefined) out.name = l.name;
  else if (!base) out.name = id;
  if (l.description !== undefined) out.description = l.description;
  if (l.command !== undefined) out.command = Array.isArray(l.command) ? [...l.command] : l.command;
  if (l.environment) Object.assign(out.environment, l.environment);
  if (l.workingDir !== undefined) out.workingDir = l.workingDir;
  if (l.tags !== undefined) out.tags = [...l.tags];
  if (l.detector !== undefined) out.detector = l.detector;
  if (l.idleAfter !== undefined) out.idleAfter = l.idleAfter;
  if (l.stuckAfter !== undefined) out.stuckAfter = l.stuckAfter;
  if (l.patterns) out.patterns = { ...(out.patterns ?? {}), ...l.patterns };
  if (l.params) Object.assign(out.params, l.params);
  return out;
}

/**
 * Merges config layers (lowest first) over the built-in presets. Exposed for tests and for
 * `config validate`; `loadConfig` is the usual entry point.
 */
export function mergeLayers(
  layers: { layer: ConfigLayer; source: 'user' | 'project' }[],
  env: NodeJS.ProcessEnv = process.env,
): Pick<AmuxConfig, 'version' | 'agents' | 'workspaces' | 'tmux' | 'notify' | 'mcp' | 'hosts' | 'logs' | 'ttl' | 'hibernate'> {
  const agents: Record<string, AgentSpec> = builtinPresets(env);
  const workspaces: WorkspacesConfig = { root: DEFAULT_WORKSPACES_ROOT, copy: [], setup: [] };
  const tmux: { socket?: string } = {};
  const notify: NotifyConfig = { on: {}, displayMessage: true, desktop: true, events: [...DEFAULT_NOTIFY_EVENTS] };
  const mcp: McpConfig = { ...DEFAULT_MCP };
  const hosts: AmuxConfig['hosts'] = {};
  const logs: LogsConfig = { ...DEFAULT_LOGS };
  let ttl = DEFAULT_TTL_MS;
  let version = 1;
  let hibernate: number | undefined;
  for (const { layer, source } of layers) {
    if (layer.hibernate !== undefined) hibernate = layer.hibernate;
    if (layer.version !== undefined) version = layer.version;
    for (const [id, a] of Object.entries(layer.agents)) agents[id] = mergeAgent(agents[id], id, a, source);
    const w = layer.workspaces;
    if (w.root !== undefined) workspaces.root = w.root;
    if (w.baseBranch !== undefined) workspaces.baseBranch = w.baseBranch;
    if (w.copy !== undefined) workspaces.copy = [...w.copy];
    if (w.setup !== undefined) workspaces.setup = [...w.setup];
    if (layer.tmux.socket !== undefined) tmux.socket = layer.tmux.socket;
    Object.assign(notify.on, layer.notify.on);
    if (layer.notify.displayMessage !== undefined) notify.displayMessage = layer.notify.displayMessage;
    if (layer.notify.desktop !== undefined) notify.desktop = layer.notify.desktop;
    if (layer.notify.events !== undefined) notify.events = [...layer.notify.events];
    Object.assign(mcp, layer.mcp);
    Object.assign(hosts, layer.hosts ?? {});
    Object.assign(logs, layer.logs ?? {});
    if (layer.ttl !== undefined) ttl = layer.ttl;
  }
  return { version, agents, workspaces, tmux, notify, mcp, hosts, logs, ttl, ...(hibernate !== undefined ? { hibernate } : {}) };
}

/**
 * The effective config for `cwd`: built-in presets, under the user-wide file
 * (`$XDG_CONFIG_HOME/amux/config.yaml`), under the project's `.amux/config.yaml` (found by
 * walking up). Throws a `ConfigError` listing every problem in either file as `file:line:col`.
 */
export function loadConfig(opts: LoadOptions = {}): AmuxConfig {
  const env = opts.env ?? process.env;
  const loc = locateProject(opts.cwd ?? process.cwd());
  const userFile = userConfigFile(env);
  const files: { file: string; source: 'user' | 'project' }[] = [];
  if (userFile && userFile !== loc.file) files.push({ file: userFile, source: 'user' });
  if (loc.file) files.push({ file: loc.file, source: 'project' });

  const layers: { layer: ConfigLayer; source: 'user' | 'project'; file: string }[] = [];
  const issues: ConfigIssue[] = [];
  for (const f of files) {
    const r = loadLayer(f.file, env);
    issues.push(...r.issues);
    layers.push({ layer: r.layer, source: f.source, file: f.file });
  }
  if (layers.length) {
    const fileOf = (l: ConfigLayer) => layers.find((x) => x.layer === l)!.file;
    issues.push(...crossChecks(layers.map((x) => x.layer), fileOf, new Set(PRESET_IDS)));
  }
  if (issues.length) throw new ConfigError(sortIssues(issues));
  return { ...mergeLayers(layers, env), projectRoot: loc.root, file: loc.file, userFile };
}

/** The agent ids the config knows (presets, user and project agents), sorted. */
export function knownAgents(config: Pick<AmuxConfig, 'agents'>): string[] {
  return Object.keys(config.agents).sort();
}

/** The agent `id`; an unknown id is a usage error listing the known ones (never run as a command). */
export function resolveAgent(config: Pick<AmuxConfig, 'agents'>, id: string): AgentSpec {
  const a = Object.prototype.hasOwnProperty.call(config.agents, id) ? config.agents[id] : undefined;
  if (a) return a;
  const known = knownAgents(config);
  const hint = known.find((k) => k.toLowerCase() === id.toLowerCase());
  throw new UsageError(
    `unknown agent "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}; known agents: ${known.join(', ')} (define more under agents: in .amux/config.yaml, or run a command with amux run -c '...')`,
  );
}

/**
 * The agents a project file may extend without a `command` of its own: the presets and the
 * user file's agents (a user file itself extends only presets).
 */
export function baseAgentsFor(file: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const user = userConfigFile(env);
  if (!user || user === file) return [...PRESET_IDS];
  const { layer } = loadLayer(user, env);
  return [...PRESET_IDS, ...Object.keys(layer.agents)];
}
