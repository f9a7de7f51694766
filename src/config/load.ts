import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Node as YNode, type Pair, type Document } from 'yaml';
import { AmuxError, UsageError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';
import { userConfigDir } from '../util/paths.js';
import type { AgentSpec, AmuxConfig, ConfigIssue, NotifyConfig, NotifyEvent, WorkspacesConfig } from './types.js';

/**
 * Config loading in one place: find the files, parse YAML with positions, validate against the
 * schema (every problem reported as file:line:col), merge presets ← user ← project, and return
 * the typed spec. Nothing here touches tmux; launching never reads YAML.
 */

export class ConfigError extends AmuxError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.message}`;
}

export const CONFIG_NAMES = ['config.yaml', 'config.yml'];
export const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
export const DETECTORS = ['claude', 'codex', 'gemini', 'aider', 'generic'];
const NOTIFY_EVENTS: NotifyEvent[] = ['waiting', 'idle', 'stuck', 'exited', 'running'];

// ------------------------------------------------------------------------------------------
// Presets

export function presets(env: NodeJS.ProcessEnv = process.env): Record<string, AgentSpec> {
  const base = (id: string, command: string[], description: string, detector: string): AgentSpec => ({
    id,
    name: id,
    description,
    type: 'tmux',
    command,
    environment: {},
    tags: [],
    detector,
    params: {},
    source: 'preset',
  });
  const shell = env.SHELL && env.SHELL.startsWith('/') ? env.SHELL : '/bin/sh';
  return {
    claude: base('claude', ['claude'], 'Claude Code (Anthropic)', 'claude'),
    codex: base('codex', ['codex'], 'Codex CLI (OpenAI)', 'codex'),
    gemini: base('gemini', ['gemini'], 'Gemini CLI (Google)', 'gemini'),
    aider: base('aider', ['aider'], 'Aider', 'aider'),
    shell: { ...base('shell', [shell], 'An interactive shell', 'generic'), idleAfter: 1500 },
  };
}

// ------------------------------------------------------------------------------------------
// Validation

type Raw = Record<string, unknown>;

class Validator {
  readonly issues: ConfigIssue[] = [];
  constructor(
    readonly file: string,
    readonly lc: LineCounter,
  ) {}

  at(node: YNode | Pair | null | undefined, message: string): void {
    let offset = 0;
    if (node) {
      const n = isPair(node) ? ((node.key as YNode | null) ?? (node.value as YNode | null)) : node;
      offset = n?.range?.[0] ?? 0;
    }
    const pos = this.lc.linePos(offset);
    this.issues.push({ file: this.file, line: pos.line, col: pos.col, message });
  }

  keys(node: YNode, path: string, allowed: Record<string, (v: YNode | null, p: string, pair: Pair) => unknown>): Raw | null {
    if (!isMap(node)) {
      this.at(node, `${path || 'the file'} must be a mapping`);
      return null;
    }
    const out: Raw = {};
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const p = path ? `${path}.${k}` : k;
      const check = allowed[k];
      if (!check) {
        this.at(pair, `unknown key "${p}"${Object.keys(allowed).length ? ` (expected one of: ${Object.keys(allowed).join(', ')})` : ''}`);
        continue;
      }
      const v = check((pair.value as YNode | null) ?? null, p, pair);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  str(v: YNode | null, p: string, pair?: Pair): string | undefined {
    if (isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number')) return String(v.value);
    this.at(v ?? pair, `${p} must be a string`);
    return undefined;
  }

  bool(v: YNode | null, p: string, pair?: Pair): boolean | undefined {
    if (isScalar(v) && typeof v.value === 'boolean') return v.value;
    this.at(v ?? pair, `${p} must be true or false`);
    return undefined;
  }

  strList(v: YNode | null, p: string, pair?: Pair, allowSingle = false): string[] | undefined {
    if (allowSingle && isScalar(v) && typeof v.value === 'string') return [v.value];
    if (!isSeq(v)) {
      this.at(v ?? pair, `${p} must be a list of strings`);
      return undefined;
    }
    const out: string[] = [];
    v.items.forEach((item, i) => {
      const s = this.str(item as YNode, `${p}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  duration(v: YNode | null, p: string, pair?: Pair): number | undefined {
    if (isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number')) {
      const ms = parseDuration(v.value as string | number);
      if (ms !== null) return ms;
    }
    this.at(v ?? pair, `${p} must be a duration such as 90s, 5m, 1h or a number of seconds`);
    return undefined;
  }

  regexes(v: YNode | null, p: string, pair?: Pair): string[] | undefined {
    const list = this.strList(v, p, pair);
    if (!list) return undefined;
    const ok: string[] = [];
    list.forEach((src, i) => {
      try {
        new RegExp(src, 'im');
        ok.push(src);
      } catch (e) {
        const item = isSeq(v) ? (v.items[i] as YNode) : v;
        this.at(item, `${p}[${i}] is not a valid regular expression: ${(e as Error).message}`);
      }
    });
    return ok;
  }
}

