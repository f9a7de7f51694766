/**
 * `doctor`: what amux needs, checked the way every operation would meet it — tmux (present, new
 * enough, the server the core would choose), git, perl (the control client's tether and the log writer), the state folder, the
 * config and the agent programs, and live sessions whose log writer is gone.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { openContext, type CoreContext } from './context.js';
import { checkTmuxVersion } from '../tmux/exec.js';
import { amuxHome } from '../util/paths.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** A warning does not fail the doctor (e.g. an optional agent CLI missing). */
  warn?: boolean;
  /** The session a check is about (a dead log writer). */
  session?: string;
}

function version(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 5000 }, (err, stdout, stderr) => resolve(err ? null : (stdout || stderr).trim().split('\n')[0]!));
  });
}

/** Every check, in order; `ok` is false when one failed (warnings do not count). */
export async function doctor(opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ ok: boolean; checks: Check[] }> {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const checks: Check[] = [];
  try {
    const v = await checkTmuxVersion();
    checks.push({ name: 'tmux', ok: true, detail: `tmux ${v.text}` });
    // The server every command would use (env, config, $TMUX, default); a broken config is reported below.
    const ctx = await openContext({ cwd, env, skipVersionCheck: true }).catch(() => openContext({ cwd, env, skipVersionCheck: true, withoutConfigSocket: true }));
    const running = await ctx.server.isRunning();
    checks.push({ name: 'tmux server', ok: true, detail: `${ctx.server.description}: ${running ? 'running' : 'not running (amux run starts it)'}` });
    if (running) checks.push(...(await logWriters(ctx)));
  } catch (e) {
    checks.push({ name: 'tmux', ok: false, detail: (e as Error).message });
  }
  const git = await version('git', ['--version']);
  checks.push({ name: 'git', ok: git !== null, detail: git ?? 'git not found (needed for workspaces)' });
  const perl = await version('perl', ['-e', 'print "perl $^V"']);
  checks.push({ name: 'perl', ok: perl !== null, detail: perl ?? 'perl not found (the session log writer and the monitor\'s tmux control client run on it)' });

  const home = amuxHome(env);
  try {
    const mode = statSync(home).mode & 0o777;
    checks.push({ name: 'state dir', ok: (mode & 0o077) === 0, detail: `${home} (mode ${mode.toString(8)})${mode & 0o077 ? ': should be 0700' : ''}` });
  } catch {
    checks.push({ name: 'state dir', ok: true, detail: `${home} (created on first run)` });
  }

  try {
    const { loadConfig, knownAgents } = await import('../config/load.js');
    const config = loadConfig({ cwd, env });
    checks.push({ name: 'config', ok: true, detail: config.file ? `${config.file}: valid` : 'no .amux/config.yaml (built-in presets in use)' });
    const { findExecutable } = await import('../session/launcher.js');
    for (const a of knownAgents(config)) {
      const spec = config.agents[a]!;
      const word = Array.isArray(spec.command) ? spec.command[0] : /^\s*([^\s;|&<>()$`'"]+)/.exec(spec.command)?.[1];
      if (!word) continue;
      const found = findExecutable(word, env.PATH, config.projectRoot);
      checks.push({ name: `agent ${a}`, ok: found !== null, warn: found === null, detail: found ?? `${word} not on PATH` });
    }
  } catch (e) {
    checks.push({ name: 'config', ok: false, detail: (e as Error).message });
  }
  return { ok: !checks.some((c) => !c.ok && !c.warn), checks };
}

/**
 * Live sessions whose pane has no log writer (`#{pane_pipe}` 0): their log stops and their
 * state is read from tmux's window activity. Read from tmux directly (never the monitor's
 * snapshot, and without starting a monitor). A warning: the monitor attaches a new writer.
 */
async function logWriters(ctx: CoreContext): Promise<Check[]> {
  try {
    const { buildViews, writerDown } = await import('../state/model.js');
    const recs = ctx.registry.list().filter((r) => r.tmux.socket === ctx.server.label);
    if (recs.length === 0) return [];
    const down = buildViews(recs, await ctx.server.listPanes()).filter((v) => writerDown(v.pane));
    if (down.length === 0) return [{ name: 'log writers', ok: true, detail: `all ${recs.length} session(s) have one` }];
    return down.map((v) => ({
      name: 'log writer',
      ok: false,
      warn: true,
      session: v.record.name,
      detail: `${v.record.name}: no log writer runs (is ${dirname(v.record.logFile)} unwritable or full?); its log ${v.record.logFile} does not move`,
    }));
  } catch (e) {
    return [{ name: 'log writers', ok: false, warn: true, detail: `cannot check: ${(e as Error).message}` }];
  }
}
