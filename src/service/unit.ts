/**
 * The service definition amux installs: a systemd user unit (Linux) or a launchd agent (macOS)
 * that keeps the monitor and `amux serve` running. Pure text generation: nothing here runs or
 * writes anything. What the service runs comes from `serviceCommands` alone.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY } from '../util/root.js';

/** The unit's name (systemd) and the agent's label (launchd). */
export const UNIT_NAME = 'amux.service';
export const LAUNCHD_LABEL = 'dev.amux.serve';

/** How the service runs amux: this node and this CLI, by absolute path (a service has no PATH of ours). */
export function amuxArgv(): string[] {
  return [process.execPath, CLI_ENTRY];
}

/** One command of the service: `pre` ones run once before the main one (systemd's ExecStartPre). */
export interface ServiceCommand {
  kind: 'pre' | 'main';
  argv: string[];
}

/**
 * What the service runs, in order: the monitor of the tmux server is started first (it runs on
 * its own, in the background, and every amux command restarts it on demand), then `amux serve`
 * in the foreground, which the service manager restarts when it ends. The one place to change
 * what the service runs.
 */
export function serviceCommands(amux: string[] = amuxArgv()): ServiceCommand[] {
  return [
    { kind: 'pre', argv: [...amux, 'daemon', 'start'] },
    { kind: 'main', argv: [...amux, 'serve'] },
  ];
}

/** The foreground equivalent, for a machine without a service manager. */
export function foregroundCommand(): string {
  return 'amux daemon start && amux serve';
}

/** Variables the service gets from the installing shell (none secret): where tmux, amux's state and the socket are. */
const PASSED = ['PATH', 'AMUX_HOME', 'AMUX_TMUX_SOCKET', 'TMUX_TMPDIR', 'XDG_STATE_HOME', 'XDG_CONFIG_HOME', 'LANG', 'LC_ALL'] as const;

export function serviceEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of PASSED) if (env[k]) out[k] = env[k]!;
  out.LANG ??= 'C.UTF-8';
  // Terminals the dashboard opens need a TERM even under a service manager.
  out.TERM = 'xterm-256color';
  return out;
}

/**
 * One word of an Exec line, as systemd reads it: quoted when it holds anything but plain
 * characters, `%` doubled (specifiers) and `$` doubled (variable expansion), backslash and double
 * quote escaped.
 */
export function systemdWord(w: string): string {
  const s = w.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) && s !== '') return s;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** An Environment= assignment, quoted as a whole. */
function systemdEnv(k: string, v: string): string {
  return `Environment=${systemdWord(`${k}=${v}`)}`;
}

/** The systemd user unit. */
export function systemdUnit(o: { env: NodeJS.ProcessEnv; commands?: ServiceCommand[] }): string {
  const commands = o.commands ?? serviceCommands();
  // A `pre` command that fails does not keep the main one from starting (`-`): the monitor also starts on demand.
  const exec = commands.map((c) => `${c.kind === 'pre' ? 'ExecStartPre=-' : 'ExecStart='}${c.argv.map(systemdWord).join(' ')}`);
  return [
    '# Written by `amux service install`; `amux service uninstall` removes it.',
    '[Unit]',
    'Description=amux: the monitor of agent sessions and the web dashboard (amux serve)',
    'After=default.target',
    '',
    '[Service]',
    'Type=simple',
    ...exec,
    'Restart=on-failure',
    'RestartSec=3',
    // Stopping the service stops amux serve only: the monitor and the tmux server with every
    // agent are never killed with it (the tmux server runs in a scope of its own, see src/tmux/scope.ts).
    'KillMode=process',
    'WorkingDirectory=%h',
    ...Object.entries(serviceEnvironment(o.env)).map(([k, v]) => systemdEnv(k, v)),
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** The unit file's path: `$XDG_CONFIG_HOME/systemd/user/amux.service`. */
export function systemdUnitPath(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'systemd', 'user', UNIT_NAME);
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The launchd agent (macOS). launchd runs one program: the main command, kept alive; the `pre`
 * commands are left to it (`amux serve` starts the monitor on demand like every amux command).
 */
export function launchdPlist(o: { env: NodeJS.ProcessEnv; commands?: ServiceCommand[] }): string {
  const main = (o.commands ?? serviceCommands()).find((c) => c.kind === 'main')!;
  const logDir = join(o.env.HOME || homedir(), 'Library', 'Logs');
  const env = Object.entries(serviceEnvironment(o.env))
    .map(([k, v]) => `    <key>${xml(k)}</key><string>${xml(v)}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by \`amux service install\`; \`amux service uninstall\` removes it. -->
<plist version="1.0">
<dict>
  <key>Label</key><string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${main.argv.map((a) => `    <string>${xml(a)}</string>`).join('\n')}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
${env}
  </dict>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
  <key>ProcessType</key><string>Background</string>
  <key>StandardOutPath</key><string>${xml(join(logDir, 'amux-serve.log'))}</string>
  <key>StandardErrorPath</key><string>${xml(join(logDir, 'amux-serve.log'))}</string>
</dict>
</plist>
`;
}

/** The agent's path: `~/Library/LaunchAgents/dev.amux.serve.plist`. */
export function launchdPlistPath(env: NodeJS.ProcessEnv): string {
  return join(env.HOME || homedir(), 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
}
