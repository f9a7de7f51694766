import { mkdirSync, chmodSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The state directory: $AMUX_HOME, else $XDG_STATE_HOME/amux, else ~/.local/state/amux. */
export function amuxHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AMUX_HOME) return env.AMUX_HOME;
  const xdg = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(xdg, 'amux');
}

/** The user-wide config directory: $XDG_CONFIG_HOME/amux, else ~/.config/amux. */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(xdg, 'amux');
}

/** Creates a private directory (0700) and returns its path; tightens an existing one. */
export function privateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o700);
  } catch {
    /* raced with removal: the caller's next write reports it */
  }
  return path;
}

/** Subdirectories of AMUX_HOME, each created 0700 on first use. */
export function homeDir(...parts: string[]): string {
  const home = privateDir(amuxHome());
  let dir = home;
  for (const p of parts) dir = privateDir(join(dir, p));
  return dir;
}
