/**
 * The service manager amux talks to: the user's systemd (`systemctl --user`) on Linux, launchd
 * (`launchctl`) on macOS, or none (a container, a machine without systemd): then every action
 * says so and shows the foreground command. Commands are argv arrays, never shell strings.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { userInfo } from 'node:os';
import { AmuxError } from '../util/errors.js';
import { probeSystemd, type ScopeProbe } from '../tmux/scope.js';
import { foregroundCommand, launchdPlist, launchdPlistPath, LAUNCHD_LABEL, systemdUnit, systemdUnitPath, UNIT_NAME } from './unit.js';

export type ManagerKind = 'systemd' | 'launchd' | 'none';

export interface Manager {
  kind: ManagerKind;
  /** Why there is none (for the message), when kind is none. */
  why?: string;
}

/** Which service manager this machine has for the user (`AMUX_SERVICE_MANAGER=none` says: none). */
export function detectManager(probe: ScopeProbe = probeSystemd(), env: NodeJS.ProcessEnv = process.env): Manager {
  if (env.AMUX_SERVICE_MANAGER === 'none') return { kind: 'none', why: 'AMUX_SERVICE_MANAGER=none' };
  if (probe.platform === 'darwin') return { kind: 'launchd' };
  if (probe.platform !== 'linux') return { kind: 'none', why: `amux has no service definition for ${probe.platform}` };
  if (!probe.systemdBooted) return { kind: 'none', why: 'systemd is not running on this machine, no /run/systemd/system (a container, or another init system)' };
  if (!probe.userManager) return { kind: 'none', why: "the user's systemd manager is not reachable, no $XDG_RUNTIME_DIR/systemd/private (log in through a session that starts it, or run loginctl enable-linger)" };
  return { kind: 'systemd' };
}

/** The error every action gives without a service manager: why, and what to run instead. */
export function noManager(m: Manager): AmuxError {
  return new AmuxError(`no service manager here: ${m.why}`, {
    code: 'failed',
    hint: `run it in the foreground instead, in a tmux window or under your own supervisor: ${foregroundCommand()}`,
  });
}

/** The file the service is defined in, and its text. */
export function definition(kind: Exclude<ManagerKind, 'none'>, env: NodeJS.ProcessEnv): { file: string; text: string } {
  return kind === 'launchd' ? { file: launchdPlistPath(env), text: launchdPlist({ env }) } : { file: systemdUnitPath(env), text: systemdUnit({ env }) };
}

/** Writes the definition (0644: a service manager reads it; it holds no secret). Returns whether it changed. */
export function writeDefinition(file: string, text: string): boolean {
  let old: string | null = null;
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    /* new */
  }
  if (old === text) return false;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.amux-${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
  return true;
}

export function removeDefinition(file: string): boolean {
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTool(file: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      resolve({ code, stdout, stderr: err && !stderr ? err.message : stderr });
    });
  });
}

async function must(file: string, args: string[]): Promise<RunResult> {
  const r = await runTool(file, args);
  if (r.code !== 0) throw new AmuxError(`${file} ${args.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r;
}

const systemctl = (...args: string[]) => must('systemctl', ['--user', ...args]);
const gui = () => `gui/${process.getuid?.() ?? 0}`;

export type Action = 'start' | 'stop' | 'restart';

/** Reloads the manager's view of the definition and (with `enable`) enables and starts it. */
export async function activate(kind: Exclude<ManagerKind, 'none'>, file: string, enable: boolean): Promise<void> {
  if (kind === 'systemd') {
    await systemctl('daemon-reload');
    if (enable) await systemctl('enable', '--now', UNIT_NAME);
    return;
  }
  if (!enable) return;
  await runTool('launchctl', ['bootout', `${gui()}/${LAUNCHD_LABEL}`]);
  await must('launchctl', ['bootstrap', gui(), file]);
}

export async function deactivate(kind: Exclude<ManagerKind, 'none'>): Promise<void> {
  if (kind === 'systemd') await runTool('systemctl', ['--user', 'disable', '--now', UNIT_NAME]);
  else await runTool('launchctl', ['bootout', `${gui()}/${LAUNCHD_LABEL}`]);
}

export async function afterRemoval(kind: Exclude<ManagerKind, 'none'>): Promise<void> {
  if (kind === 'systemd') await runTool('systemctl', ['--user', 'daemon-reload']);
}

export async function control(kind: Exclude<ManagerKind, 'none'>, action: Action): Promise<void> {
  if (kind === 'systemd') {
    await systemctl(action, UNIT_NAME);
    return;
  }
  const target = `${gui()}/${LAUNCHD_LABEL}`;
  if (action === 'stop') await must('launchctl', ['kill', 'TERM', target]);
  else await must('launchctl', ['kickstart', ...(action === 'restart' ? ['-k'] : []), target]);
}

export interface ServiceStatus {
  manager: ManagerKind;
  file: string | null;
  installed: boolean;
  enabled: boolean | null;
  active: boolean | null;
  /** The manager's own words (systemctl is-active / launchctl print). */
  detail: string;
  /** Linux: whether the user's services run without a login (loginctl enable-linger). */
  linger: boolean | null;
}

export async function status(kind: Exclude<ManagerKind, 'none'>, env: NodeJS.ProcessEnv): Promise<ServiceStatus> {
  const { file } = definition(kind, env);
  const installed = existsSync(file);
  if (kind === 'systemd') {
    const active = await runTool('systemctl', ['--user', 'is-active', UNIT_NAME]);
    const enabled = await runTool('systemctl', ['--user', 'is-enabled', UNIT_NAME]);
    return { manager: kind, file, installed, enabled: enabled.code === 0, active: active.code === 0, detail: `${active.stdout.trim() || 'unknown'}, ${enabled.stdout.trim() || 'not enabled'}`, linger: lingering() };
  }
  const r = await runTool('launchctl', ['print', `${gui()}/${LAUNCHD_LABEL}`]);
  const state = /state = (\w+)/.exec(r.stdout)?.[1] ?? (r.code === 0 ? 'loaded' : 'not loaded');
  return { manager: kind, file, installed, enabled: r.code === 0, active: state === 'running', detail: state, linger: null };
}

/** Whether systemd keeps this user's manager (and services) running without a login. */
export function lingering(): boolean | null {
  try {
    return existsSync(`/var/lib/systemd/linger/${userInfo().username}`);
  } catch {
    return null;
  }
}

/** Advice when lingering is off: without it, the service stops at the last logout. */
export function lingerAdvice(): string {
  let user = '$USER';
  try {
    user = userInfo().username;
  } catch {
    /* keep the variable */
  }
  return `the service runs only while you are logged in; to keep it (and your agents) running after you log out: loginctl enable-linger ${user}`;
}
