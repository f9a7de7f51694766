/**
 * `amux mcp install`: registers `amux mcp` with Claude Code and Codex where each CLI looks for
 * it, and lets Claude Code call amux's tools without a dialog per call.
 *
 * - Claude Code, project scope: `mcpServers.amux` in the project's `.mcp.json`, and in
 *   `.claude/settings.local.json` (this user's, not committed) the permission rule
 *   `mcp__amux__*` and `enabledMcpjsonServers: ["amux"]` (a project server is otherwise
 *   approved by hand first).
 * - Claude Code, user scope: `mcpServers.amux` in `~/.claude.json`, the rule in
 *   `~/.claude/settings.json`.
 * - Codex: the `[mcp_servers.amux]` table of `$CODEX_HOME/config.toml` (default `~/.codex`).
 *
 * JSON files are parsed and written back whole with only amux's keys changed; in TOML only
 * amux's own table is replaced (the rest of the file stays byte for byte). A change that is
 * already there writes nothing, so running it twice is the same as once.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { AmuxError } from '../util/errors.js';
import { CLI_ENTRY } from '../util/root.js';

export type Client = 'claude' | 'codex';
export type Scope = 'project' | 'user';

/** The name amux registers under, and Claude Code's rule for every tool of it. */
export const SERVER_NAME = 'amux';
export const CLAUDE_RULE = `mcp__${SERVER_NAME}__*`;

/** One file change: where, what amux's part of it becomes, and the whole new text. */
export interface Change {
  file: string;
  /** amux's part, as it is written (JSON keys or the TOML table). */
  shows: string;
  /** The file's text after the change; null when it already holds it (nothing to write). */
  text: string | null;
  created: boolean;
}

export interface InstallEnv {
  env: NodeJS.ProcessEnv;
  /** The project's folder (project scope). */
  project: string;
}

/** How a client starts the server: `amux mcp` when `amux` is on PATH, else node and this CLI. */
export function launchCommand(env: NodeJS.ProcessEnv): { command: string; args: string[] } {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'amux'), constants.X_OK);
      return { command: 'amux', args: ['mcp'] };
    } catch {
      /* not here */
    }
  }
  return { command: process.execPath, args: [CLI_ENTRY, 'mcp'] };
}

const home = (env: NodeJS.ProcessEnv) => env.HOME || homedir();
export const codexHome = (env: NodeJS.ProcessEnv) => env.CODEX_HOME || join(home(env), '.codex');

/** The changes `amux mcp install` makes for one client and scope (nothing is written here). */
export function planInstall(client: Client, scope: Scope, where: InstallEnv): Change[] {
  const launch = launchCommand(where.env);
  if (client === 'codex') return [codexChange(join(codexHome(where.env), 'config.toml'), launch)];
  const servers = scope === 'project' ? join(where.project, '.mcp.json') : join(home(where.env), '.claude.json');
  const settings = scope === 'project' ? join(where.project, '.claude', 'settings.local.json') : join(home(where.env), '.claude', 'settings.json');
  const entry = { type: 'stdio', command: launch.command, args: launch.args, env: {} };
  return [
    jsonChange(servers, (doc) => {
      const mcpServers = objectAt(doc, 'mcpServers', servers);
      mcpServers[SERVER_NAME] = entry;
      return { mcpServers: { [SERVER_NAME]: entry } };
    }),
    jsonChange(settings, (doc) => {
      const permissions = objectAt(doc, 'permissions', settings);
      const allow = arrayAt(permissions, 'allow', settings);
      if (!allow.includes(CLAUDE_RULE)) allow.push(CLAUDE_RULE);
      const shown: Record<string, unknown> = { permissions: { allow: [CLAUDE_RULE] } };
      if (scope === 'project') {
        const enabled = arrayAt(doc, 'enabledMcpjsonServers', settings);
        if (!enabled.includes(SERVER_NAME)) enabled.push(SERVER_NAME);
        shown.enabledMcpjsonServers = [SERVER_NAME];
      }
      return shown;
    }),
  ];
}

