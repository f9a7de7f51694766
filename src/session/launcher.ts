import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hookedArgv, hookSettingsFor, picksOwnConversation, withAgentArgs } from '../agents/hooks.js';
import { profileFor } from '../agents/index.js';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { Server } from '../tmux/server.js';
import { tmuxSessionName, validateName } from '../tmux/names.js';
import { launchSession, launchSessions, type LaunchedSession, type SessionLaunch } from '../tmux/launch.js';
import { DuplicateSessionError } from '../tmux/errors.js';
import { homeDir } from '../util/paths.js';
import { Registry } from './registry.js';
import { RECORD_SCHEMA, type ConversationRef, type SessionRecord } from './types.js';
import { launcherArgv, writeEnvFile } from './envfile.js';
import { logWriterCommand } from './logwriter.js';
import { logSettings } from './rotation.js';

/** Everything needed to start one agent; built from config by the caller, never from YAML here. */
export interface LaunchSpec {
  agent: string;
  /** Explicit session name (refused if taken) or undefined for `<base>`, `<base>-2`, ... */
  name?: string;
  /** Base for generated names. */
  nameBase: string;
  /** Final argv of the agent (string commands arrive as [shell, '-c', cmd]). */
  argv: string[];
  /** Full environment of the agent process (caller's env + agent env, expanded). */
  env: Record<string, string | undefined>;
  cwd: string;
  project: string;
  workspace: string | null;
  detector: string;
  windowName: string;
  tags: string[];
  idleAfter?: number;
  stuckAfter?: number;
  /** True when argv is [shell, -c, COMMAND, ...] built from a string command (hook args go into COMMAND). */
  shellCommand?: boolean;
  patterns?: SessionRecord['patterns'];
  /** The id of the session that asked for this one (recorded as its parent). */
  parent?: string;
  /** `logs:` from the config (rotation size and count); AMUX_LOG_MAX / AMUX_LOG_KEEP win. */
  logs?: { maxBytes: number; keep: number };
  /** Terminal size of the detached session until someone attaches. */
  width?: number;
  height?: number;
  /** Launched on a clean base environment (recorded: a relaunch does the same). */
  cleanEnv?: boolean;
}

/** Finds an executable the way execvp would, with the agent's PATH. Null when absent. */
export function findExecutable(cmd: string, path: string | undefined, cwd: string): string | null {
  const ok = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) {
    const p = isAbsolute(cmd) ? cmd : resolve(cwd, cmd);
    return ok(p) ? p : null;
  }
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    if (ok(p)) return p;
  }
  return null;
}

/** How many generated names tmux may hold already before a launch gives up. */
const MAX_TMUX_TAKEN = 100;

/**
 * Starts the agent with the launch recipe (tmux/launch.ts): the capped log writer gets the pane's
 * very first byte and the exit status is kept. Returns the durable record (already written to
 * the registry). A generated name that tmux already has as a session (one made by hand, or left
 * by a removed record) counts as taken: the next free name is tried. Launches of one batch share
 * `taken`, so each such name is found once per batch, not once per launch.
 */
export async function launch(server: Server, spec: LaunchSpec, registry = new Registry(), taken = new Set<string>()): Promise<SessionRecord> {
  if (spec.name !== undefined) validateName(spec.name);
  const id = registry.newId();
  for (let tries = 0; ; tries++) {
    const name = registry.reserveUnique(spec.name ?? spec.nameBase, id, spec.name !== undefined, taken);
    try {
      return await launchAs(server, spec, id, name, registry);
    } catch (e) {
      if (!(e instanceof DuplicateSessionError) || spec.name !== undefined || tries >= MAX_TMUX_TAKEN) throw e;
      taken.add(name);
    }
  }
}

/** One launch made ready: its files written, its tmux recipe built (see `prepare`). */
interface Prepared {
  spec: LaunchSpec;
  id: string;
  name: string;
  tmuxName: string;
  runDir: string;
  logFile: string;
  argv: string[];
  /** The argv before amux gave it a conversation id (a relaunch starts from it). */
  baseArgv: string[];
  conversation: ConversationRef | null;
  launch: SessionLaunch;
}

