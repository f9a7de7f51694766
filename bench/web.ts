/**
 * The web dashboard (issue 12): keystroke → echo round trip through a browser terminal's
 * WebSocket (the page's own protocol: a JSON input frame in, the PTY's bytes back; xterm's
 * rendering is not counted), and the server's CPU and RSS with 10 drive terminals open on
 * sessions that print all the time. CPU is from /proc (utime+stime) over a 10 s window, for the
 * server process and, apart, for the 10 tmux clients it runs in PTYs.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { BenchEnv, CLI, fmt, percentile, sleep } from './lib.ts';

function procTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const children = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

async function until(f: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('bench: timed out');
    await sleep(5);
  }
}

export async function benchWeb(): Promise<Record<string, number | string>> {
  const b = new BenchEnv();
  const out: Record<string, number | string> = {};
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--max-terminals', '20'], { cwd: b.dir, env: b.env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let text = '';
    child.stdout!.on('data', (d) => (text += d));
    if ((await b.amux(['run', '-c', 'PS1="$ " exec bash --norc --noprofile', '--name', 'echo'])).code !== 0) throw new Error('launch failed');
    for (let i = 0; i < 10; i++) {
      if ((await b.amux(['run', '-c', 'while :; do date; seq 1 40; sleep 0.1; done', '--name', `busy${i}`])).code !== 0) throw new Error('launch failed');
    }
    await until(() => /one-time link\): (\S+)/.test(text), 20_000);
    const login = /one-time link\): (\S+)/.exec(text)![1]!;
    const base = new URL(login);
    const res = await fetch(`${base.origin}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Amux-Request': '1' }, body: JSON.stringify({ code: base.hash.slice(1) }) });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const open = (session: string) =>
      new Promise<{ ws: WebSocket; out: { text: string } }>((resolve, reject) => {
        const ws = new WebSocket(`ws://${base.host}/ws/term?session=${session}&mode=drive&cols=120&rows=40`, { headers: { Origin: base.origin, Cookie: cookie } });
        const o = { text: '' };
        ws.on('message', (d, bin) => {
          if (bin) o.text += Buffer.from(d as Buffer).toString('utf8');
          else if (JSON.parse(String(d)).type === 'hello') resolve({ ws, out: o });
        });
        ws.on('error', reject);
      });

    // Keystroke → echo: one character at a time, each waited for.
    const t = await open('echo');
    await sleep(500);
    const times: number[] = [];
    const chars = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < 120; i++) {
      const c = chars[i % chars.length]!;
      const from = t.out.text.length;
      const t0 = performance.now();
      t.ws.send(JSON.stringify({ type: 'input', data: c }));
      await until(() => t.out.text.indexOf(c, from) >= 0, 5000);
      times.push(performance.now() - t0);
      if (i % 40 === 39) t.ws.send(JSON.stringify({ type: 'input', data: '\x15' })); // C-u: clear the line
    }
    out['keystroke → echo over the terminal socket, p50'] = fmt(percentile(times, 50));
    out['keystroke → echo, p95'] = fmt(percentile(times, 95));
    t.ws.close();

    // 10 drive terminals on printing sessions.
    const terms = await Promise.all(Array.from({ length: 10 }, (_, i) => open(`busy${i}`)));
    await sleep(2000);
    const pid = child.pid!;
    const clients = () => children(pid);
    const hz = 100;
    const s0 = procTicks(pid);
    const c0 = clients().map((p) => procTicks(p));
    await sleep(10_000);
    const s1 = procTicks(pid);
    const c1 = clients().map((p) => procTicks(p));
    const bytes = terms.reduce((n, x) => n + x.out.text.length, 0);
    out['server CPU with 10 terminals on printing sessions'] = `${(((s1 - s0) / hz / 10) * 100).toFixed(1)} %`;
    out[`tmux clients in the PTYs (${c1.length} found) CPU`] = `${(((c1.reduce((a, x) => a + x, 0) - c0.reduce((a, x) => a + x, 0)) / hz / 10) * 100).toFixed(1)} %`;
    out['server RSS with 10 terminals'] = `${rssMb(pid).toFixed(0)} MB`;
    out['terminal output relayed in 12 s'] = `${(bytes / 1024).toFixed(0)} KiB`;
    for (const x of terms) x.ws.close();
  } finally {
    child.kill('SIGTERM');
    await sleep(300);
    await b.cleanup();
  }
  return out;
}
