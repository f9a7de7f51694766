/**
 * The TUI with 100 sessions (issue 4): keystroke-to-redraw time, CPU while idle, RSS.
 *
 * The TUI runs in a pane of a private tmux server, exactly as a user runs it. Keystrokes are
 * sent with `send-keys`; "redraw" is seen two ways:
 * - end to end: polling `capture-pane` until the selection marker moved (includes tmux's own
 *   latency and the polling interval, so it is an upper bound);
 * - in process: the TUI's own timing of each key, from the keypress event to the end of
 *   `screen.render()` (AMUX_TUI_STATS writes them when it quits).
 * CPU is the TUI process's utime+stime from /proc over an idle window, RSS its VmRSS.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchEnv, CLI, fmt, percentile, sleep } from './lib.ts';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function procTimes(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based) of the whole line; 12 and 13 after the comm.
  return Number(fields[11]) + Number(fields[12]);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The TUI started in a pane of `b`'s server, as a user runs it, once it shows `n` sessions. */
async function startTui(b: BenchEnv, n: number) {
  const statsFile = join(b.dir, 'tui-stats.json');
  const vars: Record<string, string> = {
    TERM: 'tmux-256color',
    LANG: 'C.UTF-8',
    AMUX_TMUX_SOCKET: b.socket,
    AMUX_HOME: b.env.AMUX_HOME!,
    XDG_CONFIG_HOME: b.env.XDG_CONFIG_HOME!,
    PATH: b.env.PATH!,
    AMUX_TUI_STATS: statsFile,
  };
  const cmd = `exec env ${Object.entries(vars)
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(' ')} ${q(process.execPath)} ${q(CLI)} tui 2>/dev/null`;
  const t0 = performance.now();
  b.tmux(['new-session', '-d', '-x', '160', '-y', '50', '-s', 'tui', cmd]);
  const pid = Number(b.tmux(['display-message', '-p', '-t', '=tui:', '#{pane_pid}']).trim());
  const screen = () => execFileSync('tmux', ['-L', b.socket, 'capture-pane', '-p', '-t', '=tui:'], { encoding: 'utf8' });
  const full = new RegExp(`amux · ${n} sessions`);
  for (let i = 0; i < 1200 && !full.test(screen()); i++) await sleep(25);
  const startMs = performance.now() - t0;
  if (!full.test(screen())) throw new Error(`the TUI did not show ${n} sessions:\n${screen()}`);
  return { pid, statsFile, screen, startMs };
}

/** Keystroke → redraw, end to end: j / k alternately, waiting for the selection marker to move. */
async function keyTimes(b: BenchEnv, screen: () => string): Promise<number[]> {
  const selectedLine = () => screen().split('\n').findIndex((l) => l.startsWith('▶ '));
  const e2e: number[] = [];
  for (let i = 0; i < 60; i++) {
    const before = selectedLine();
    const key = i % 2 === 0 ? 'j' : 'k';
    const s = performance.now();
    b.tmux(['send-keys', '-t', '=tui:', key]);
    for (let n = 0; n < 400; n++) {
      const now = selectedLine();
      if (now !== before && now >= 0) break;
      await sleep(1);
    }
    e2e.push(performance.now() - s);
    await sleep(30);
  }
  return e2e;
}

/** The TUI's own per-key timing, written when it quits. */
async function quitTui(b: BenchEnv, statsFile: string): Promise<number[] | null> {
  b.tmux(['send-keys', '-t', '=tui:', 'q']);
  for (let i = 0; i < 100 && !existsSync(statsFile); i++) await sleep(20);
  return existsSync(statsFile) ? (JSON.parse(readFileSync(statsFile, 'utf8')) as { keyToRenderMs: number[] }).keyToRenderMs : null;
}

/** For the scale bench: keystroke times of a TUI showing the `n` sessions already running on `b`. */
export async function tuiKeystrokes(b: BenchEnv, n: number): Promise<{ p95: number; median: number; samples: number; inProcessP95: number | null }> {
  const { statsFile, screen } = await startTui(b, n);
  await sleep(1500);
  const e2e = await keyTimes(b, screen);
  const inProcess = await quitTui(b, statsFile);
  return { p95: percentile(e2e, 95), median: percentile(e2e, 50), samples: e2e.length, inProcessP95: inProcess ? percentile(inProcess, 95) : null };
}

export async function benchTui(): Promise<Record<string, number | string>> {
  const b = new BenchEnv();
  const out: Record<string, number | string> = {};
  try {
    const r = await b.amux(['run', '-c', 'sleep 3600', '--count', '100']);
    if (r.code !== 0) throw new Error(`launch failed: ${r.stderr}`);
    await b.amux(['ps', '--json']); // the monitor runs, as it does for users
    const { pid, statsFile, screen, startMs } = await startTui(b, 100);
    out['start-up to a full table, 100 sessions'] = fmt(startMs);
    await sleep(1500);

    const e2e = await keyTimes(b, screen);
    const p95 = percentile(e2e, 95);
    out['keystroke → redraw p95, end to end via tmux (60 keys)'] = `${fmt(p95)} (median ${fmt(percentile(e2e, 50))}; goal ≤ 50 ms: ${p95 <= 50 ? 'met' : 'NOT met'})`;

    // Idle CPU over 10 s, and RSS.
    await sleep(1000);
    const c0 = procTimes(pid);
    const w0 = performance.now();
    await sleep(10_000);
    const ticks = procTimes(pid) - c0;
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const cpu = (ticks / hz / ((performance.now() - w0) / 1000)) * 100;
    out['CPU while idle, 100 sessions (10 s window, % of one core)'] = `${cpu.toFixed(2)} % (goal ≤ 1 %: ${cpu <= 1 ? 'met' : 'NOT met'})`;
    const rss = rssMb(pid);
    out['RSS, 100 sessions'] = `${rss.toFixed(0)} MB (goal ≤ 150 MB: ${rss <= 150 ? 'met' : 'NOT met'})`;

    const samples = await quitTui(b, statsFile);
    if (samples) out['keypress → screen.render() done, in process (p95)'] = `${fmt(percentile(samples, 95))} (median ${fmt(percentile(samples, 50))}, ${samples.length} keys)`;
    return out;
  } finally {
    await b.cleanup();
  }
}

// `node --import tsx bench/tui.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const res = await benchTui();
  for (const [k, v] of Object.entries(res)) process.stdout.write(`${k}: ${v}\n`);
}