function validateAgent(val: Validator, node: YNode | null, p: string, pair: Pair): Raw | undefined {
  const id = p.slice('agents.'.length);
  if (!AGENT_ID.test(id)) val.at(pair, `agent id "${id}" must be 1-63 characters of A-Z a-z 0-9 _ -, starting with a letter or digit`);
  if (node === null || (isScalar(node) && node.value === null)) return {};
  return (
    val.keys(node, p, {
      name: (v, q, pr) => val.str(v, q, pr),
      description: (v, q, pr) => val.str(v, q, pr),
      type: (v, q, pr) => {
        const s = val.str(v, q, pr);
        if (s !== undefined && s !== 'tmux') val.at(v, `${q} must be "tmux"`);
        return s === 'tmux' ? s : undefined;
      },
      command: (v, q, pr) => {
        if (isScalar(v) && typeof v.value === 'string') {
          if (!v.value.trim()) val.at(v, `${q} is empty`);
          return v.value;
        }
        const list = val.strList(v, q, pr);
        if (list && isSeq(v) && v.items.length === 0) val.at(v, `${q} is an empty list`);
        return list;
      },
      environment: (v, q) => {
        if (!isMap(v)) {
          val.at(v, `${q} must be a mapping of NAME: value`);
          return undefined;
        }
        const env: Record<string, string> = {};
        for (const ep of v.items) {
          const k = isScalar(ep.key) ? String(ep.key.value) : '';
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
            val.at(ep, `${q}: "${k}" is not a valid variable name`);
            continue;
          }
          const ev = ep.value as YNode | null;
          if (isScalar(ev) && ['string', 'number', 'boolean'].includes(typeof ev.value)) env[k] = String(ev.value);
          else if (isScalar(ev) && ev.value === null) env[k] = '';
          else val.at(ev ?? ep, `${q}.${k} must be a string`);
        }
        return env;
      },
      workingDir: (v, q, pr) => val.str(v, q, pr),
      tags: (v, q, pr) => val.strList(v, q, pr),
      detector: (v, q, pr) => {
        const s = val.str(v, q, pr);
        if (s !== undefined && !DETECTORS.includes(s)) val.at(v, `${q} must be one of: ${DETECTORS.join(', ')}`);
        return s;
      },
      idleAfter: (v, q, pr) => val.duration(v, q, pr),
      stuckAfter: (v, q, pr) => val.duration(v, q, pr),
      patterns: (v, q) =>
        v &&
        val.keys(v, q, {
          busy: (x, r, pr) => val.regexes(x, r, pr),
          waiting: (x, r, pr) => val.regexes(x, r, pr),
          idle: (x, r, pr) => val.regexes(x, r, pr),
          replace: (x, r, pr) => val.bool(x, r, pr),
        }),
      params: (v, q) =>
        v &&
        val.keys(v, q, {
          shell: (x, r, pr) => val.str(x, r, pr),
          windowName: (x, r, pr) => val.str(x, r, pr),
          autoAttach: (x, r, pr) => val.bool(x, r, pr),
          detached: (x, r, pr) => val.bool(x, r, pr),
        }),
    }) ?? undefined
  );
}

