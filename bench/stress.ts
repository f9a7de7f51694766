/**
 * The safety issue's stress bench: 100 sessions, 20 of them printing continuously. Measures
 * `ps --json` latency, the monitor daemon's CPU and RSS, and how soon a session whose output
 * stops is shown idle (beyond its idleAfter).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchEnv, fmt, median, percentile, sleep } from './lib.ts';
import type { Row } from './core.ts';

const HZ = 100; // USER_HZ on Linux
const TOTAL = 100;
const PRINTING = 20;
/** Printing sessions that stop on a signal file, to time "output stopped → idle". */
const PROBES = 10;
const IDLE_AFTER_MS = 2000; // the engine's default for a plain command (ENGINE_DEFAULTS.idleAfter)

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function memMb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface View {
  name: string;
  state: string;
}

export async function benchStress(): Promise<Row[]> {
  const rows: Row[] = [];
  const secs = Number(process.env.BENCH_STRESS_CPU_SECS ?? 10);
  const b = new BenchEnv();
  const ps = async () => {
    const r = await b.amux(['ps', '--json']);
    if (r.code !== 0) throw new Error(r.stderr);
    return { views: JSON.parse(r.stdout) as View[], ms: r.ms };
  };
  try {
    const t0 = performance.now();
    const q = await b.amux(['run', '-c', 'sleep 3600', '--count', String(TOTAL - PRINTING), '--tag', 'quiet']);
    if (q.code !== 0) throw new Error(q.stderr);
    const p = await b.amux(['run', '-c', 'while :; do echo tick $RANDOM; sleep 0.05; done', '--count', String(PRINTING - PROBES), '--tag', 'printing']);
    if (p.code !== 0) throw new Error(p.stderr);
    const stops = join(b.dir, 'stop');
    for (let i = 0; i < PROBES; i++) {
      const cmd = `while [ ! -e ${stops}-${i} ]; do echo tick $RANDOM; sleep 0.05; done; exec sleep 3600`;
      const r = await b.amux(['run', '-c', cmd, '--name', `probe${i}`, '--tag', 'printing']);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    const launched = performance.now() - t0;
    rows.push({ what: `launch ${TOTAL} sessions (${PRINTING} printing every 50 ms)`, value: fmt(launched) });
    // Let the monitor see every session and the printers settle into running.
    for (let i = 0; i < 100; i++) {
      const { views } = await ps();
      if (views.length === TOTAL && views.filter((v) => v.name.startsWith('probe')).every((v) => v.state === 'running')) break;
      await sleep(200);
    }
    await sleep(2000);

    const lat: number[] = [];
    for (let i = 0; i < 20; i++) lat.push((await ps()).ms);
    rows.push({ what: `ps --json with ${TOTAL} sessions (p50 / p95 of ${lat.length})`, value: `${fmt(median(lat))} / ${fmt(percentile(lat, 95))}`, goal: 'p95 ≤ 500 ms', ok: percentile(lat, 95) <= 500 });

    const pid = (JSON.parse((await b.amux(['daemon', 'status', '--json'])).stdout) as { pid: number }).pid;
    const c0 = cpuTicks(pid);
    const w0 = performance.now();
    await sleep(secs * 1000);
    const cpu = (100 * (cpuTicks(pid) - c0)) / HZ / ((performance.now() - w0) / 1000);
    rows.push({ what: `daemon CPU, ${TOTAL} sessions of which ${PRINTING} print (avg over ${secs} s, % of one core)`, value: `${cpu.toFixed(2)} %`, goal: '≤ 15 %', ok: cpu <= 15 });
    const rss = memMb(pid, 'VmRSS');
    const hwm = memMb(pid, 'VmHWM');
    rows.push({ what: 'daemon RSS now / peak (VmRSS / VmHWM)', value: `${rss.toFixed(1)} MB / ${hwm.toFixed(1)} MB`, goal: 'peak ≤ 150 MB', ok: hwm <= 150 });

    // Stop the probes' output all at once, then poll ps --json back to back until each shows idle.
    const tStop = Date.now();
    for (let i = 0; i < PROBES; i++) writeFileSync(`${stops}-${i}`, '');
    const idleAt = new Map<string, number>();
    while (idleAt.size < PROBES && Date.now() - tStop < 30_000) {
      const { views } = await ps();
      const now = Date.now();
      for (const v of views) if (v.name.startsWith('probe') && v.state === 'idle' && !idleAt.has(v.name)) idleAt.set(v.name, now);
    }
    const beyond = [...idleAt.values()].map((t) => t - tStop - IDLE_AFTER_MS);
    rows.push({
      what: `output stops → ps --json says idle, beyond idleAfter ${IDLE_AFTER_MS / 1000} s (p50 / p95 of ${beyond.length}/${PROBES})`,
      value: `${fmt(median(beyond))} / ${fmt(percentile(beyond, 95))}`,
      goal: 'p95 ≤ 1.5 s',
      ok: beyond.length === PROBES && percentile(beyond, 95) <= 1500,
    });
  } finally {
    await b.cleanup();
  }
  return rows;
}