/** Writes the changes that change something (each atomically, keeping the file's mode). */
export function applyChanges(changes: Change[]): void {
  for (const c of changes) {
    if (c.text === null) continue;
    mkdirSync(dirname(c.file), { recursive: true });
    const mode = c.created ? 0o600 : statSync(c.file).mode & 0o777;
    const tmp = `${c.file}.amux-${process.pid}.tmp`;
    writeFileSync(tmp, c.text, { mode });
    renameSync(tmp, c.file);
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AmuxError(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

type Doc = Record<string, unknown>;

/** A JSON file with `edit` applied to its parsed document; `edit` returns amux's part, to show. */
function jsonChange(file: string, edit: (doc: Doc) => Doc): Change {
  const old = readText(file);
  let doc: Doc = {};
  if (old !== null && old.trim()) {
    try {
      doc = JSON.parse(old) as Doc;
    } catch (e) {
      throw new AmuxError(`${file} is not valid JSON (${(e as Error).message}); amux leaves it alone`, { code: 'config', hint: 'fix it, or use --print and add the entry by hand' });
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new AmuxError(`${file} does not hold a JSON object; amux leaves it alone`, { code: 'config' });
  }
  const before = JSON.stringify(doc);
  const shows = JSON.stringify(edit(doc), null, 2);
  const unchanged = old !== null && JSON.stringify(doc) === before;
  return { file, shows, text: unchanged ? null : JSON.stringify(doc, null, 2) + '\n', created: old === null };
}

function objectAt(doc: Doc, key: string, file: string): Doc {
  const v = doc[key];
  if (v === undefined) return (doc[key] = {}) as Doc;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new AmuxError(`${file}: "${key}" is not an object; amux leaves it alone`, { code: 'config' });
  return v as Doc;
}

function arrayAt(doc: Doc, key: string, file: string): unknown[] {
  const v = doc[key];
  if (v === undefined) return (doc[key] = []) as unknown[];
  if (!Array.isArray(v)) throw new AmuxError(`${file}: "${key}" is not a list; amux leaves it alone`, { code: 'config' });
  return v;
}

/** A TOML basic string. */
const tomlString = (s: string) => JSON.stringify(s).replace(/[\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The `[mcp_servers.amux]` table amux writes. */
export function codexTable(launch: { command: string; args: string[] }): string {
  return [`[mcp_servers.${SERVER_NAME}]`, `command = ${tomlString(launch.command)}`, `args = [${launch.args.map(tomlString).join(', ')}]`, ''].join('\n');
}

/** A table header line naming amux's table or one under it (`[mcp_servers.amux]`, `[mcp_servers.amux.env]`, quoted forms too). */
const OWN_HEADER = new RegExp(`^\\s*\\[\\s*mcp_servers\\s*\\.\\s*(?:${SERVER_NAME}|"${SERVER_NAME}"|'${SERVER_NAME}')\\s*(?:\\]|\\.)`);
const ANY_HEADER = /^\s*\[/;

/**
 * Replaces amux's table (and tables under it) in a TOML text, or appends it: every other line
 * stays as it was. A header line is a line whose first non-blank is `[` (a multi-line array's
 * continuation never starts a line with `[` in files written by Codex or by hand in practice;
 * amux's own table has none).
 */
export function withCodexTable(old: string, table: string): string {
  const lines = old.split('\n');
  const out: string[] = [];
  let inOwn = false;
  let placed = false;
  for (const line of lines) {
    if (ANY_HEADER.test(line)) {
      const own = OWN_HEADER.test(line);
      if (own && !placed) {
        out.push(...table.replace(/\n$/, '').split('\n'));
        placed = true;
      }
      inOwn = own;
      if (own) continue;
    }
    // Blank lines stay (the spacing between tables is the user's).
    if (!inOwn || !line.trim()) out.push(line);
  }
  if (placed) return out.join('\n');
  const body = old.replace(/\n*$/, '');
  return body ? `${body}\n\n${table}` : table;
}

function codexChange(file: string, launch: { command: string; args: string[] }): Change {
  const old = readText(file);
  const table = codexTable(launch);
  const text = withCodexTable(old ?? '', table);
  return { file, shows: table, text: old === text ? null : text, created: old === null };
}