/** Validates one config file's text; returns the plain object and every issue found. */
export function parseConfigText(text: string, file: string): { data: Raw; issues: ConfigIssue[] } {
  const lc = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const val = new Validator(file, lc);
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
    val.issues.push({ file, line: pos.line, col: pos.col, message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') });
  }
  if (doc.errors.length) return { data: {}, issues: val.issues };
  const root = doc.contents as YNode | null;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { data: {}, issues: [] };
  const data =
    val.keys(root, '', {
      version: (v, p, pr) => {
        if (isScalar(v) && (v.value === 1 || v.value === '1')) return 1;
        val.at(v ?? pr, `${p} must be 1`);
        return undefined;
      },
      agents: (v, p) => {
        if (v === null) return {};
        if (!isMap(v)) {
          val.at(v, `${p} must be a mapping of agent id → agent`);
          return undefined;
        }
        const out: Raw = {};
        for (const pair of v.items) {
          const id = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          const a = validateAgent(val, (pair.value as YNode | null) ?? null, `agents.${id}`, pair);
          if (a) out[id] = a;
        }
        return out;
      },
      workspaces: (v, p) =>
        v &&
        val.keys(v, p, {
          root: (x, r, pr) => val.str(x, r, pr),
          baseBranch: (x, r, pr) => val.str(x, r, pr),
          copy: (x, r, pr) => val.strList(x, r, pr, true),
          setup: (x, r, pr) => val.strList(x, r, pr, true),
        }),
      tmux: (v, p) =>
        v &&
        val.keys(v, p, {
          socket: (x, r, pr) => {
            const s = val.str(x, r, pr);
            if (s !== undefined && !/^[A-Za-z0-9_.-]+$/.test(s)) val.at(x, `${r} must be a socket name of A-Z a-z 0-9 _ . -`);
            return s;
          },
        }),
      notify: (v, p) =>
        v &&
        val.keys(v, p, {
          ...Object.fromEntries(NOTIFY_EVENTS.map((e) => [e, (x: YNode | null, r: string, pr: Pair) => val.strList(x, r, pr, true)])),
          displayMessage: (x, r, pr) => val.bool(x, r, pr),
          desktop: (x, r, pr) => val.bool(x, r, pr),
        }),
    }) ?? {};
  return { data, issues: val.issues };
}

/** Every problem in a config text (empty when valid). */
export function validateConfigText(text: string, file: string): ConfigIssue[] {
  return parseConfigText(text, file).issues;
}

// ------------------------------------------------------------------------------------------
// Finding and merging

/** The project config file for a directory: `.amux/config.yaml` walking up; null when none. */
export function findProjectConfig(cwd: string): { root: string; file: string } | null {
  let dir = resolve(cwd);
  for (;;) {
    for (const n of CONFIG_NAMES) {
      const f = join(dir, '.amux', n);
      if (existsSync(f)) return { root: dir, file: f };
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The git top level (a `.git` folder or file) walking up, without running git. */
export function findGitRoot(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function readConfigFile(file: string): Raw {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AmuxError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { data, issues } = parseConfigText(text, file);
  if (issues.length) throw new ConfigError(issues);
  return data;
}

function mergeAgent(id: string, base: AgentSpec | undefined, raw: Raw, source: AgentSpec['source']): AgentSpec {
  const b: AgentSpec = base ?? { id, name: id, type: 'tmux', command: [], environment: {}, tags: [], params: {}, source };
  const out: AgentSpec = {
    ...b,
    ...(raw as Partial<AgentSpec>),
    id,
    source,
    environment: { ...b.environment, ...((raw.environment as Record<string, string>) ?? {}) },
    params: { ...b.params, ...((raw.params as AgentSpec['params']) ?? {}) },
    tags: (raw.tags as string[]) ?? b.tags,
  };
  if (raw.name === undefined && base === undefined) out.name = id;
  return out;
}

export interface LoadOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Loads the effective config for a directory. Throws ConfigError listing every problem. */
export function loadConfig(opts: LoadOptions = {}): AmuxConfig {
  const env = opts.env ?? process.env;
  const cwd = resolve(opts.cwd ?? process.cwd());
  const found = findProjectConfig(cwd);
  const userFileCandidate = CONFIG_NAMES.map((n) => join(userConfigDir(env), n)).find((f) => existsSync(f)) ?? null;
  const issues: ConfigIssue[] = [];
  const layers: { raw: Raw; source: AgentSpec['source'] }[] = [];
  for (const [file, source] of [
    [userFileCandidate, 'user'],
    [found?.file ?? null, 'project'],
  ] as const) {
    if (!file) continue;
    try {
      layers.push({ raw: readConfigFile(file), source });
    } catch (e) {
      if (e instanceof ConfigError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (issues.length) throw new ConfigError(issues);

  const agents: Record<string, AgentSpec> = presets(env);
  const workspaces: WorkspacesConfig = { root: '.amux/workspaces', copy: [], setup: [] };
  const notify: NotifyConfig = { on: {}, displayMessage: true, desktop: true };
  const tmux: { socket?: string } = {};
  let version = 1;
  for (const { raw, source } of layers) {
    if (typeof raw.version === 'number') version = raw.version;
    for (const [id, a] of Object.entries((raw.agents as Record<string, Raw>) ?? {})) agents[id] = mergeAgent(id, agents[id], a, source);
    Object.assign(workspaces, (raw.workspaces as Partial<WorkspacesConfig>) ?? {});
    Object.assign(tmux, (raw.tmux as object) ?? {});
    const n = (raw.notify as Raw) ?? {};
    for (const e of NOTIFY_EVENTS) if (n[e]) notify.on[e] = n[e] as string[];
    if (typeof n.displayMessage === 'boolean') notify.displayMessage = n.displayMessage;
    if (typeof n.desktop === 'boolean') notify.desktop = n.desktop;
  }
  // An agent defined without a command (only overrides) must have a preset underneath.
  for (const a of Object.values(agents)) {
    if ((Array.isArray(a.command) && a.command.length === 0) || a.command === '') {
      throw new ConfigError([{ file: found?.file ?? userFileCandidate ?? 'config', line: 1, col: 1, message: `agents.${a.id} has no command (and no built-in preset of that name)` }]);
    }
  }
  const projectRoot = found?.root ?? findGitRoot(cwd) ?? cwd;
  return { version, agents, workspaces, tmux, notify, projectRoot, file: found?.file ?? null, userFile: userFileCandidate };
}

export function knownAgents(config: AmuxConfig): string[] {
  return Object.keys(config.agents).sort();
}

/** The agent spec for an id; an unknown id is a usage error listing the known ones. */
export function resolveAgent(config: AmuxConfig, id: string): AgentSpec {
  const a = Object.prototype.hasOwnProperty.call(config.agents, id) ? config.agents[id] : undefined;
  if (!a) throw new UsageError(`unknown agent "${id}" (known: ${knownAgents(config).join(', ')}; define it under agents: in .amux/config.yaml)`);
  return a;
}

/**
 * Expands `${VAR}` and `${VAR:-default}` (and `$$` → `$`) in environment values, with no shell.
 * Unknown variables expand to the empty string.
 */
export function expandEnvironment(env: Record<string, string>, processEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = expandValue(v, processEnv);
  return out;
}

export function expandValue(v: string, processEnv: NodeJS.ProcessEnv): string {
  return v.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^}\\]|\\.)*))?\}/g, (m, name: string | undefined, def: string | undefined) => {
    if (m === '$$') return '$';
    const val = processEnv[name!];
    if (val !== undefined && val !== '') return val;
    return def !== undefined ? def.replace(/\\(.)/g, '$1') : '';
  });
}

/** Modification time of the config files that apply, for watchers and caches. */
export function configStamp(config: AmuxConfig): string {
  return [config.file, config.userFile]
    .map((f) => {
      try {
        return f ? `${f}:${statSync(f).mtimeMs}` : '';
      } catch {
        return '';
      }
    })
    .join('|');
}
