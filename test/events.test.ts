/**
 * The monitor's local API: a real daemon on a private tmux server pushes a snapshot and then one
 * event per change over its unix socket. Measures event latency (the tick that saw the change →
 * the message at the client) and checks that a client that stops reading holds nobody up.
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { TestEnv, waitFor, sleep, CLI } from './helpers.ts';
import { connectEvents, type EventFeed, type FeedMessage, type StateEvent } from '../src/state/events.ts';

const CONFIG = `
agents:
  talker:
    command: [sh, -c, 'for i in 1 2 3 4 5 6; do echo line $i; sleep 0.3; done; exec sleep 600']
    idleAfter: 1s
`;

interface Received {
  m: FeedMessage;
  /** When the client got it (ms). */
  t: number;
}

/** A subscriber through the client module, recording every message with its arrival time. */
function subscriber(path: string): { feed: EventFeed; got: Received[] } {
  const got: Received[] = [];
  const feed = connectEvents(path, { message: (m) => got.push({ m, t: Date.now() }) });
  return { feed, got };
}

const latency = (r: Received) => r.t - Date.parse(r.m.at);

describe('monitor event API (unix socket)', () => {
  const env = new TestEnv('events');
  let dir = '';
  let path = '';
  let daemonLog = '';
  const feeds: EventFeed[] = [];
  const latencies: number[] = [];
  /** From the moment a state became true (its `since`) to the client. */
  const causes: number[] = [];
  /** From an event at a client to `ps --watch` printing it. */
  const psDelays: number[] = [];
  before(async () => {
    dir = join(env.dir, 'proj');
    mkdirSync(join(dir, '.amux'), { recursive: true });
    writeFileSync(join(dir, '.amux', 'config.yaml'), CONFIG);
    // A server with a plain session, so the monitor has a server to watch before any amux session.
    env.tmux(['new-session', '-d', '-s', 'keep']);
    const started = await env.amux(['daemon', 'start'], { cwd: dir });
    assert.equal(started.code, 0, started.stderr);
    const st = await env.amuxJson<{ running: boolean; events: string; log: string }>(['daemon', 'status', '--json'], { cwd: dir });
    assert.ok(st.running && st.events, 'the daemon runs and has an event socket');
    path = st.events;
    daemonLog = st.log;
    assert.ok(await waitFor(() => existsSync(path), 3000), 'the socket appears');
  });
  after(async () => {
    for (const f of feeds) f.close();
    if (latencies.length) {
      const sorted = [...latencies].sort((a, b) => a - b);
      const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
      console.log(`event latency (tick → client), ${sorted.length} events: min ${sorted[0]} ms, median ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${sorted.at(-1)} ms`);
      console.log(`idle became true → event at client: ${causes.join(', ')} ms; event → ps --watch redraw: ${psDelays.join(', ')} ms`);
    }
    await env.cleanup();
  });

  test('the socket is private: mode 0600 in a 0700 folder under AMUX_HOME', () => {
    assert.ok(path.startsWith(env.home + '/'), path);
    const st = statSync(path);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  });

  test('a one-shot snapshot request gets every session as the read model JSON', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = createConnection(path);
      let buf = '';
      s.on('connect', () => s.write('{"op":"snapshot"}\n'));
      s.on('data', (d) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          s.destroy();
          resolve(buf.slice(0, nl));
        }
      });
      s.on('error', reject);
    });
    const snap = JSON.parse(reply) as FeedMessage;
    assert.equal(snap.type, 'snapshot');
    if (snap.type !== 'snapshot') return;
    assert.ok(Array.isArray(snap.sessions));
    assert.equal(typeof snap.seq, 'number');
  });

  test('a subscriber sees a session added, go running → idle, and removed', async () => {
    const sub = subscriber(path);
    feeds.push(sub.feed);
    assert.ok(await waitFor(() => sub.got.some((r) => r.m.type === 'snapshot'), 5000), 'the snapshot comes first');
    assert.equal(sub.got[0]!.m.type, 'snapshot');

    // ps --watch (JSON lines when not on a terminal) redraws on pushed events, not only each second.
    const watcher = spawn(process.execPath, [CLI, 'ps', '--watch', '--json'], { cwd: dir, env: env.env, stdio: ['ignore', 'pipe', 'ignore'] });
    const lines: { t: number; rows: { name: string; state: string }[] }[] = [];
    let out = '';
    watcher.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        lines.push({ t: Date.now(), rows: JSON.parse(out.slice(0, nl)) as { name: string; state: string }[] });
        out = out.slice(nl + 1);
      }
    });
    assert.ok(await waitFor(() => lines.length > 0, 10_000), 'ps --watch draws');

    const r = await env.amux(['run', 'talker', '--name', 'talk1'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const added = await waitFor(() => sub.got.find((x) => x.m.type === 'session-added' && x.m.name === 'talk1'), 5000);
    assert.ok(added, 'session-added arrives');
    const idle = await waitFor(() => sub.got.find((x) => x.m.type === 'state' && x.m.name === 'talk1' && x.m.state === 'idle'), 15_000);
    assert.ok(idle, `the session went idle: ${JSON.stringify(sub.got.map((x) => x.m))}`);
    const ev = idle.m as StateEvent;
    assert.equal(ev.previous, 'running');
    assert.equal(ev.session.state, 'idle');
    assert.ok(ev.since && ev.reason, 'since and reason travel with the state');
    // From when the state became true (output quiet for idleAfter) to the client: the monitor's whole detection delay.
    assert.ok(idle.t - Date.parse(ev.since!) < 1500, `idle pushed ${idle.t - Date.parse(ev.since!)} ms after it began`);
    causes.push(idle.t - Date.parse(ev.since!));
    const drawn = await waitFor(() => lines.find((l) => l.rows.some((x) => x.name === 'talk1' && x.state === 'idle')), 3000);
    assert.ok(drawn, 'ps --watch shows the idle state');
    assert.ok(drawn.t - idle.t < 400, `ps --watch redrew ${drawn.t - idle.t} ms after the event (its fallback is 1 s)`);
    psDelays.push(drawn.t - idle.t);
    watcher.kill('SIGINT');
    assert.ok(await waitFor(() => watcher.exitCode !== null, 3000), 'ps --watch ends on Ctrl-C');
    const states = sub.got.filter((x) => x.m.type === 'state' || x.m.type === 'session-added');
    for (const x of states) latencies.push(latency(x));
    for (const x of states) assert.ok(latency(x) < 1500, `event within 1.5 s of its tick (${latency(x)} ms)`);
    // Sequence numbers rise by one per event.
    const seqs = sub.got.filter((x) => x.m.type !== 'snapshot').map((x) => x.m.seq);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1);

    // What ps prints agrees with the last event.
    const ps = await env.amuxJson<{ name: string; state: string }[]>(['ps', '--json'], { cwd: dir });
    assert.equal(ps.find((x) => x.name === 'talk1')?.state, 'idle');

    const rm = await env.amux(['rm', 'talk1', '--force'], { cwd: dir });
    assert.equal(rm.code, 0, rm.stderr);
    const removed = await waitFor(() => sub.got.find((x) => x.m.type === 'session-removed' && x.m.name === 'talk1'), 5000);
    assert.ok(removed, 'session-removed arrives');
    latencies.push(latency(removed));
  });

  test('a client that stops reading neither stalls the monitor nor other clients; a flooding one is dropped', async () => {
    // One subscriber that never reads, and one that floods snapshot requests without reading.
    const silent = createConnection(path);
    silent.on('connect', () => {
      silent.write('{"op":"subscribe"}\n');
      silent.pause();
    });
    silent.on('error', () => undefined);
    const flood = createConnection(path);
    flood.on('error', () => undefined);
    flood.on('connect', () => {
      flood.pause();
      // Replies (about 100 bytes each, more per session) outgrow the 4 MiB limit.
      const req = '{"op":"snapshot"}\n'.repeat(1000);
      for (let i = 0; i < 200; i++) flood.write(req);
    });
    const sub = subscriber(path);
    feeds.push(sub.feed);
    assert.ok(await waitFor(() => sub.feed.connected, 5000));
    await sleep(300);

    const r = await env.amux(['run', 'talker', '--name', 'talk2'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const added = await waitFor(() => sub.got.find((x) => x.m.type === 'session-added' && x.m.name === 'talk2'), 5000);
    assert.ok(added, 'the reading client still gets events');
    const idle = await waitFor(() => sub.got.find((x) => x.m.type === 'state' && x.m.name === 'talk2' && x.m.state === 'idle'), 15_000);
    assert.ok(idle, 'and the state changes');
    const since = (idle.m as StateEvent).since!;
    assert.ok(idle.t - Date.parse(since) < 1500, `idle pushed ${idle.t - Date.parse(since)} ms after it began`);
    causes.push(idle.t - Date.parse(since));
    for (const x of [added, idle]) {
      latencies.push(latency(x));
      assert.ok(latency(x) < 1500, `event within 1.5 s of its tick (${latency(x)} ms)`);
    }
    assert.match(readFileSync(daemonLog, 'utf8'), /event client dropped: more than \d+ MiB unread/);
    silent.destroy();
    flood.destroy();
  });

  test('monitor-exit on shutdown, the socket goes away; a stale socket is replaced at the next start', async () => {
    const sub = subscriber(path);
    feeds.push(sub.feed);
    assert.ok(await waitFor(() => sub.feed.connected, 5000));
    const stop = await env.amux(['daemon', 'stop'], { cwd: dir });
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(await waitFor(() => sub.got.find((x) => x.m.type === 'monitor-exit'), 3000), 'monitor-exit arrives');
    assert.ok(!existsSync(path), 'the socket file is removed');

    // A dead process's socket file left at the path.
    const squatter = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { env: env.env, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => squatter.stdout!.once('data', r));
    squatter.kill('SIGKILL');
    await new Promise((r) => squatter.once('exit', r));
    assert.ok(existsSync(path), 'a stale socket file is left behind');

    // The subscriber reconnects by itself once a monitor is back, and gets a fresh snapshot.
    const before = sub.got.length;
    const start = await env.amux(['daemon', 'start'], { cwd: dir });
    assert.equal(start.code, 0, start.stderr);
    assert.ok(await waitFor(() => sub.got.slice(before).some((x) => x.m.type === 'snapshot'), 8000), 'resubscribed after the restart');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const snap = sub.got.slice(before).find((x) => x.m.type === 'snapshot')!.m;
    assert.ok(snap.type === 'snapshot' && snap.sessions.some((s) => s.name === 'talk2'));
  });
});
