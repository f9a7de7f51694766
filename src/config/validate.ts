/**
 * YAML → one validated config layer, with a `file:line:col` position for every problem.
 * Walks the YAML syntax tree (not the plain object) so each message points at the key or value
 * at fault, and keeps going after an error so a file's problems are all reported at once.
 * `yaml` is loaded lazily (and synchronously): commands that find no config file never pay for it.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { parseDuration } from '../util/duration.js';
import { AmuxError } from '../util/errors.js';
import { checkExpansion } from './expand.js';
import { DETECTOR_KINDS } from '../agents/index.js';
import { PRESET_IDS } from './presets.js';
import { HOST_NAME, parseTarget } from '../hosts/target.js';
import type { AgentParams, ConfigIssue, HostConfig, NotifyEvent } from './types.js';
import { MAX_LOG_KEEP, MIN_LOG_BYTES } from '../session/rotation.js';

/** What one file says about an agent: only the fields it sets. */
export interface AgentLayer {
  name?: string;
  description?: string;
  type?: 'tmux';
  command?: string | string[];
  environment?: Record<string, string>;
  workingDir?: string;
  tags?: string[];
  detector?: string;
  idleAfter?: number;
  stuckAfter?: number;
  patterns?: { busy?: string[]; waiting?: string[]; idle?: string[]; replace?: boolean };
  params?: AgentParams;
}

/** A position inside the file, for checks that need the merged config (done in load.ts). */
export interface Position {
  line: number;
  col: number;
}

/** One file's settings, validated, before merging with presets and the other file. */
export interface ConfigLayer {
  version?: number;
  agents: Record<string, AgentLayer>;
  workspaces: { root?: string; baseBranch?: string; copy?: string[]; setup?: string[] };
  tmux: { socket?: string };
  notify: { on: Partial<Record<NotifyEvent, string[]>>; displayMessage?: boolean; desktop?: boolean; events?: NotifyEvent[] };
  mcp: { maxChildren?: number; maxDepth?: number };
  hosts: Record<string, HostConfig>;
  logs: { maxBytes?: number; keep?: number };
  /** `ttl:` (ms): idle or exited sessions older than this are removed by the monitor; 0 turns it off. */
  ttl?: number;
  hibernate?: number;
  /** Where each agent (`agents.ID`) and its detector (`agents.ID.detector`) are written. */
  positions: Record<string, Position>;
}

/** A config file that does not validate: the message holds one `file:line:col: message` per line. */
export class ConfigError extends AmuxError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'), { code: 'config' });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.message}`;
}

/** The keys each part of the file accepts (the JSON Schema in templates/ must agree; a test checks). */
export const SCHEMA_KEYS = {
  top: ['version', 'agents', 'workspaces', 'tmux', 'notify', 'mcp', 'hosts', 'logs', 'ttl', 'hibernate'],
  agent: ['name', 'description', 'type', 'command', 'environment', 'workingDir', 'tags', 'detector', 'idleAfter', 'stuckAfter', 'patterns', 'params'],
  patterns: ['busy', 'waiting', 'idle', 'replace'],
  params: ['shell', 'windowName', 'autoAttach', 'detached'],
  workspaces: ['root', 'baseBranch', 'copy', 'setup'],
  tmux: ['socket'],
  notify: ['waiting', 'idle', 'stuck', 'exited', 'failed', 'running', 'displayMessage', 'desktop', 'events'],
  mcp: ['maxChildren', 'maxDepth'],
  host: ['ssh', 'amux', 'identity', 'dir', 'timeout'],
  logs: ['maxBytes', 'keep'],
} as const;

export const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NOTIFY_EVENTS: readonly NotifyEvent[] = ['waiting', 'idle', 'stuck', 'exited', 'failed', 'running'];

type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;
function yaml(): Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);
}

export interface ValidateOptions {
  /**
   * Agents defined below this file (presets, and the user config under a project's). An agent
   * not among them must have a `command`. Default: the built-in presets.
   */
  baseAgents?: Iterable<string>;
}

