/** Issue 3's benchmarks: the daemon's cost with 50 sessions, state latency, send/await overhead. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchEnv, fmt, median, percentile, sleep } from './lib.ts';
import type { Row } from './core.ts';

const HZ = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssPeakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function daemonPid(b: BenchEnv): Promise<number> {
  const r = await b.amux(['daemon', 'status', '--json']);
  return (JSON.parse(r.stdout) as { pid: number }).pid;
}

async function cpuOver(pid: number, secs: number): Promise<number> {
  const t0 = cpuTicks(pid);
  const w0 = performance.now();
  await sleep(secs * 1000);
  const used = (cpuTicks(pid) - t0) / HZ;
  return (100 * used) / ((performance.now() - w0) / 1000);
}

export async function benchState(): Promise<Row[]> {
  const rows: Row[] = [];
  const secs = Number(process.env.BENCH_CPU_SECS ?? 60);
  const b = new BenchEnv();
  try {
    const q = await b.amux(['run', '-c', 'sleep 3600', '--count', '50', '--tag', 'quiet']);
    if (q.code !== 0) throw new Error(q.stderr);
    await b.amux(['ps']);
    await sleep(3000);
    const pid = await daemonPid(b);
    const quietCpu = await cpuOver(pid, secs);
    rows.push({ what: `daemon CPU, 50 quiet sessions (avg over ${secs} s, % of one core)`, value: `${quietCpu.toFixed(2)} %`, goal: '≤ 2 %', ok: quietCpu <= 2 });
    // Replace 10 quiet sessions by 10 that print continuously.
    const views = JSON.parse((await b.amux(['ps', '--json'])).stdout) as { name: string }[];
    for (const v of views.slice(0, 10)) await b.amux(['rm', '--force', v.name]);
    const p = await b.amux(['run', '-c', 'while :; do echo "line $RANDOM $RANDOM"; sleep 0.1; done', '--count', '10', '--tag', 'printing']);
    if (p.code !== 0) throw new Error(p.stderr);
    await sleep(2000);
    const busyCpu = await cpuOver(pid, secs);
    rows.push({ what: `daemon CPU, 50 sessions of which 10 print every 100 ms (avg over ${secs} s)`, value: `${busyCpu.toFixed(2)} %`, goal: '≤ 10 %', ok: busyCpu <= 10 });
    const rss = rssPeakMb(pid);
    rows.push({ what: 'daemon peak RSS (VmHWM)', value: `${rss.toFixed(1)} MB`, goal: '≤ 120 MB', ok: rss <= 120 });

    // Latency: phase changes of a fake claude (times from its hook log) → ps --json shows them.
    const proj = join(b.dir, 'proj');
    mkdirSync(join(proj, '.amux'), { recursive: true });
    const hookLog = join(b.dir, 'hooks.log');
    writeFileSync(
      join(proj, '.amux', 'config.yaml'),
      `agents:\n  claude:\n    environment:\n      FAKE_SCRIPT: busy:2,done\n      FAKE_HOOK_LOG: ${hookLog}\n`,
    );
    const r = await b.amux(['run', 'claude', '--name', 'lat'], { cwd: proj });
    if (r.code !== 0) throw new Error(r.stderr);
    const state = async () => ((JSON.parse((await b.amux(['ps', '--json'], { cwd: proj })).stdout) as { name: string; state: string }[]).find((x) => x.name === 'lat')?.state ?? '');
    for (let i = 0; i < 50 && (await state()) !== 'idle'; i++) await sleep(100);
    const lat: number[] = [];
    const overhead: number[] = [];
    for (let i = 0; i < 8; i++) {
      writeFileSync(hookLog, '');
      const t0 = Date.now();
      const s = await b.amux(['send', 'lat', `task ${i}`, '--no-wait'], { cwd: proj });
      if (s.code !== 0) throw new Error(s.stderr);
      // running seen
      let seenRunning = 0;
      while (Date.now() - t0 < 10_000) {
        if ((await state()) === 'running') {
          seenRunning = Date.now();
          break;
        }
      }
      let seenIdle = 0;
      while (Date.now() - t0 < 20_000) {
        if ((await state()) === 'idle') {
          seenIdle = Date.now();
          break;
        }
      }
      const events = readFileSync(hookLog, 'utf8').trim().split('\n').map((l) => l.split(' ')).filter((x) => x.length >= 2);
      const submit = Number(events.find((e) => e[1] === 'UserPromptSubmit')?.[0]);
      const stop = Number(events.find((e) => e[1] === 'Stop')?.[0]);
      if (seenRunning && submit) lat.push(seenRunning - submit);
      if (seenIdle && stop) lat.push(seenIdle - stop);
      await sleep(300);
    }
    rows.push({ what: `phase change → ps --json (p50 / p95 of ${lat.length}; polling ps back to back)`, value: `${fmt(median(lat))} / ${fmt(percentile(lat, 95))}`, goal: 'p95 ≤ 1.5 s', ok: percentile(lat, 95) <= 1500 });
    for (let i = 0; i < 5; i++) {
      writeFileSync(hookLog, '');
      const s = await b.amux(['send', 'lat', `measured ${i}`], { cwd: proj });
      if (s.code !== 0) throw new Error(s.stderr);
      const events = readFileSync(hookLog, 'utf8').trim().split('\n').map((l) => l.split(' '));
      const submit = Number(events.find((e) => e[1] === 'UserPromptSubmit')?.[0]);
      const stop = Number(events.find((e) => e[1] === 'Stop')?.[0]);
      overhead.push(s.ms - (stop - submit));
    }
    rows.push({ what: 'send (wait for reply) minus the agent’s own turn time (median)', value: fmt(median(overhead)) });
  } finally {
    await b.cleanup();
  }
  return rows;
}
