/** Issue 2's benchmarks: `amux ps --json` with 100 sessions against the floor, and launching 20. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchEnv, fmt, median, percentile, timeSync, sleep } from './lib.ts';

export interface Row {
  what: string;
  value: string;
  goal?: string;
  ok?: boolean;
}

export async function benchPs(): Promise<Row[]> {
  const b = new BenchEnv();
  try {
    const r = await b.amux(['run', '-c', 'sleep 3600', '--count', '100']);
    if (r.code !== 0) throw new Error(`launch failed: ${r.stderr}`);
    await b.amux(['ps', '--json']); // starts the monitor
    await sleep(5000); // past the monitor's first capture of every pane
    const ps: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 21; i++) {
      ps.push((await b.amux(['ps', '--json'])).ms);
      floor.push(
        timeSync(() => {
          execFileSync(process.execPath, ['-e', '0']);
          execFileSync('tmux', ['-L', b.socket, 'list-panes', '-a'], { stdio: 'ignore' });
        }),
      );
    }
    const count = (JSON.parse((await b.amux(['ps', '--json'])).stdout) as unknown[]).length;
    const ratio = median(ps) / median(floor);
    return [
      { what: `amux ps --json, ${count} live sessions (median / p95 of 21)`, value: `${fmt(median(ps))} / ${fmt(percentile(ps, 95))}` },
      { what: 'floor: node -e 0 + one tmux list-panes -a (median)', value: fmt(median(floor)) },
      { what: 'ps / floor', value: `${ratio.toFixed(2)}×`, goal: '≤ 1.5×', ok: ratio <= 1.5 },
    ];
  } finally {
    await b.cleanup();
  }
}

export async function benchLaunch(): Promise<Row[]> {
  const rows: Row[] = [];
  // amux run --count 20, one command.
  {
    const b = new BenchEnv();
    try {
      b.tmux(['new-session', '-d', '-s', 'keep']); // a running server, as users have
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await b.amux(['run', '-c', 'sleep 3600', '--count', '20']);
        if (r.code !== 0) throw new Error(r.stderr);
        times.push(r.ms);
      }
      rows.push({ what: 'amux run -c CMD --count 20 (median of 3)', value: fmt(median(times)) });
    } finally {
      await b.cleanup();
    }
  }
  // 20 separate concurrent amux run processes.
  {
    const b = new BenchEnv();
    try {
      b.tmux(['new-session', '-d', '-s', 'keep']);
      const t0 = performance.now();
      const rs = await Promise.all(Array.from({ length: 20 }, () => b.amux(['run', '-c', 'sleep 3600'])));
      const ms = performance.now() - t0;
      const bad = rs.filter((r) => r.code !== 0).length;
      rows.push({ what: `20 concurrent amux run processes${bad ? ` (${bad} failed)` : ''}`, value: fmt(ms), goal: '< 2 s', ok: ms < 2000 && bad === 0 });
    } finally {
      await b.cleanup();
    }
  }
  // tmuxp loading 20 windows from YAML, for comparison.
  let tmuxpMs: number | null = null;
  {
    const b = new BenchEnv();
    try {
      b.tmux(['new-session', '-d', '-s', 'keep']);
      const yaml = ['session_name: bench', 'windows:', ...Array.from({ length: 20 }, (_, i) => `  - window_name: w${i}\n    panes:\n      - sleep 3600`)].join('\n');
      const file = join(b.dir, 'tmuxp.yaml');
      writeFileSync(file, yaml + '\n');
      tmuxpMs = timeSync(() => execFileSync('tmuxp', ['load', '-d', '-L', b.socket, '-y', file], { stdio: 'ignore', env: b.env }));
      rows.push({ what: 'tmuxp load -d, 20 windows (Debian tmuxp)', value: fmt(tmuxpMs) });
    } catch (e) {
      rows.push({ what: 'tmuxp load -d, 20 windows', value: `not measured (${(e as Error).message.split('\n')[0]})` });
    } finally {
      await b.cleanup();
    }
  }
  const amuxCount = rows[0]!;
  if (tmuxpMs !== null) {
    const ms = parseFloat(amuxCount.value) * (amuxCount.value.endsWith(' s') ? 1000 : 1);
    amuxCount.goal = `≤ 0.5× tmuxp (${fmt(tmuxpMs * 0.5)})`;
    amuxCount.ok = ms <= tmuxpMs * 0.5;
  }
  return rows;
}