/** Parses and validates one config file's text. Never throws for bad input: problems are issues. */
export function parseConfigText(text: string, file: string): { layer: ConfigLayer; issues: ConfigIssue[] } {
  const Y = yaml();
  const lc = new Y.LineCounter();
  const layer: ConfigLayer = { agents: {}, workspaces: {}, tmux: {}, notify: { on: {} }, mcp: {}, hosts: {}, logs: {}, positions: {} };
  const issues: ConfigIssue[] = [];
  const doc = Y.parseDocument(text, { lineCounter: lc, merge: true, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
      const msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '');
      issues.push({ file, line: pos.line, col: pos.col, message: `YAML: ${msg}` });
    }
    return { layer, issues };
  }
  new Walker(Y, doc, lc, file, issues, layer).top(doc.contents as YamlNode | null);
  return { layer, issues };
}

/**
 * Every problem in a config file's text (syntax and schema), sorted by position; [] when valid.
 * Also checks what needs no other file: an agent that is not a preset must have a command.
 */
export function validateConfigText(text: string, file: string, opts: ValidateOptions = {}): ConfigIssue[] {
  const { layer, issues } = parseConfigText(text, file);
  issues.push(...crossChecks([layer], file, new Set(opts.baseAgents ?? PRESET_IDS)));
  return sortIssues(issues);
}

/** Issues in file order (files as first seen), then by line and column. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const order = new Map<string, number>();
  for (const i of issues) if (!order.has(i.file)) order.set(i.file, order.size);
  return issues.sort((a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line || a.col - b.col);
}

/**
 * Checks that need the layers merged: an agent with no command anywhere, a detector that is
 * neither built in nor backed by the agent's own patterns. `layers` run from lowest to highest;
 * issues are reported in the highest layer that defines the agent (`file` is that layer's file).
 */
export function crossChecks(layers: ConfigLayer[], file: string | ((layer: ConfigLayer) => string), base: Set<string>): ConfigIssue[] {
  const fileOf = typeof file === 'string' ? () => file : file;
  const issues: ConfigIssue[] = [];
  const ids = new Set<string>();
  for (const l of layers) for (const id of Object.keys(l.agents)) ids.add(id);
  for (const id of ids) {
    const defining = layers.filter((l) => l.agents[id]);
    const top = defining[defining.length - 1]!;
    // A `command` written but invalid was reported already: do not also call it missing.
    const hasCommand = base.has(id) || defining.some((l) => l.agents[id]!.command !== undefined || l.positions[`agents.${id}.command`]);
    if (!hasCommand) {
      const p = top.positions[`agents.${id}`] ?? { line: 1, col: 1 };
      issues.push({ file: fileOf(top), ...p, message: `agents.${id}: "command" is required ("${id}" is not a built-in agent: ${PRESET_IDS.join(', ')})` });
    }
    const withDetector = defining.filter((l) => l.agents[id]!.detector !== undefined);
    const dl = withDetector[withDetector.length - 1];
    if (dl) {
      const det = dl.agents[id]!.detector!;
      const hasPatterns = defining.some((l) => {
        const p = l.agents[id]!.patterns;
        return p && ((p.busy?.length ?? 0) + (p.waiting?.length ?? 0) + (p.idle?.length ?? 0)) > 0;
      });
      if (!(DETECTOR_KINDS as readonly string[]).includes(det) && !hasPatterns) {
        const p = dl.positions[`agents.${id}.detector`] ?? { line: 1, col: 1 };
        issues.push({
          file: fileOf(dl),
          ...p,
          message: `agents.${id}.detector: unknown detector "${det}" (built in: ${DETECTOR_KINDS.join(', ')}; a custom name needs the agent's own patterns)`,
        });
      }
    }
  }
  return issues;
}

