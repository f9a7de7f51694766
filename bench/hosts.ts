/**
 * Issue 13's benchmarks: `amux ps --all-hosts --json` with 3 hosts × 30 sessions, each host its
 * own sshd on a loopback port and its own amux (AMUX_HOME, tmux server), over the reused
 * connection; then with one host down (its sshd gone: refused at once) and one host hung (accepts
 * TCP, never answers: bounded by its timeout), the others unaffected.
 */
import { createServer, type Server as NetServer } from 'node:net';
import { loadavg } from 'node:os';
import { BenchEnv, fmt, median, percentile } from './lib.ts';
import { SshServer, RemoteMachine, haveSshd } from '../test/hosts-sshd.ts';
import type { Row } from './core.ts';

const RUNS = 15;
const SESSIONS = 30;

async function timed(b: BenchEnv, args: string[], runs = RUNS): Promise<{ ms: number[]; last: { host: string | null; online: boolean }[] }> {
  const ms: number[] = [];
  let last: { host: string | null; online: boolean }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await b.amux(args);
    if (r.code !== 0) throw new Error(`amux ${args.join(' ')}: ${r.stderr}`);
    ms.push(r.ms);
    last = JSON.parse(r.stdout) as typeof last;
  }
  return { ms, last };
}

const stat = (xs: number[]) => `${fmt(median(xs))} / ${fmt(percentile(xs, 95))}`;

export async function benchHosts(): Promise<Row[]> {
  if (!haveSshd) return [{ what: 'hosts', value: 'skipped: sshd not installed' }];
  const servers = [new SshServer(), new SshServer(), new SshServer()];
  const remotes = servers.map((_, i) => new RemoteMachine(`bench${i}`));
  const b = new BenchEnv({ AMUX_SSH_CONFIG: servers[0]!.sshConfig });
  let blackhole: NetServer | null = null;
  const rows: Row[] = [];
  try {
    for (const s of servers) await s.start();
    // One known_hosts for the three (each server has its own host key and port).
    b.env.AMUX_SSH_CONFIG = servers[0]!.sshConfig;
    for (let i = 0; i < 3; i++) {
      const s = servers[i]!;
      const r = await b.amux(['host', 'add', `h${i}`, '--ssh', s.destination, '--identity', s.clientKey, '--amux', remotes[i]!.amux, '--dir', remotes[i]!.env.dir, '--timeout', '5s']);
      if (r.code !== 0) throw new Error(r.stderr);
      const run = await remotes[i]!.env.amux(['run', '-c', 'exec sleep 3600', '--count', String(SESSIONS)], { timeoutMs: 300_000 });
      if (run.code !== 0) throw new Error(run.stderr);
    }
    // Warm: masters open, remote monitors running.
    await timed(b, ['ps', '--all-hosts', '--json'], 2);
    const all = await timed(b, ['ps', '--all-hosts', '--json']);
    const count = all.last.length;
    rows.push({ what: `ps --all-hosts --json, 3 hosts × ${SESSIONS} sessions (${count} rows) over reused connections (median / p95 of ${RUNS})`, value: stat(all.ms) });
    const one = await timed(b, ['ps', '--host', 'h0', '--json']);
    rows.push({ what: `ps --host h0 --json, one host × ${SESSIONS} (median / p95 of ${RUNS})`, value: stat(one.ms) });
    const local = await timed(b, ['ps', '--json']);
    rows.push({ what: `ps --json, this machine only (no ssh at all; median / p95 of ${RUNS})`, value: stat(local.ms) });

    // One host down: its sshd gone, connections refused.
    await servers[2]!.stop();
    const down = await timed(b, ['ps', '--all-hosts', '--json'], 10);
    const offline = down.last.filter((x) => !x.online).length;
    rows.push({
      what: `ps --all-hosts, one host down (sshd stopped; its ${offline} sessions shown offline from the cache; median / p95 of 10)`,
      value: stat(down.ms),
    });

    // One host hung: accepts TCP, never speaks. Bounded by its timeout (2s here).
    blackhole = createServer(() => undefined);
    await new Promise<void>((r) => blackhole!.listen(0, '127.0.0.1', r));
    const port = (blackhole.address() as { port: number }).port;
    const r = await b.amux(['host', 'add', 'h2', '--ssh', `${servers[2]!.user}@127.0.0.1:${port}`, '--identity', servers[2]!.clientKey, '--amux', remotes[2]!.amux, '--timeout', '2s']);
    if (r.code !== 0) throw new Error(r.stderr);
    const hung = await timed(b, ['ps', '--all-hosts', '--json'], 6);
    const up = hung.last.filter((x) => x.host !== null && x.online).length;
    // Bounded by the hung host's timeout: never more than a healthy listing plus that timeout.
    rows.push({
      what: `ps --all-hosts, one host hung (timeout 2s; the other two answer, ${up} live rows; median / p95 of 6)`,
      value: stat(hung.ms),
      goal: `median ≤ healthy median + 2 s (${fmt(median(all.ms) + 2000)})`,
      ok: median(hung.ms) <= median(all.ms) + 2000,
    });
    rows.push({ what: 'load average (1 min) at the end: every number above is wall time on a shared machine', value: loadavg()[0]!.toFixed(1) });
  } finally {
    blackhole?.close();
    for (const s of servers) await s.cleanup();
    await b.cleanup();
    for (const m of remotes) await m.cleanup();
  }
  return rows;
}