/** Writes what the session needs before tmux starts it (env file, hook settings, the private log) under `name`, reserved for `id`. */
function prepare(server: Server, spec: LaunchSpec, id: string, name: string): Prepared {
  const tmuxName = tmuxSessionName(name);
  const runDir = join(homeDir('run'), id);
  const logFile = join(homeDir('logs'), `${id}.log`);
  const logs = logSettings({ logs: spec.logs });
  const p: Prepared = { spec, id, name, tmuxName, runDir, logFile, argv: [], baseArgv: [], conversation: null, launch: null as unknown as SessionLaunch };
  try {
    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    const envFile = join(runDir, 'env');
    writeEnvFile(envFile, { ...spec.env, AMUX_SESSION: name, AMUX_SESSION_ID: id });
    saveLaunchEnv(runDir, spec.env);
    p.baseArgv = withHooks(spec, runDir);
    ({ argv: p.argv, conversation: p.conversation } = assignConversation(spec, p.baseArgv));
    closeSync(openSync(logFile, 'a', 0o600)); // private from its first byte (logs can hold secrets)
    p.launch = {
      tmuxName,
      windowName: spec.windowName,
      cwd: spec.cwd,
      width: spec.width ?? 200,
      height: spec.height ?? 50,
      paneOptions: { '@amux_id': id, '@amux_agent': spec.agent },
      sessionOptions: { '@amux_session': name },
      pipeTo: logWriterCommand(logFile, logs.maxBytes, logs.keep),
      argv: launcherArgv(envFile, p.argv),
    };
    return p;
  } catch (e) {
    unprepare(p);
    throw e;
  }
}

/** Leaves nothing of a launch that did not happen: its name free, its files gone. */
function unprepare(p: Prepared, registry = new Registry()): void {
  registry.releaseName(p.name, p.id);
  rmSync(p.runDir, { recursive: true, force: true });
  rmSync(p.logFile, { force: true });
}

/** Writes the record of a session tmux made. */
function record(server: Server, p: Prepared, ids: LaunchedSession, registry: Registry): SessionRecord {
  const { spec } = p;
  const rec: SessionRecord = {
    schema: RECORD_SCHEMA,
    id: p.id,
    name: p.name,
    agent: spec.agent,
    detector: spec.detector,
    argv: p.argv,
    project: spec.project,
    workspace: spec.workspace,
    cwd: spec.cwd,
    createdAt: new Date().toISOString(),
    tmux: { socket: server.label, session: p.tmuxName, sessionId: ids.sessionId, window: ids.windowId, pane: ids.paneId },
    logFile: p.logFile,
    tags: spec.tags,
    ...(spec.idleAfter !== undefined ? { idleAfter: spec.idleAfter } : {}),
    ...(spec.stuckAfter !== undefined ? { stuckAfter: spec.stuckAfter } : {}),
    ...(spec.patterns ? { patterns: spec.patterns } : {}),
    ...(spec.parent ? { parent: spec.parent } : {}),
    envNames: envNamesOf(spec.env),
    baseArgv: p.baseArgv,
    windowName: spec.windowName,
    ...(spec.shellCommand ? { shellCommand: true } : {}),
    ...(spec.cleanEnv ? { cleanEnv: true } : {}),
    ...(p.conversation ? { conversation: p.conversation } : {}),
  };
  registry.put(rec);
  return rec;
}

/** Starts the session under `name` (reserved for `id`); on failure nothing is left and the name is free. */
async function launchAs(server: Server, spec: LaunchSpec, id: string, name: string, registry: Registry): Promise<SessionRecord> {
  const p = prepare(server, spec, id, name);
  let created = false;
  try {
    const ids = await launchSession(server, p.launch);
    created = true;
    return record(server, p, ids, registry);
  } catch (e) {
    if (created) await server.killSessionNamed(p.tmuxName).catch(() => undefined);
    unprepare(p, registry);
    throw e;
  }
}

/**
 * Several generated-name launches with one tmux client (tmux/launch.ts `launchSessions`): each
 * result is its record or why it failed, in order. A launch the batch could not make is made
 * on its own (`launch`), which says exactly why it fails or takes the next free name.
 */
