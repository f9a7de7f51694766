/**
 * The state engine end to end: fake agents in real tmux panes, states read through
 * `amux ps --json` and `amux explain` as users and scripts read them.
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, sleep, CLI } from './helpers.ts';

interface Row {
  id: string;
  name: string;
  state: string;
  stateSince: string | null;
  reason: string;
  exitCode: number | null;
  tmux: { pane: string; window: string };
}

function project(env: TestEnv, yaml: string): string {
  const dir = join(env.dir, 'proj');
  mkdirSync(join(dir, '.amux'), { recursive: true });
  writeFileSync(join(dir, '.amux', 'config.yaml'), yaml);
  return dir;
}

const CONFIG = `
agents:
  claude:
    stuckAfter: 4s
    environment:
      FAKE_START: turn
      FAKE_SCRIPT: \${FAKE_SCRIPT:-busy:2,permission,busy:2,done}
      FAKE_SCRIPT_NEXT: busy:1,done
      FAKE_FRAME_MS: "200"
  frozen:
    command: [claude]
    detector: claude
    stuckAfter: 3s
    environment:
      FAKE_START: turn
      FAKE_SCRIPT: busy:1,frozen
  ticking:
    command: [claude]
    detector: claude
    stuckAfter: 3s
    environment:
      FAKE_START: turn
      FAKE_SCRIPT: busy:1,ticking
  devserver:
    command: [fake-devserver]
    idleAfter: 1s
  crasher:
    command: [fake-crasher]
notify:
  waiting: ['printf "%s %s %s %s\\n" "$AMUX_SESSION" "$AMUX_STATE" "$AMUX_AGENT" "$AMUX_WORKSPACE" >> "$NOTIFY_LOG"']
  idle: ['printf "%s %s\\n" "$AMUX_SESSION" "$AMUX_STATE" >> "$NOTIFY_LOG"']
  displayMessage: false
  desktop: false
`;

describe('state engine through ps / explain / await / send', () => {
  const env = new TestEnv('state');
  let dir = '';
  const notifyLog = join(env.dir, 'notify.log');
  before(() => {
    dir = project(env, CONFIG);
    env.env.NOTIFY_LOG = notifyLog;
  });
  after(() => env.cleanup());

  const row = async (name: string) => (await env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: dir })).find((r) => r.name === name);
  const until = async (name: string, state: string, ms = 15_000) => {
    const r = await waitFor(async () => {
      const x = await row(name);
      return x?.state === state ? x : undefined;
    }, ms, 150);
    assert.ok(r, `${name} reached ${state} (last: ${(await row(name))?.state} — ${(await row(name))?.reason})`);
    return r!;
  };

  test('a claude turn: running → waiting (permission) → answered → running → idle, with hooks', async () => {
    const r = await env.amux(['run', 'claude', '--name', 'cl'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    await until('cl', 'running');
    const w = await until('cl', 'waiting');
    assert.match(w.reason, /Do you want to proceed|permission/i);
    // waiting sorts first in ps
    const ex = await env.amuxJson<{ state: string; rule: string; signals: { name: string; value: string }[] }>(['explain', 'cl', '--json'], { cwd: dir });
    assert.equal(ex.state, 'waiting');
    assert.ok(ex.signals.some((s) => s.name === 'screen'), 'explain lists the screen evidence');
    const k = await env.amux(['keys', 'cl', '1'], { cwd: dir });
    assert.equal(k.code, 0, k.stderr);
    await until('cl', 'running');
    const idle = await until('cl', 'idle');
    assert.ok(idle.stateSince);
    // the hooks reached the pane (Claude's --settings file was appended by detector kind)
    const hook = env.tmux(['show-options', '-p', '-t', idle.tmux.pane, '-v', '@amux_hook']).trim();
    assert.match(hook, /Stop|PostToolUse/);
    const text = await env.amux(['explain', 'cl'], { cwd: dir });
    assert.match(text.stdout, /state:\s+idle/);
    assert.match(text.stdout, /hook/);
    // one notification per transition
    const log = await waitFor(() => (existsSync(notifyLog) ? readFileSync(notifyLog, 'utf8') : ''), 3000);
    assert.match(log, /^cl waiting claude $/m);
    assert.equal(log.match(/^cl waiting/gm)?.length, 1);
  });

  test('send delivers hostile text literally and prints the reply; await matches', async () => {
    const hostile = `; $HOME ' " \\ : . C-c Enter -x`;
    const r = await env.amux(['send', 'cl', hostile, '--timeout', '30s'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`Done: ${hostile}`), `reply printed: ${r.stdout}`);
    const screen = (await env.amux(['capture', 'cl'], { cwd: dir })).stdout;
    assert.ok(screen.includes(`> ${hostile}`), 'the pane received exactly the text');
    const a = await env.amux(['await', 'cl', '--until', 'idle', '--timeout', '5s'], { cwd: dir });
    assert.equal(a.code, 0, a.stderr);
    const t = await env.amux(['await', 'cl', '--until', 'exited', '--timeout', '1s'], { cwd: dir });
    assert.equal(t.code, 124, 'timeout has its own exit code');
    const bad = await env.amux(['await', 'cl', '--until', 'sleeping'], { cwd: dir });
    assert.equal(bad.code, 2);
  });

  test('Esc interrupt with no Stop hook is corrected to idle by the screen', async () => {
    await env.amux(['run', 'claude', '--name', 'esc'], { cwd: dir, env: { FAKE_SCRIPT: 'busy:60' } });
    await until('esc', 'running');
    await env.amux(['keys', 'esc', 'Escape'], { cwd: dir });
    const r = await until('esc', 'idle');
    assert.doesNotMatch(env.tmux(['show-options', '-p', '-t', r.tmux.pane, '-v', '@amux_hook']), /Stop/);
  });

  test('a frozen spinner and a ticking spinner with no new content become stuck; idle never does', async () => {
    await env.amux(['run', 'frozen', '--name', 'frz'], { cwd: dir });
    await env.amux(['run', 'ticking', '--name', 'tick'], { cwd: dir });
    await until('frz', 'stuck', 20_000);
    const t = await until('tick', 'stuck', 20_000);
    assert.match(t.reason, /progress/i);
    // an idle agent stays idle past stuckAfter
    await sleep(4500);
    assert.equal((await row('esc'))!.state, 'idle');
  });

  test('a crash reports exited with its exit code', async () => {
    await env.amux(['run', 'crasher', '--name', 'boom'], { cwd: dir });
    const r = await until('boom', 'exited');
    const withCode = await waitFor(async () => {
      const all = await env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: dir });
      const b = all.find((x) => x.name === 'boom');
      assert.ok(b, 'boom is listed');
      assert.notEqual(b.exitCode, 0, 'never 0 while tmux has not reported the status');
      return b.exitCode !== null ? b : undefined;
    }, 25_000, 300);
    assert.ok(withCode, 'the exit code arrives (tmux can be seconds late with it under load)');
    assert.equal(withCode!.exitCode, 3);
    assert.ok(r);
    const s = await env.amux(['send', 'boom', 'hello'], { cwd: dir });
    assert.equal(s.code, 1);
    assert.match(s.stderr, /exited/);
  });

  test('generic commands: a dev server runs while printing, then idles; a shell idles', async () => {
    await env.amux(['run', 'devserver', '--name', 'dev'], { cwd: dir });
    await until('dev', 'idle');
    await env.amux(['run', '-c', 'sh', '--name', 'plainsh'], { cwd: dir });
    await until('plainsh', 'idle');
    await env.amux(['send', 'plainsh', 'for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.5; done', '--no-wait'], { cwd: dir });
    await until('plainsh', 'running', 5000);
    await until('plainsh', 'idle');
  });

  test('send reads the prompt from stdin (-) and from --file', async () => {
    const viaStdin = await env.amux(['send', 'plainsh', '-', '--timeout', '20s'], { cwd: dir, input: 'echo "from-stdin $((6*7))"\n' });
    assert.equal(viaStdin.code, 0, viaStdin.stderr);
    assert.match(viaStdin.stdout, /from-stdin 42/);
    const f = join(env.dir, 'prompt.txt');
    writeFileSync(f, 'echo "from-file $((7*7))"\n');
    const viaFile = await env.amux(['send', 'plainsh', '--file', f, '--timeout', '20s'], { cwd: dir });
    assert.equal(viaFile.code, 0, viaFile.stderr);
    assert.match(viaFile.stdout, /from-file 49/);
    const none = await env.amux(['send', 'plainsh'], { cwd: dir });
    assert.equal(none.code, 2);
  });

  test('ps --watch redraws until interrupted', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'ps', '--watch', '--json'], { cwd: dir, env: env.env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await sleep(2600);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const frames = out.trim().split('\n').filter(Boolean);
    assert.ok(frames.length >= 2, `at least two redraws, got ${frames.length}`);
    for (const f of frames) assert.ok(Array.isArray(JSON.parse(f)), 'each frame is a JSON array');
    assert.equal(code, 0);
  });

  test('ps sorts waiting and stuck first and shows the age in state', async () => {
    const rows = await env.amuxJson<Row[]>(['ps', '--json'], { cwd: dir });
    const order = rows.map((r) => r.state);
    const firstCalm = order.findIndex((s) => s !== 'waiting' && s !== 'stuck');
    assert.ok(order.slice(firstCalm).every((s) => s !== 'waiting' && s !== 'stuck'), order.join(','));
    const table = (await env.amux(['ps'], { cwd: dir })).stdout;
    assert.match(table, /stuck \d+[sm]\b/);
  });

  test('status line: install keeps the old status-right, print matches it, uninstall restores', async () => {
    env.tmux(['set-option', '-g', 'status-right', 'MINE']);
    const i = await env.amux(['statusline', 'install'], { cwd: dir });
    assert.equal(i.code, 0, i.stderr);
    const sr = env.tmux(['show-options', '-gv', 'status-right']).trim();
    assert.match(sr, /@amux_summary/);
    assert.match(sr, /MINE$/);
    assert.match(env.tmux(['show-options', '-gv', 'window-status-format']), /@amux_state_icon/);
    const printed = (await env.amux(['statusline', 'print'], { cwd: dir })).stdout.trim();
    assert.match(printed, /\d+ (idle|stuck|running|waiting)/);
    // the text tmux renders for status-right is the same summary
    const rendered = env.tmux(['display-message', '-p', '#{@amux_summary}']).trim();
    assert.equal(rendered, printed);
    // window entries carry the state icon, names untouched
    const win = env.tmux(['display-message', '-p', '-t', (await row('boom'))!.tmux.window, '#{@amux_state_icon}|#{window_name}']).trim();
    assert.equal(win, '■|crasher');
    const u = await env.amux(['statusline', 'uninstall'], { cwd: dir });
    assert.equal(u.code, 0, u.stderr);
    assert.equal(env.tmux(['show-options', '-gv', 'status-right']).trim(), 'MINE');
  });

  test('one daemon per server; killing it loses nothing and states do not flip', async () => {
    const st = await env.amuxJson<{ running: boolean; pid: number }>(['daemon', 'status', '--json'], { cwd: dir });
    assert.equal(st.running, true);
    const before = await env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: dir });
    process.kill(st.pid, 'SIGKILL');
    await sleep(200);
    const afterRows = await env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: dir });
    const st2 = await env.amuxJson<{ running: boolean; pid: number }>(['daemon', 'status', '--json'], { cwd: dir });
    assert.equal(st2.running, true);
    assert.notEqual(st2.pid, st.pid);
    for (const b of before.filter((x) => x.state === 'idle' || x.state === 'exited')) {
      const a = afterRows.find((x) => x.id === b.id)!;
      assert.equal(a.state, b.state, `${b.name} kept its state`);
      assert.equal(a.stateSince, b.stateSince, `${b.name} kept its since`);
    }
    // concurrent starts make one daemon
    await env.amux(['daemon', 'stop'], { cwd: dir });
    await Promise.all(Array.from({ length: 6 }, () => env.amux(['ps'], { cwd: dir })));
    const pids = env.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').filter((s) => s === '_amux-monitor');
    assert.equal(pids.length, 1);
    const st3 = await env.amuxJson<{ running: boolean; pid: number }>(['daemon', 'status', '--json'], { cwd: dir });
    assert.equal(st3.running, true);
  });

  test('the daemon exits when its tmux server goes away', async () => {
    const st = await env.amuxJson<{ pid: number }>(['daemon', 'status', '--json'], { cwd: dir });
    env.tmux(['kill-server']);
    const gone = await waitFor(() => {
      try {
        process.kill(st.pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 8000);
    assert.ok(gone, 'daemon exited');
  });
});
