/**
 * Issue 14: a thousand sessions on one machine (`npm run bench -- scale`; BENCH_SCALE_N changes
 * the count). amux's own cost per session: launch of N in one command, `ps --json` against the
 * floor, the monitor's CPU (all quiet, then with 50 printing) and memory, the log writers'
 * memory (every child of the tmux server that is not a pane), and the TUI's keystroke time.
 * Memory is given as RSS (shared pages counted in every process) and PSS (shared pages divided
 * among the processes sharing them: what the machine really spends).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { BenchEnv, fmt, median, percentile, sleep, timeSync } from './lib.ts';
import { tuiKeystrokes } from './tui.ts';
import type { Row } from './core.ts';

const HZ = 100; // USER_HZ on Linux
const PRINTING = 50;

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** RSS and PSS of some processes, in kB (smaps_rollup); processes gone meanwhile count 0. */
function memory(pids: number[]): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return { rss, pss };
}

function children(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The log writers: children of the tmux server that are not pane processes, and theirs (a shell and its cat). */
function writerPids(b: BenchEnv): number[] {
  const server = Number(b.tmux(['display-message', '-p', '#{pid}']).trim());
  const panes = new Set(b.tmux(['list-panes', '-a', '-F', '#{pane_pid}']).split('\n').filter(Boolean).map(Number));
  const top = children(server).filter((p) => !panes.has(p));
  return [...top, ...top.flatMap(children)];
}

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

export async function benchScale(): Promise<Row[]> {
  const N = Number(process.env.BENCH_SCALE_N ?? 1000);
  const secs = Number(process.env.BENCH_SCALE_CPU_SECS ?? 20);
  const rows: Row[] = [];
  const b = new BenchEnv();
  const ps = async () => {
    const r = await b.amux(['ps', '--json']);
    if (r.code !== 0) throw new Error(r.stderr);
    return { views: JSON.parse(r.stdout) as { name: string; state: string }[], ms: r.ms };
  };
  try {
    b.tmux(['new-session', '-d', '-s', 'keep']); // a running server, as users have
    // Launch in one command (BENCH_SCALE_BATCH splits it, for builds whose --count stops lower).
    const batch = Number(process.env.BENCH_SCALE_BATCH ?? N);
    let launchMs = 0;
    let failed = 0;
    for (let done = 0; done < N; done += batch) {
      const r = await b.amux(['run', '-c', 'sleep 3600', '--count', String(Math.min(batch, N - done))]);
      launchMs += r.ms;
      failed += (r.stderr.match(/^amux: /gm) ?? []).length + (r.code !== 0 && !r.stderr ? 1 : 0);
      if (r.code !== 0) process.stderr.write(`launch: ${r.stderr.slice(0, 500)}\n`);
    }
    const oneCommand = batch >= N;
    rows.push({ what: `launch ${N} sessions${oneCommand ? ' in one command' : ` in ${Math.ceil(N / batch)} commands of ${batch}`}${failed ? ` (${failed} failed)` : ''}`, value: fmt(launchMs), goal: '≤ 15 s', ok: oneCommand && failed === 0 && launchMs <= 15_000 });
    let listed = 0;
    for (let i = 0; i < 100; i++) {
      listed = (await ps()).views.length;
      if (listed >= N) break;
      await sleep(500);
    }
    rows.push({ what: 'sessions listed by ps --json', value: String(listed), goal: String(N), ok: listed === N });
    await sleep(5000); // past the monitor's first capture of every pane

    const lat: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 11; i++) {
      lat.push((await ps()).ms);
      floor.push(
        timeSync(() => {
          execFileSync(process.execPath, ['-e', '0']);
          execFileSync('tmux', ['-L', b.socket, 'list-panes', '-a'], { stdio: 'ignore' });
        }),
      );
    }
    const ratio = median(lat) / median(floor);
    rows.push({ what: `ps --json, ${N} sessions (median / p95 of ${lat.length}) / floor (node -e 0 + one list-panes -a)`, value: `${fmt(median(lat))} / ${fmt(percentile(lat, 95))} / ${fmt(median(floor))} = ${ratio.toFixed(2)}×`, goal: '≤ 1.5×', ok: ratio <= 1.5 });

    const monitor = (JSON.parse((await b.amux(['daemon', 'status', '--json'])).stdout) as { pid: number }).pid;
    const cpuOver = async () => {
      const c0 = cpuTicks(monitor);
      const w0 = performance.now();
      await sleep(secs * 1000);
      return (100 * (cpuTicks(monitor) - c0)) / HZ / ((performance.now() - w0) / 1000);
    };
    const quiet = await cpuOver();
    rows.push({ what: `monitor CPU, ${N} quiet sessions (avg over ${secs} s, % of one core)`, value: `${quiet.toFixed(2)} %`, goal: '≤ 2 %', ok: quiet <= 2 });

    const writers = writerPids(b);
    const wm = memory(writers);
    const mm = memory([monitor]);
    rows.push({ what: `log writer processes (children of the tmux server that are not panes, and theirs)`, value: String(writers.length) });
    rows.push({ what: 'log writers, RSS / PSS in all', value: `${mb(wm.rss)} / ${mb(wm.pss)}` });
    rows.push({ what: 'monitor, RSS / PSS', value: `${mb(mm.rss)} / ${mb(mm.pss)}` });
    const perPss = (wm.pss + mm.pss) / 1024 / N;
    const perRss = (wm.rss + mm.rss) / 1024 / N;
    rows.push({ what: `amux memory per session (monitor + writers) / ${N}, PSS (RSS)`, value: `${perPss.toFixed(2)} MB (${perRss.toFixed(2)} MB)`, goal: '≤ 1 MB', ok: perPss <= 1 });

    // 50 more that print every 100 ms.
    const p = await b.amux(['run', '-c', 'while :; do echo tick $RANDOM; sleep 0.1; done', '--count', String(PRINTING), '--tag', 'printing']);
    if (p.code !== 0) throw new Error(p.stderr);
    await sleep(3000);
    const busy = await cpuOver();
    rows.push({ what: `monitor CPU, ${N} quiet + ${PRINTING} printing every 100 ms (avg over ${secs} s)`, value: `${busy.toFixed(2)} %`, goal: '≤ 10 %', ok: busy <= 10 });
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${monitor}/status`, 'utf8'))?.[1] ?? NaN);
    rows.push({ what: 'monitor peak RSS (VmHWM)', value: mb(hwm) });

    const keys = await tuiKeystrokes(b, N + PRINTING);
    rows.push({ what: `TUI keystroke → redraw, ${N + PRINTING} sessions, end to end via tmux (p95 / median of ${keys.samples})`, value: `${fmt(keys.p95)} / ${fmt(keys.median)}`, goal: '< 50 ms', ok: keys.p95 < 50 });
    if (keys.inProcessP95 !== null) rows.push({ what: 'TUI keypress → render done, in process (p95)', value: fmt(keys.inProcessP95) });
  } finally {
    await b.cleanup();
  }
  return rows;
}
