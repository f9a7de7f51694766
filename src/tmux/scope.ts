/**
 * Where the tmux server lives. On Linux with systemd, logging out of an SSH session can end
 * every process of that login session (`KillUserProcesses=yes`, the default on several
 * distributions): the tmux server and with it every agent. So the tmux client that starts the
 * server runs under `systemd-run --user --scope`: the server it forks lives in a scope of the
 * user's manager, not in the login session, and outlives the logout (with lingering, even the
 * last one). Without systemd (containers, macOS) nothing changes. `AMUX_SYSTEMD_SCOPE=0` turns it
 * off; `AMUX_SYSTEMD_SCOPE=1` uses it whenever `systemd-run` is on PATH, without looking for
 * systemd first.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What the decision looks at (a parameter so tests can ask for each case). */
export interface ScopeProbe {
  platform: NodeJS.Platform;
  /** `/run/systemd/system` exists: systemd is the init system. */
  systemdBooted: boolean;
  /** The user's manager answers: `$XDG_RUNTIME_DIR/systemd/private` exists. */
  userManager: boolean;
  /** `systemd-run` is on PATH. */
  systemdRun: boolean;
}

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

export function probeSystemd(env: NodeJS.ProcessEnv = process.env): ScopeProbe {
  return {
    platform: process.platform,
    systemdBooted: existsSync('/run/systemd/system'),
    userManager: !!env.XDG_RUNTIME_DIR && existsSync(join(env.XDG_RUNTIME_DIR, 'systemd', 'private')),
    systemdRun: onPath('systemd-run', env),
  };
}

/** Set once `systemd-run` failed in this process: later starts go without it. */
let broken = false;

/** The words put before `tmux …` for a client that starts the server, or [] for none. */
export function scopePrefix(env: NodeJS.ProcessEnv = process.env, probe: ScopeProbe = probeSystemd(env)): string[] {
  if (broken || env.AMUX_SYSTEMD_SCOPE === '0') return [];
  const forced = env.AMUX_SYSTEMD_SCOPE === '1' && probe.systemdRun;
  if (!forced && (probe.platform !== 'linux' || !probe.systemdBooted || !probe.userManager || !probe.systemdRun)) return [];
  return ['systemd-run', '--user', '--scope', '--quiet', '--collect', '--description=amux tmux server'];
}

/** A failure of systemd-run itself (not of tmux): the caller runs tmux again without it. */
export function scopeFailed(stderr: string): boolean {
  if (!/Failed to (connect|create|start|determine)|systemd-run|Interactive authentication required/i.test(stderr)) return false;
  broken = true;
  return true;
}
