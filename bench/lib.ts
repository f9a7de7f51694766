/** Small helpers shared by the benchmarks: private servers, timing, percentiles, the CLI. */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { teardown } from '../test/helpers.ts';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** The CLI under test (AMUX_BENCH_CLI measures another build, e.g. a copy of main's dist, side by side). */
export const CLI = process.env.AMUX_BENCH_CLI ?? join(ROOT, 'dist', 'cli.js');

export class BenchEnv {
  readonly socket = `amux-bench-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  readonly dir = realpathSync(mkdtempSync(join(tmpdir(), 'amux-bench-')));
  readonly env: NodeJS.ProcessEnv;
  constructor(extra: NodeJS.ProcessEnv = {}) {
    this.env = {
      ...process.env,
      AMUX_TMUX_SOCKET: this.socket,
      AMUX_HOME: join(this.dir, 'home'),
      XDG_CONFIG_HOME: join(this.dir, 'config'),
      NO_COLOR: '1',
      PATH: `${join(ROOT, 'test', 'fixtures', 'bin')}:${process.env.PATH}`,
      ...extra,
    };
    delete this.env.TMUX;
    delete this.env.TMUX_PANE;
  }
  amux(args: string[], opts: { cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: this.env, cwd: opts.cwd ?? this.dir, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        resolve({ code: err ? 1 : 0, stdout, stderr, ms: performance.now() - t0 });
      });
    });
  }
  tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env: this.env });
  }
  /** Kills the server and waits for every process of this bench (monitor, log writers) to exit. */
  cleanup(): Promise<void> {
    return teardown({ sockets: [this.socket], home: this.env.AMUX_HOME!, dir: this.dir });
  }
}

export function timeSync(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const median = (xs: number[]) => percentile(xs, 50);

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim()}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