/** Edit distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function suggest(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const dd = k.toLowerCase() === lower ? 0 : distance(lower, k.toLowerCase());
    if (dd < bestD) {
      bestD = dd;
      best = k;
    }
  }
  return best !== null && bestD <= Math.max(1, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : ` (expected one of: ${known.join(', ')})`;
}

interface Entry {
  key: Scalar;
  value: YamlNode | null;
}

class Walker {
  constructor(
    private readonly Y: Yaml,
    private readonly doc: Document,
    private readonly lc: LineCounter,
    private readonly file: string,
    private readonly issues: ConfigIssue[],
    private readonly layer: ConfigLayer,
  ) {}

  private pos(node: { range?: [number, number, number] | null } | null | undefined): Position {
    const off = node?.range?.[0];
    if (off === undefined) return { line: 1, col: 1 };
    return this.lc.linePos(off);
  }

  private add(at: { range?: [number, number, number] | null } | null | undefined, message: string): void {
    this.issues.push({ file: this.file, ...this.pos(at), message });
  }

  private deref(node: unknown): YamlNode | null {
    if (node === null || node === undefined) return null;
    if (this.Y.isAlias(node)) return (node.resolve(this.doc) as YamlNode | undefined) ?? null;
    return node as YamlNode;
  }

  private describe(node: YamlNode | null): string {
    if (node === null) return 'nothing';
    if (this.Y.isMap(node)) return 'a map';
    if (this.Y.isSeq(node)) return 'a list';
    if (this.Y.isScalar(node)) {
      const v = node.value;
      if (v === null) return 'nothing (null)';
      if (typeof v === 'number') return `a number (${node.source ?? v})`;
      if (typeof v === 'boolean') return `a boolean (${node.source ?? v})`;
      if (typeof v === 'string') return `a string ("${v.length > 40 ? v.slice(0, 40) + '…' : v}")`;
    }
    return 'an unsupported value';
  }

  /** A map's entries by key (merge keys `<<` applied), or null after reporting a non-map. */
  private map(node: YamlNode | null, path: string, at: { range?: [number, number, number] | null } | null): Map<string, Entry> | null {
    if (node === null || (this.Y.isScalar(node) && node.value === null)) return new Map();
    if (!this.Y.isMap(node)) {
      this.add(node ?? at, `${path}: expected a map, got ${this.describe(node)}`);
      return null;
    }
    const out = new Map<string, Entry>();
    const merged = new Map<string, Entry>();
    for (const pair of (node as YAMLMap).items as Pair[]) {
      const key = pair.key;
      if (this.Y.isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<')) {
        const v = this.deref(pair.value);
        const sources = v && this.Y.isSeq(v) ? (v as YAMLSeq).items.map((i) => this.deref(i)) : [v];
        for (const src of sources.reverse()) {
          if (!src || !this.Y.isMap(src)) {
            this.add(src ?? key, `${path}: "<<" needs a map or a list of maps, got ${this.describe(src)}`);
            continue;
          }
          const inner = this.map(src, path, key);
          if (inner) for (const [k, e] of inner) merged.set(k, e);
        }
        continue;
      }
      if (!this.Y.isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
        this.add((key as YamlNode | null) ?? node, `${path}: keys must be plain strings`);
        continue;
      }
      out.set(String(key.value), { key, value: this.deref(pair.value) });
    }
    for (const [k, e] of merged) if (!out.has(k)) out.set(k, e);
    return out;
  }

  /** Reports keys outside `known`. */
  private only(entries: Map<string, Entry>, known: readonly string[], path: string): void {
    for (const [k, e] of entries) if (!known.includes(k)) this.add(e.key, `${path ? path + ': ' : ''}unknown key "${k}"${suggest(k, known)}`);
  }

  private isNull(node: YamlNode | null): boolean {
    return node === null || (this.Y.isScalar(node) && node.value === null);
  }

  private str(e: Entry, path: string, opts: { nonEmpty?: boolean } = {}): string | undefined {
    const n = e.value;
    if (n && this.Y.isScalar(n) && typeof n.value === 'string') {
      if (opts.nonEmpty && n.value.trim() === '') {
        this.add(n, `${path}: must not be empty`);
        return undefined;
      }
      return n.value;
    }
    this.add(n ?? e.key, `${path}: expected a string, got ${this.describe(n)}${n && this.Y.isScalar(n) && n.value !== null ? ' (quote it)' : ''}`);
    return undefined;
  }

  private bool(e: Entry, path: string): boolean | undefined {
    const n = e.value;
    if (n && this.Y.isScalar(n) && typeof n.value === 'boolean') return n.value;
    this.add(n ?? e.key, `${path}: expected true or false, got ${this.describe(n)}`);
    return undefined;
  }

  /** A scalar as text: strings as they are, numbers and booleans as written in the file. */
  private coerced(n: YamlNode | null): string | undefined {
    if (!n || !this.Y.isScalar(n)) return undefined;
    const v = n.value;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return n.source ?? String(v);
    return undefined;
  }

  private strList(e: Entry, path: string, opts: { allowString?: boolean; coerce?: boolean; each?: (s: string, node: YamlNode, p: string) => void } = {}): string[] | undefined {
    const n = e.value;
    if (opts.allowString && n && this.Y.isScalar(n) && typeof n.value === 'string') {
      opts.each?.(n.value, n, path);
      return [n.value];
    }
    if (this.isNull(n)) return [];
    if (!n || !this.Y.isSeq(n)) {
      this.add(n ?? e.key, `${path}: expected a list of strings${opts.allowString ? ' (or one string)' : ''}, got ${this.describe(n)}`);
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    (n as YAMLSeq).items.forEach((raw, i) => {
      const item = this.deref(raw);
      const p = `${path}[${i}]`;
      const s = opts.coerce ? this.coerced(item) : item && this.Y.isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
      if (s === undefined) {
        ok = false;
        this.add(item ?? n, `${p}: expected a string, got ${this.describe(item)}`);
        return;
      }
      opts.each?.(s, item!, p);
      out.push(s);
    });
    return ok ? out : undefined;
  }

  private duration(e: Entry, path: string): number | undefined {
    const n = e.value;
    if (n && this.Y.isScalar(n) && (typeof n.value === 'number' || typeof n.value === 'string')) {
      const ms = parseDuration(n.value);
      if (ms !== null) return ms;
      this.add(n, `${path}: invalid duration ${typeof n.value === 'string' ? `"${n.value}"` : n.source ?? n.value} (write 90s, 5m, 1h, 1m30s, 250ms or a number of seconds)`);
      return undefined;
    }
    this.add(n ?? e.key, `${path}: expected a duration (90s, 5m, 1h or a number of seconds), got ${this.describe(n)}`);
    return undefined;
  }

  top(node: YamlNode | null): void {
    if (node !== null && !this.Y.isMap(node) && !this.isNull(node)) {
      this.add(node, `the config must be a map of settings (version, agents, workspaces, tmux, notify, mcp, logs, ttl), got ${this.describe(node)}`);
      return;
    }
    const entries = this.map(node, '(top level)', null);
    if (!entries) return;
    // `x-...` keys are free (a place for YAML anchors), as in docker-compose files.
    for (const k of [...entries.keys()]) if (k.startsWith('x-')) entries.delete(k);
    this.only(entries, SCHEMA_KEYS.top, '');
    const v = entries.get('version');
    if (v) {
      const n = v.value;
      if (n && this.Y.isScalar(n) && typeof n.value === 'number') {
        if (n.value !== 1) this.add(n, `version: unsupported version ${n.source ?? n.value} (this amux reads version 1)`);
        else this.layer.version = 1;
      } else this.add(n ?? v.key, `version: expected a number (1), got ${this.describe(n)}`);
    }
    const agents = entries.get('agents');
    if (agents) this.agents(agents);
    const ws = entries.get('workspaces');
    if (ws) this.workspaces(ws);
    const tmux = entries.get('tmux');
    if (tmux) {
      const m = this.map(tmux.value, 'tmux', tmux.key);
      if (m) {
        this.only(m, SCHEMA_KEYS.tmux, 'tmux');
        const s = m.get('socket');
        if (s) {
          const name = this.str(s, 'tmux.socket', { nonEmpty: true });
          if (name !== undefined && name.includes('/')) this.add(s.value, 'tmux.socket: a socket name (as in tmux -L NAME), not a path');
          else if (name !== undefined) this.layer.tmux.socket = name;
        }
      }
    }
    const notify = entries.get('notify');
    if (notify) this.notify(notify);
    const hib = entries.get('hibernate');
    if (hib) this.layer.hibernate = this.duration(hib, 'hibernate');
    const mcp = entries.get('mcp');
    if (mcp) {
      const m = this.map(mcp.value, 'mcp', mcp.key);
      if (m) {
        this.only(m, SCHEMA_KEYS.mcp, 'mcp');
        for (const k of SCHEMA_KEYS.mcp) {
          const x = m.get(k);
          if (x) this.layer.mcp[k] = this.count(x, `mcp.${k}`);
        }
        this.layer.mcp = dropUndefined(this.layer.mcp);
      }
    }
    const hosts = entries.get('hosts');
    if (hosts) this.hosts(hosts);
    const logs = entries.get('logs');
    if (logs) this.logs(logs);
    const ttl = entries.get('ttl');
    if (ttl) this.layer.ttl = this.duration(ttl, 'ttl');
  }

  /** `hosts: {NAME: {ssh: user@host[:port], amux, identity, dir, timeout}}`. */
  private hosts(e: Entry): void {
    const m = this.map(e.value, 'hosts', e.key);
    if (!m) return;
    for (const [name, entry] of m) {
      if (!HOST_NAME.test(name)) {
        this.add(entry.key, `hosts: invalid host name "${name}" (letters, digits, ".", "-" and "_", starting with a letter or digit)`);
        continue;
      }
      const h = this.map(entry.value, `hosts.${name}`, entry.key);
      if (!h) continue;
      this.only(h, SCHEMA_KEYS.host, `hosts.${name}`);
      const out: Partial<HostConfig> = {};
      const ssh = h.get('ssh');
      if (!ssh) this.add(entry.key, `hosts.${name}: "ssh" is required (user@host or user@host:port)`);
      else {
        const s = this.str(ssh, `hosts.${name}.ssh`, { nonEmpty: true });
        if (s !== undefined && !parseTarget(s)) this.add(ssh.value, `hosts.${name}.ssh: not an ssh destination: "${s}" (write user@host or user@host:port)`);
        else if (s !== undefined) out.ssh = s;
      }
      for (const k of ['amux', 'identity', 'dir'] as const) {
        const x = h.get(k);
        if (x) out[k] = this.str(x, `hosts.${name}.${k}`, { nonEmpty: true });
      }
      const t = h.get('timeout');
      if (t) out.timeout = this.duration(t, `hosts.${name}.timeout`);
      if (out.ssh) this.layer.hosts[name] = dropUndefined(out) as HostConfig;
    }
  }


  /** `logs: {maxBytes, keep}`: the size at which a session's log rotates, and how many rotated files stay. */
  private logs(e: Entry): void {
    const m = this.map(e.value, 'logs', e.key);
    if (!m) return;
    this.only(m, SCHEMA_KEYS.logs, 'logs');
    const mb = m.get('maxBytes');
    if (mb) {
      const n = this.count(mb, 'logs.maxBytes');
      if (n !== undefined && n < MIN_LOG_BYTES) this.add(mb.value, `logs.maxBytes: at least ${MIN_LOG_BYTES} bytes, got ${n}`);
      else if (n !== undefined) this.layer.logs.maxBytes = n;
    }
    const k = m.get('keep');
    if (k) {
      const n = this.count(k, 'logs.keep');
      if (n !== undefined && (n < 1 || n > MAX_LOG_KEEP)) this.add(k.value, `logs.keep: from 1 to ${MAX_LOG_KEEP} rotated files, got ${n}`);
      else if (n !== undefined) this.layer.logs.keep = n;
    }
  }

  /** A whole number from 0 up (a limit). */
  private count(e: Entry, path: string): number | undefined {
    const n = e.value;
    if (n && this.Y.isScalar(n) && typeof n.value === 'number' && Number.isInteger(n.value) && n.value >= 0) return n.value;
    this.add(n ?? e.key, `${path}: expected a whole number from 0 up, got ${this.describe(n)}`);
    return undefined;
  }

  private agents(e: Entry): void {
    const m = this.map(e.value, 'agents', e.key);
    if (!m) return;
    for (const [id, entry] of m) {
      if (!AGENT_ID.test(id)) {
        this.add(entry.key, `agents: invalid agent id "${id}" (letters, digits, "-" and "_", starting with a letter or digit, at most 63 characters)`);
        continue;
      }
      this.layer.positions[`agents.${id}`] = this.pos(entry.key);
      const agent = this.agent(entry, `agents.${id}`);
      if (agent) this.layer.agents[id] = agent;
    }
  }

  private agent(e: Entry, path: string): AgentLayer | null {
    const m = this.map(e.value, path, e.key);
    if (!m) return null;
    this.only(m, SCHEMA_KEYS.agent, path);
    const a: AgentLayer = {};
    const get = (k: string) => m.get(k);
    let x: Entry | undefined;
    if ((x = get('name'))) a.name = this.str(x, `${path}.name`, { nonEmpty: true });
    if ((x = get('description'))) a.description = this.str(x, `${path}.description`);
    if ((x = get('type'))) {
      const t = this.str(x, `${path}.type`);
      if (t !== undefined && t !== 'tmux') this.add(x.value, `${path}.type: unsupported type "${t}" (only "tmux")`);
      else if (t) a.type = 'tmux';
    }
    if ((x = get('command'))) {
      this.layer.positions[`${path}.command`] = this.pos(x.key);
      const n = x.value;
      if (n && this.Y.isSeq(n)) {
        const argv = this.strList(x, `${path}.command`, { coerce: true });
        if (argv && argv.length === 0) this.add(n, `${path}.command: the list is empty`);
        else if (argv && argv[0]!.trim() === '') this.add(n, `${path}.command: the program (first item) is empty`);
        else if (argv) a.command = argv;
      } else if (n && this.Y.isScalar(n) && typeof n.value === 'string') {
        if (n.value.trim() === '') this.add(n, `${path}.command: must not be empty`);
        else a.command = n.value;
      } else this.add(n ?? x.key, `${path}.command: expected a string (run by the shell) or a list of strings (argv), got ${this.describe(n)}`);
    }
    if ((x = get('environment'))) {
      const em = this.map(x.value, `${path}.environment`, x.key);
      if (em) {
        const env: Record<string, string> = {};
        for (const [k, ve] of em) {
          const p = `${path}.environment.${k}`;
          if (!ENV_NAME.test(k)) {
            this.add(ve.key, `${path}.environment: "${k}" is not a valid variable name`);
            continue;
          }
          const s = this.coerced(ve.value);
          if (s === undefined) {
            this.add(ve.value ?? ve.key, `${p}: expected a string, number or boolean, got ${this.describe(ve.value)}${this.isNull(ve.value) ? ' (write "" for an empty value)' : ''}`);
            continue;
          }
          const bad = checkExpansion(s);
          if (bad) this.add(ve.value, `${p}: ${bad}`);
          else env[k] = s;
        }
        a.environment = env;
      }
    }
    if ((x = get('workingDir'))) a.workingDir = this.str(x, `${path}.workingDir`, { nonEmpty: true });
    if ((x = get('tags'))) a.tags = this.strList(x, `${path}.tags`);
    if ((x = get('detector'))) {
      const d = this.str(x, `${path}.detector`, { nonEmpty: true });
      if (d !== undefined) {
        a.detector = d;
        this.layer.positions[`${path}.detector`] = this.pos(x.value);
      }
    }
    if ((x = get('idleAfter'))) a.idleAfter = this.duration(x, `${path}.idleAfter`);
    if ((x = get('stuckAfter'))) a.stuckAfter = this.duration(x, `${path}.stuckAfter`);
    if ((x = get('patterns'))) {
      const pm = this.map(x.value, `${path}.patterns`, x.key);
      if (pm) {
        this.only(pm, SCHEMA_KEYS.patterns, `${path}.patterns`);
        const pats: NonNullable<AgentLayer['patterns']> = {};
        for (const kind of ['busy', 'waiting', 'idle'] as const) {
          const pe = pm.get(kind);
          if (!pe) continue;
          const list = this.strList(pe, `${path}.patterns.${kind}`, {
            allowString: true,
            each: (s, node, p) => {
              try {
                new RegExp(s, 'i');
              } catch (err) {
                this.add(node, `${p}: invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
              }
            },
          });
          if (list) pats[kind] = list;
        }
        const r = pm.get('replace');
        if (r) pats.replace = this.bool(r, `${path}.patterns.replace`);
        a.patterns = pats;
      }
    }
    if ((x = get('params'))) {
      const pm = this.map(x.value, `${path}.params`, x.key);
      if (pm) {
        this.only(pm, SCHEMA_KEYS.params, `${path}.params`);
        const params: AgentParams = {};
        let y: Entry | undefined;
        if ((y = pm.get('shell'))) params.shell = this.str(y, `${path}.params.shell`, { nonEmpty: true });
        if ((y = pm.get('windowName'))) params.windowName = this.str(y, `${path}.params.windowName`, { nonEmpty: true });
        if ((y = pm.get('autoAttach'))) params.autoAttach = this.bool(y, `${path}.params.autoAttach`);
        if ((y = pm.get('detached'))) params.detached = this.bool(y, `${path}.params.detached`);
        a.params = dropUndefined(params);
      }
    }
    return dropUndefined(a);
  }

  private workspaces(e: Entry): void {
    const m = this.map(e.value, 'workspaces', e.key);
    if (!m) return;
    this.only(m, SCHEMA_KEYS.workspaces, 'workspaces');
    const w = this.layer.workspaces;
    let x: Entry | undefined;
    if ((x = m.get('root'))) w.root = this.str(x, 'workspaces.root', { nonEmpty: true });
    if ((x = m.get('baseBranch'))) w.baseBranch = this.str(x, 'workspaces.baseBranch', { nonEmpty: true });
    if ((x = m.get('copy'))) w.copy = this.strList(x, 'workspaces.copy');
    if ((x = m.get('setup'))) w.setup = this.strList(x, 'workspaces.setup');
    this.layer.workspaces = dropUndefined(w);
  }

  private notify(e: Entry): void {
    const m = this.map(e.value, 'notify', e.key);
    if (!m) return;
    this.only(m, SCHEMA_KEYS.notify, 'notify');
    for (const ev of NOTIFY_EVENTS) {
      const x = m.get(ev);
      if (!x) continue;
      const list = this.strList(x, `notify.${ev}`, { allowString: true });
      if (list) this.layer.notify.on[ev] = list;
    }
    let x: Entry | undefined;
    if ((x = m.get('displayMessage'))) {
      const b = this.bool(x, 'notify.displayMessage');
      if (b !== undefined) this.layer.notify.displayMessage = b;
    }
    if ((x = m.get('desktop'))) {
      const b = this.bool(x, 'notify.desktop');
      if (b !== undefined) this.layer.notify.desktop = b;
    }
    if ((x = m.get('events'))) {
      let ok = true;
      const list = this.strList(x, 'notify.events', {
        each: (s, node, p) => {
          if ((NOTIFY_EVENTS as readonly string[]).includes(s)) return;
          ok = false;
          this.add(node, `${p}: unknown event "${s}" (expected one of ${NOTIFY_EVENTS.join(', ')})`);
        },
      });
      if (list && ok) this.layer.notify.events = [...new Set(list)] as NotifyEvent[];
    }
  }
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