export async function launchMany(server: Server, specs: readonly LaunchSpec[], registry = new Registry(), taken = new Set<string>()): Promise<PromiseSettledResult<SessionRecord>[]> {
  const out: PromiseSettledResult<SessionRecord>[] = new Array(specs.length);
  const ready: { i: number; p: Prepared }[] = [];
  const alone: number[] = [];
  specs.forEach((spec, i) => {
    if (spec.name !== undefined) return alone.push(i);
    const id = registry.newId();
    try {
      ready.push({ i, p: prepare(server, spec, id, registry.reserveUnique(spec.nameBase, id, false, taken)) });
    } catch (e) {
      out[i] = { status: 'rejected', reason: e };
    }
  });
  const ids = await launchSessions(server, ready.map((r) => r.p.launch));
  for (const [k, { i, p }] of ready.entries()) {
    const made = ids[k];
    if (!made) {
      unprepare(p, registry);
      alone.push(i);
      continue;
    }
    try {
      out[i] = { status: 'fulfilled', value: record(server, p, made, registry) };
    } catch (e) {
      await server.killSessionNamed(p.tmuxName).catch(() => undefined);
      unprepare(p, registry);
      out[i] = { status: 'rejected', reason: e };
    }
  }
  for (const i of alone) {
    try {
      out[i] = { status: 'fulfilled', value: await launch(server, specs[i]!, registry, taken) };
    } catch (e) {
      out[i] = { status: 'rejected', reason: e };
    }
  }
  return out;
}

/**
 * Adds the agent's hook wiring (Claude's `--settings FILE`, Codex's notify program) by detector
 * kind, so an overridden command (a wrapper, a pinned binary, a shell string) still gets it. In
 * a string command the words go right after the agent's own word, quoted; a string with no such
 * word is refused before anything is written.
 */
function withHooks(spec: LaunchSpec, runDir: string): string[] {
  const file = join(runDir, 'hooks.json');
  const argv = hookedArgv(spec, file);
  const settings = hookSettingsFor(spec.detector);
  if (settings !== null) writeFileSync(file, settings, { mode: 0o600 });
  return argv;
}

/** The names (never the values) of the variables set for the agent beyond the caller's own environment. */
function envNamesOf(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter((k) => env[k] !== undefined && process.env[k] !== env[k])
    .sort();
}

/**
 * A new conversation under an id amux chooses (Claude Code's `--session-id UUID`), so the record
 * knows it from the first second; none when the agent cannot be told one or the command already
 * picks one (`--resume X`: the agent's SessionStart report says which).
 */
function assignConversation(spec: LaunchSpec, baseArgv: string[]): { argv: string[]; conversation: ConversationRef | null } {
  const assign = profileFor(spec.detector).conversation?.assignArgs;
  const target = { ...spec, argv: baseArgv };
  if (!assign || picksOwnConversation(target)) return { argv: baseArgv, conversation: null };
  const id = globalThis.crypto.randomUUID();
  const argv = withAgentArgs(target, assign(id));
  if (!argv) return { argv: baseArgv, conversation: null };
  return { argv, conversation: { id, source: 'assigned', at: new Date().toISOString() } };
}

/**
 * The agent's environment at launch, kept for a relaunch (resume, restart, wake: "the same
 * environment"), like the env file in a 0600 file of the 0700 run folder, never on a command
 * line; it goes with the session (amux rm).
 */
function saveLaunchEnv(runDir: string, env: Record<string, string | undefined>): void {
  writeFileSync(join(runDir, 'env.json'), JSON.stringify(env) + '\n', { mode: 0o600 });
}

/** The agent's environment saved at launch; null when none was (a record from before, or the file is gone). */
export function readLaunchEnv(id: string): Record<string, string> | null {
  try {
    const v = JSON.parse(readFileSync(join(runDirOf(id), 'env.json'), 'utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    /* none saved */
  }
  return null;
}

/** Writes the agent's hook settings file again (a relaunch: the run folder may predate a new hook). */
export function rewriteHookSettings(detector: string, id: string): void {
  const settings = hookSettingsFor(detector);
  if (settings !== null) writeFileSync(join(runDirOf(id), 'hooks.json'), settings, { mode: 0o600 });
}

/** The per-session run folder (env file, hook settings). */
export function runDirOf(id: string): string {
  return join(homeDir('run'), id);
}
