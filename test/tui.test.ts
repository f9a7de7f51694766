/**
 * `amux tui` in a real tmux pane of the test's private server: driven with send-keys, read with
 * capture-pane. Also the `rename` / `tag` verbs that share the TUI's core functions.
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { TestEnv, waitFor, sleep, CLI } from './helpers.ts';
import { fit, previewWindow, sanitizeAnsi, sliceAnsi, columnsFor, headerLine, rowLine, topLine, scrollLabel, stripColorSgr, displayWidth } from '../src/tui/format.ts';
import { buildRows, moveSelection } from '../src/tui/model.ts';
import { loadBlessed, terminfoFor } from '../src/tui/blessed.ts';
import { validateTag } from '../src/session/edit.ts';
import { missingProgram } from '../src/session/spec.ts';
import type { AgentSpec } from '../src/config/types.ts';
import { tmpdir } from 'node:os';
import type { SessionView } from '../src/state/model.ts';

interface PsRow {
  id: string;
  name: string;
  state: string;
  exitCode: number | null;
  tags: string[];
  tmux: { session: string; pane: string; sessionId: string };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A TUI running in its own tmux session of the test server. */
class Tui {
  readonly errFile: string;
  constructor(
    readonly env: TestEnv,
    readonly name: string,
    opts: { term?: string; width?: number; height?: number; vars?: Record<string, string>; args?: string[]; cwd?: string } = {},
  ) {
    this.errFile = join(env.dir, `${name}.stderr`);
    const vars: Record<string, string> = {
      TERM: opts.term ?? 'tmux-256color',
      AMUX_TMUX_SOCKET: env.socket,
      AMUX_HOME: env.home,
      XDG_CONFIG_HOME: env.env.XDG_CONFIG_HOME!,
      XDG_STATE_HOME: env.env.XDG_STATE_HOME!,
      HOME: env.env.HOME!,
      PATH: env.env.PATH!,
      LANG: 'C.UTF-8',
      ...opts.vars,
    };
    // NO_COLOR only when a test asks for it (the shell running the tests may set it).
    const cmd = `env -u NO_COLOR ${Object.entries(vars)
      .map(([k, v]) => `${k}=${q(v)}`)
      .join(' ')} ${q(process.execPath)} ${q(CLI)} ${(opts.args ?? ['tui']).map(q).join(' ')} 2>${q(this.errFile)}; echo TUI-EXIT=$?; sleep 600`;
    env.tmux(['new-session', '-d', '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 40), '-s', name, '-c', opts.cwd ?? env.dir, cmd]);
  }
  get target(): string {
    return `=${this.name}:`;
  }
  screen(): string {
    return this.env.tryTmux(['capture-pane', '-p', '-t', this.target]) ?? '';
  }
  lines(): string[] {
    return this.screen().split('\n');
  }
  keys(...keys: string[]): void {
    this.env.tmux(['send-keys', '-t', this.target, ...keys]);
  }
  type(text: string): void {
    this.env.tmux(['send-keys', '-t', this.target, '-l', text]);
  }
  async waitScreen(pred: (s: string) => boolean, what: string, timeoutMs = 8000): Promise<string> {
    const ok = await waitFor(() => pred(this.screen()), timeoutMs, 50);
    const s = this.screen();
    assert.ok(ok, `timed out waiting for ${what}; screen:\n${s}`);
    return s;
  }
  /** The table row (a line) naming `session`. */
  row(session: string): string | undefined {
    return this.lines().find((l) => new RegExp(`^(▶ | {2})\\S+ .*\\b${session}\\b`).test(l));
  }
  selectedRow(): string | undefined {
    return this.lines().find((l) => l.startsWith('▶ '));
  }
  /** Moves the selection onto `session` with j/k. */
  async select(session: string): Promise<void> {
    await this.waitScreen((s) => s.includes(session), `${session} in the table`);
    for (let i = 0; i < 30; i++) {
      if (new RegExp(`\\b${session}\\b`).test(this.selectedRow() ?? '')) return;
      const lines = this.lines();
      const sel = lines.findIndex((l) => l.startsWith('▶ '));
      const want = lines.findIndex((l) => new RegExp(`^(▶ | {2})\\S+ .*\\b${session}\\b`).test(l));
      this.keys(want >= 0 && sel >= 0 && want < sel ? 'k' : 'j');
      await sleep(60);
    }
    assert.fail(`could not select ${session}:\n${this.screen()}`);
  }
  stderr(): string {
    return existsSync(this.errFile) ? readFileSync(this.errFile, 'utf8') : '';
  }
  async quit(): Promise<void> {
    this.keys('q');
    await this.waitScreen((s) => s.includes('TUI-EXIT='), 'the TUI to exit');
  }
  kill(): void {
    this.env.tryTmux(['kill-session', '-t', this.target]);
  }
}

describe('amux tui', () => {
  const env = new TestEnv('tui');
  const ps = () => env.amuxJson<PsRow[]>(['ps', '--json', '--all']);
  const find = async (name: string) => (await ps()).find((r) => r.name === name);
  let tui: Tui;

  before(async () => {
    for (const [name, cmd] of [
      ['alpha', "printf '\\033[31mALPHA-RED\\033[0m\\n'; echo alpha-ready; sleep 300"],
      ['beta', 'cat'],
      ['victim', 'sleep 300'],
    ]) {
      const r = await env.amux(['run', '-c', cmd!, '--name', name!]);
      assert.equal(r.code, 0, r.stderr);
    }
    tui = new Tui(env, 'tui');
  });
  after(async () => {
    tui?.kill();
    await env.cleanup();
  });

  test('lists the live sessions with the states ps reports, and writes nothing to stderr', async () => {
    await tui.waitScreen((s) => ['alpha', 'beta', 'victim'].every((n) => s.includes(n)), 'all three sessions');
    const s = tui.screen();
    assert.match(s.split('\n')[0]!, /amux · 3 sessions/);
    assert.match(s, /STATE\s+NAME\s+AGENT\s+WORKSPACE\s+OUTPUT/);
    // Each row shows the state ps --json reports (polled together: states move on their own).
    const agree = await waitFor(async () => {
      const rows = await ps();
      return rows.every((r) => tui.row(r.name)?.includes(` ${r.state}`));
    }, 8000);
    assert.ok(agree, `table states agree with ps --json:\n${tui.screen()}\n${JSON.stringify((await ps()).map((r) => [r.name, r.state]))}`);
    assert.equal(tui.stderr(), '');
  });

  test('j moves the selection and the preview follows it, with colours', async () => {
    await tui.select('alpha');
    await tui.waitScreen((s) => s.includes('alpha-ready') && /^── alpha · /m.test(s), 'the preview of alpha');
    const coloured = env.tmux(['capture-pane', '-p', '-e', '-t', tui.target]);
    assert.match(coloured, /\x1b\[31mALPHA-RED/, 'the preview keeps the pane colours');
    // One capture for both: a row's text changes every second (its age), so looking it up in a
    // second capture can miss it.
    const idx = tui.lines().findIndex((l) => l.startsWith('▶ '));
    assert.ok(idx > 0, 'a row is selected');
    tui.keys('j');
    await tui.waitScreen((s) => s.split('\n')[idx + 1]?.startsWith('▶ ') ?? false, 'the selection to move down');
    const now = tui.selectedRow()!;
    const name = ['alpha', 'beta', 'victim'].find((n) => now.includes(n))!;
    assert.notEqual(name, 'alpha');
    await tui.waitScreen((s) => new RegExp(`^── ${name} · `, 'm').test(s), `the preview header of ${name}`);
    assert.doesNotMatch(tui.screen(), /alpha-ready/, 'the preview shows the new selection');
  });

  test('NO_COLOR: no colour at all, the preview included; the header and selection use inverse video', async () => {
    const t = new Tui(env, 'tui-nocolor', { vars: { NO_COLOR: '1' } });
    try {
      await t.waitScreen((s) => s.includes('alpha-ready') || ['alpha', 'beta', 'victim'].every((n) => s.includes(n)), 'the table');
      await t.select('alpha');
      await t.waitScreen((s) => s.includes('alpha-ready'), 'the preview of alpha');
      const raw = env.tmux(['capture-pane', '-p', '-e', '-t', t.target]);
      const colours = [...raw.matchAll(/\x1b\[([0-9;]*)m/g)].map((m) => m[1]!).filter((p) => p.split(';').some((n) => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(n)));
      assert.deepEqual(colours, [], `no colour escapes:\n${JSON.stringify(raw.slice(0, 400))}`);
      assert.match(raw, /\x1b\[7m amux ·/, 'the header is inverse');
      await t.quit();
      assert.equal(t.stderr(), '');
    } finally {
      t.kill();
    }
  });

  test('a mouse click selects a row', async () => {
    await tui.select('alpha');
    const lines = tui.lines();
    const y = lines.findIndex((l) => /^ {2}\S+ .*\bvictim\b/.test(l));
    assert.ok(y > 0, 'victim is listed and not selected');
    // X10 mouse encoding (blessed turns on utf8 mouse mode, the same bytes for small coordinates).
    const at = (b: number) => `\x1b[M${String.fromCharCode(32 + b)}${String.fromCharCode(32 + 10)}${String.fromCharCode(32 + y + 1)}`;
    env.tmux(['send-keys', '-t', tui.target, '-l', at(0)]);
    env.tmux(['send-keys', '-t', tui.target, '-l', at(3)]);
    await tui.waitScreen(() => /\bvictim\b/.test(tui.selectedRow() ?? ''), 'victim selected by the click');
    await tui.waitScreen((s) => /^── victim · /m.test(s), 'the preview of victim');
  });

  test('/ filters the table, and an empty filter shows everything again', async () => {
    tui.keys('/');
    await tui.waitScreen((s) => s.includes('filter'), 'the filter prompt');
    tui.type('bet');
    tui.keys('Enter');
    await tui.waitScreen((s) => !!tui.row('beta') && !tui.row('alpha') && !tui.row('victim'), 'only beta');
    assert.match(tui.lines()[0]!, /filter: bet/);
    tui.keys('/');
    await tui.waitScreen((s) => s.includes('> bet'), 'the filter prompt with the current filter');
    tui.keys('C-u', 'Enter');
    await tui.waitScreen(() => !!tui.row('alpha') && !!tui.row('beta') && !!tui.row('victim'), 'all sessions again');
  });

  test('after a filter is cleared in a short window, the selected row is on screen and the position shown', async () => {
    const fill = await env.amux(['run', '-c', 'sleep 300', '--tag', 'fill', '--count', '5', '--json']);
    assert.equal(fill.code, 0, fill.stderr);
    // The rows in their order, at full size.
    const names = () => tui.lines().filter((l) => /^(▶ | {2})\S+ \S/.test(l) && !/STATE/.test(l)).map((l) => l.slice(2).trim().split(/\s+/)[1]!);
    await tui.waitScreen(() => names().length >= 8, 'eight rows');
    const last = names().at(-1)!;
    // A window so short that the table shows fewer rows than there are.
    env.tmux(['resize-window', '-t', tui.target, '-x', '120', '-y', '12']);
    await tui.waitScreen((s) => / \d+–\d+ of \d+/.test(s), 'the scroll position, since not every row fits');
    await tui.select(names()[0]!);
    tui.keys('/');
    await tui.waitScreen((s) => s.includes('filter'), 'the filter prompt');
    tui.type(last);
    tui.keys('Enter');
    await tui.waitScreen(() => new RegExp(`\\b${last}\\b`).test(tui.selectedRow() ?? ''), `${last} alone, selected`);
    tui.keys('Escape');
    await tui.waitScreen((s) => s.includes('filter cleared'), 'the filter cleared');
    // The last row is still the selection, and it is drawn (not scrolled out of view).
    await tui.waitScreen(() => new RegExp(`\\b${last}\\b`).test(tui.selectedRow() ?? ''), `${last} still selected and visible`);
    assert.match(tui.screen(), / \d+–\d+ of 8\b/, 'the position in the table is shown');
    env.tmux(['resize-window', '-t', tui.target, '-x', '120', '-y', '40']);
    assert.equal((await env.amux(['rm', '--tag', 'fill', '--force', '--yes'])).code, 0);
  });

  test('s sends a prompt that arrives in the selected pane', async () => {
    await tui.select('beta');
    tui.keys('s');
    await tui.waitScreen((s) => s.includes('send to beta'), 'the send prompt');
    tui.type('hello from the tui; $HOME "quoted"');
    tui.keys('Enter');
    const pane = (await find('beta'))!.tmux.pane;
    const arrived = await waitFor(() => env.tmux(['capture-pane', '-p', '-t', pane]).includes('hello from the tui; $HOME "quoted"'), 5000);
    assert.ok(arrived, `the text reached beta's pane:\n${env.tmux(['capture-pane', '-p', '-t', pane])}`);
    await tui.waitScreen((s) => s.includes('sent to beta'), 'the confirmation in the status line');
  });

  test('Esc closes an overlay first, and ? shows the help', async () => {
    tui.keys('?');
    await tui.waitScreen((s) => s.includes('amux keys') && s.includes('send a prompt'), 'the help overlay');
    tui.keys('Escape');
    await tui.waitScreen((s) => !s.includes('amux keys'), 'the help to close');
    tui.keys('s');
    await tui.waitScreen((s) => s.includes('send to'), 'the send prompt');
    tui.keys('Escape');
    await tui.waitScreen((s) => !s.includes('send to'), 'the prompt to close');
    await sleep(200);
    assert.doesNotMatch(tui.screen(), /TUI-EXIT=/, 'Esc closed the prompt, not the TUI');
  });

  test('x stops the selected session (ps shows it exited)', async () => {
    await tui.select('victim');
    tui.keys('x');
    const stopped = await waitFor(async () => (await find('victim'))?.state === 'exited', 10_000);
    assert.ok(stopped, 'victim exited');
    await tui.waitScreen(() => /exited/.test(tui.row('victim') ?? ''), 'victim shown as exited', 3000);
  });

  test('a state change shows within 2 s of ps --json', async () => {
    const r = await env.amux(['run', '-c', 'echo flip-start; sleep 2; exit 3', '--name', 'flip']);
    assert.equal(r.code, 0, r.stderr);
    await tui.waitScreen(() => !!tui.row('flip'), 'flip in the table');
    const exited = await waitFor(async () => (await find('flip'))?.state === 'exited', 15_000, 50);
    assert.ok(exited, 'flip exited');
    const t0 = Date.now();
    await tui.waitScreen(() => /exited/.test(tui.row('flip') ?? ''), 'flip shown as exited', 2000);
    assert.ok(Date.now() - t0 <= 2000);

    // A command that prints, then goes quiet: running → idle.
    const r2 = await env.amux(['run', '-c', 'echo quiet-start; sleep 1; echo quiet-more; sleep 300', '--name', 'quiet']);
    assert.equal(r2.code, 0, r2.stderr);
    const idle = await waitFor(async () => (await find('quiet'))?.state === 'idle', 15_000, 50);
    assert.ok(idle, 'quiet went idle');
    const t1 = Date.now();
    await tui.waitScreen(() => / idle/.test(tui.row('quiet') ?? ''), 'quiet shown as idle', 2000);
    assert.ok(Date.now() - t1 <= 2000);
  });

  test('y answers yes to a waiting dialog, N answers no, Esc never reaches the agent (waiting sessions sort first)', async () => {
    for (const name of ['asker', 'asker2']) {
      const r = await env.amux(['run', 'claude', '--name', name, '-e', 'FAKE_START=turn', '-e', 'FAKE_SCRIPT=permission,done', '-e', 'FAKE_SCRIPT_NEXT=done']);
      assert.equal(r.code, 0, r.stderr);
    }
    const waiting = await waitFor(async () => (await ps()).filter((r) => r.name.startsWith('asker') && r.state === 'waiting').length === 2, 15_000);
    assert.ok(waiting, `both askers wait: ${JSON.stringify((await ps()).map((r) => [r.name, r.state]))}`);
    await tui.waitScreen(() => / waiting/.test(tui.row('asker') ?? '') && / waiting/.test(tui.row('asker2') ?? ''), 'the askers shown as waiting');
    // Waiting sessions come first in the table.
    const rows = tui.lines().filter((l) => /^(▶ | {2})\S+ \S/.test(l) && !/STATE/.test(l));
    assert.match(rows[0]!, / waiting/);
    assert.match(rows[1]!, / waiting/);

    await tui.select('asker2');
    tui.keys('y');
    await tui.waitScreen((s) => /sent 1 to asker2/.test(s), 'the answer sent');
    const answered = await waitFor(async () => (await find('asker2'))?.state !== 'waiting', 10_000);
    assert.ok(answered, 'asker2 no longer waits');
    const pane2 = (await find('asker2'))!.tmux.pane;
    assert.ok(await waitFor(() => /Done/.test(env.tmux(['capture-pane', '-p', '-t', pane2])), 10_000), 'asker2 went on after yes');

    await tui.select('asker');
    await tui.waitScreen((s) => /y yes {2}N no/.test(s), 'the answer keys in the footer for a waiting session');
    await sleep(100);
    tui.keys('Escape');
    await sleep(1500);
    assert.equal((await find('asker'))?.state, 'waiting', 'Esc sent nothing: asker still waits');
    tui.keys('N');
    await tui.waitScreen((s) => /sent Escape to asker\b/.test(s), 'the rejection sent');
    assert.ok(await waitFor(async () => (await find('asker'))?.state !== 'waiting', 10_000), 'asker no longer waits');
    // y on a session that is not waiting says so and sends nothing.
    await tui.select('alpha');
    tui.keys('y');
    await tui.waitScreen((s) => /alpha is \w+, not waiting/.test(s), 'the refusal');
  });

  test('r renames, t tags and a archives the selected session', async () => {
    await tui.select('beta');
    tui.keys('r');
    await tui.waitScreen((s) => s.includes('rename beta'), 'the rename prompt');
    tui.keys('C-u');
    tui.type('gamma');
    tui.keys('Enter');
    await tui.waitScreen(() => !!tui.row('gamma'), 'gamma in the table');
    const g = (await find('gamma'))!;
    assert.ok(g, 'ps knows gamma');
    assert.equal(g.tmux.session, 'amux-gamma');
    assert.ok(env.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').includes('amux-gamma'));

    tui.keys('t');
    await tui.waitScreen((s) => s.includes('tags of gamma'), 'the tag prompt');
    tui.type('backend urgent');
    tui.keys('Enter');
    await tui.waitScreen((s) => s.includes('gamma: backend urgent'), 'the tags confirmed');
    assert.deepEqual((await find('gamma'))!.tags, ['backend', 'urgent']);

    tui.keys('a');
    await tui.waitScreen(() => !tui.row('gamma'), 'gamma hidden once archived');
    tui.keys('A');
    await tui.waitScreen(() => /gamma \[archived\]/.test(tui.row('gamma') ?? ''), 'gamma shown with A');
    tui.keys('A');
    await tui.waitScreen(() => !tui.row('gamma'), 'gamma hidden again');
  });

  test('d removes the selected session after a confirmation', async () => {
    await tui.select('victim');
    tui.keys('d');
    await tui.waitScreen((s) => s.includes('Remove victim?'), 'the confirmation');
    tui.keys('n');
    await tui.waitScreen((s) => !s.includes('Remove victim?'), 'the confirmation to close');
    assert.ok(await find('victim'), 'n keeps it');
    tui.keys('d');
    await tui.waitScreen((s) => s.includes('Remove victim?'), 'the confirmation again');
    tui.keys('y');
    await tui.waitScreen(() => !tui.row('victim'), 'victim gone from the table');
    assert.equal(await find('victim'), undefined);
  });

  test('l shows the logs of the selected session', async () => {
    await tui.select('alpha');
    tui.keys('l');
    await tui.waitScreen((s) => s.includes('logs: alpha') && s.includes('alpha-ready'), 'the log view');
    tui.keys('Escape');
    await tui.waitScreen((s) => !s.includes('logs: alpha'), 'the log view to close');
  });

  test('T shows the transcript and i the full record of the selected session', async () => {
    await tui.select('alpha');
    tui.keys('T');
    await tui.waitScreen((s) => s.includes('transcript: alpha') && s.includes('alpha-ready'), 'the transcript view');
    tui.keys('Escape');
    await tui.waitScreen((s) => !s.includes('transcript: alpha'), 'the transcript view to close');
    tui.keys('i');
    await tui.waitScreen((s) => s.includes('info: alpha') && /conversation\s+-/.test(s) && s.includes('.log'), 'the info view');
    tui.keys('Escape');
    await tui.waitScreen((s) => !s.includes('info: alpha'), 'the info view to close');
  });

  test('u restarts an exited session; H refuses to hibernate what could not be resumed, and says why', async () => {
    const again = join(env.dir, 'again');
    const r = await env.amux(['run', '-c', `[ -f ${again} ] && exec sleep 300; echo once; exit 3`, '--name', 'ender']);
    assert.equal(r.code, 0, r.stderr);
    await tui.waitScreen(() => /exited/.test(tui.row('ender') ?? ''), 'ender exited');
    const before = (await find('ender'))!.tmux.pane;
    writeFileSync(again, '');
    await tui.select('ender');
    tui.keys('u');
    await tui.waitScreen((s) => s.includes('ender restarted'), 'the restart said');
    assert.ok(await waitFor(async () => (await find('ender'))!.tmux.pane !== before, 8000), 'a new pane runs it');
    await tui.waitScreen(() => !/exited/.test(tui.row('ender') ?? ''), 'ender live again');
    // H on a plain command: refused with the reason (nothing could resume it), and it keeps running.
    // (Hibernating and waking an agent with a conversation: test/resume.test.ts.)
    await tui.waitScreen(() => /idle/.test(tui.row('ender') ?? ''), 'ender idle');
    const live = (await find('ender'))!.tmux.pane;
    tui.keys('H');
    await tui.waitScreen((s) => s.includes('cannot be resumed by a conversation id'), 'the refusal, with its reason');
    assert.equal((await find('ender'))!.tmux.pane, live, 'still running in its pane');
    assert.equal((await env.amux(['rm', 'ender', '--force'])).code, 0);
  });

  test('resize to 80×24 keeps the header and the table readable', async () => {
    env.tmux(['resize-window', '-t', tui.target, '-x', '80', '-y', '24']);
    await tui.waitScreen((s) => s.split('\n').length <= 25 && s.split('\n')[0]!.includes('amux ·'), 'the header at 80×24');
    const lines = tui.lines();
    assert.match(lines[1]!, /STATE\s+NAME/);
    assert.ok(tui.row('alpha'), 'alpha still listed');
    for (const l of lines) assert.ok([...l].length <= 80, `line fits 80 columns: ${l}`);
    assert.ok((lines[23] ?? '').trim().length > 0, `the footer (row 24) is drawn:\n${lines.join('\n')}`);
    env.tmux(['resize-window', '-t', tui.target, '-x', '120', '-y', '40']);
  });

  test('Enter opens the session in a popup (inside tmux, same server); detaching comes back to the TUI', async () => {
    const outer = env.extraSocket('outer');
    try {
      execFileSync('tmux', ['-L', outer, 'new-session', '-d', '-x', '130', '-y', '45', `env -u TMUX tmux -L ${env.socket} attach-session -t ${q(tui.target)}`], { env: env.env });
      const attached = await waitFor(() => (env.tryTmux(['list-clients', '-F', '#{client_session}']) ?? '').split('\n').includes(tui.name), 5000);
      assert.ok(attached, 'a client is attached to the TUI session');
      await tui.select('alpha');
      tui.keys('Enter');
      const on = () => (env.tryTmux(['list-clients', '-F', '#{client_control_mode} #{client_session}']) ?? '').split('\n').filter((l) => l.startsWith('0 ')).map((l) => l.slice(2)).sort();
      const popped = await waitFor(() => on().includes('amux-alpha'), 5000);
      assert.ok(popped, `a popup client on amux-alpha: ${on().join(',')}`);
      assert.ok(on().includes(tui.name), 'the client running the TUI stays on it');
      execFileSync('tmux', ['-L', outer, 'send-keys', '-t', '=0:', 'C-b', 'd'], { env: env.env });
      assert.ok(await waitFor(() => !on().includes('amux-alpha'), 5000), `the popup closed on detach: ${on().join(',')}`);
      await tui.waitScreen((s) => s.includes('back from alpha'), 'the status line');
    } finally {
      try {
        execFileSync('tmux', ['-L', outer, 'kill-server'], { stdio: 'ignore' });
      } catch {
        /* gone */
      }
    }
  });

  test('Enter outside tmux attaches in the terminal, and the TUI comes back on detach', async () => {
    // The TUI runs in a pane of another server with TMUX unset: to it, that is a plain terminal.
    const outer = env.extraSocket('plain');
    const vars = `TERM=tmux-256color LANG=C.UTF-8 AMUX_TMUX_SOCKET=${q(env.socket)} AMUX_HOME=${q(env.home)} XDG_CONFIG_HOME=${q(env.env.XDG_CONFIG_HOME!)} HOME=${q(env.env.HOME!)} PATH=${q(env.env.PATH!)}`;
    const err = join(env.dir, 'plain.stderr');
    const otmux = (...a: string[]) => execFileSync('tmux', ['-L', outer, ...a], { encoding: 'utf8', env: env.env });
    try {
      otmux('new-session', '-d', '-x', '110', '-y', '35', '-s', 'o', `env -u TMUX -u TMUX_PANE ${vars} ${q(process.execPath)} ${q(CLI)} tui 2>${q(err)}; echo TUI-EXIT=$?; sleep 600`);
      const screen = () => otmux('capture-pane', '-p', '-t', '=o:');
      assert.ok(await waitFor(() => /^▶ .*\balpha\b/m.test(screen()) || screen().includes('alpha'), 8000, 50), screen());
      for (let i = 0; i < 30 && !/^▶ .*\balpha\b/m.test(screen()); i++) {
        otmux('send-keys', '-t', '=o:', 'j');
        await sleep(60);
      }
      assert.match(screen(), /^▶ .*\balpha\b/m);
      otmux('send-keys', '-t', '=o:', 'Enter');
      const clients = () => (env.tryTmux(['list-clients', '-F', '#{client_session}']) ?? '').split('\n');
      assert.ok(await waitFor(() => clients().includes('amux-alpha'), 5000), `attached to amux-alpha: ${clients().join(',')}`);
      env.tmux(['detach-client', '-s', 'amux-alpha']);
      assert.ok(await waitFor(() => /back from alpha/.test(screen()) && /amux · \d+ sessions/.test(screen()), 5000, 50), `the TUI is back:\n${screen()}`);
      otmux('send-keys', '-t', '=o:', 'q');
      assert.ok(await waitFor(() => screen().includes('TUI-EXIT=0'), 5000, 50));
      assert.equal(readFileSync(err, 'utf8'), '');
    } finally {
      try {
        execFileSync('tmux', ['-L', outer, 'kill-server'], { stdio: 'ignore' });
      } catch {
        /* gone */
      }
    }
  });

  test('q quits cleanly with nothing on stderr', async () => {
    await tui.quit();
    assert.match(tui.screen(), /TUI-EXIT=0/);
    assert.equal(tui.stderr(), '');
  });
});

describe('amux tui: terminals, first run, server gone, config', () => {
  const env = new TestEnv('tuiterm');
  after(() => env.cleanup());

  test('starts under tmux-256color, screen-256color and xterm-256color with an empty stderr', async () => {
    const tuis = ['tmux-256color', 'screen-256color', 'xterm-256color'].map((term) => new Tui(env, `term-${term.replace(/[^a-z0-9]/g, '')}`, { term, width: 100, height: 30 }));
    for (const t of tuis) {
      await t.waitScreen((s) => s.includes('Welcome to amux') && s.split('\n')[0]!.includes('amux · 0 sessions'), 'the first-run screen');
      t.keys('?');
      await t.waitScreen((s) => s.includes('amux keys'), 'the help overlay');
      t.keys('Escape');
      await t.waitScreen((s) => !s.includes('amux keys'), 'the help to close');
    }
    for (const t of tuis) await t.quit();
    for (const t of tuis) {
      assert.match(t.screen(), /TUI-EXIT=0/);
      assert.equal(t.stderr(), '', `stderr of ${t.name}`);
      t.kill();
    }
  });

  test('the first-run screen points at amux run and amux demo', async () => {
    const t = new Tui(env, 'empty', { width: 80, height: 24 });
    const s = await t.waitScreen((x) => x.includes('Welcome to amux'), 'the welcome screen');
    assert.match(s, /amux run claude/);
    assert.match(s, /amux demo/);
    await t.quit();
    t.kill();
  });

  test('a tmux server that goes away shows a message, not a crash', async () => {
    const other = env.extraSocket('gone');
    const otherEnv = { ...env.env, AMUX_TMUX_SOCKET: other, AMUX_NO_DAEMON: '1' };
    const r = await env.amux(['run', '-c', 'sleep 300', '--name', 'remote'], { env: otherEnv });
    assert.equal(r.code, 0, r.stderr);
    const t = new Tui(env, 'gone', { vars: { AMUX_TMUX_SOCKET: other, AMUX_NO_DAEMON: '1' } });
    try {
      await t.waitScreen(() => !!t.row('remote'), 'the session of the other server');
      execFileSync('tmux', ['-L', other, 'kill-server'], { stdio: 'ignore' });
      await t.waitScreen((s) => s.includes('tmux server not running'), 'the server-gone message', 5000);
      await t.waitScreen(() => / lost/.test(t.row('remote') ?? ''), 'the session shown as lost');
      await t.quit();
      assert.equal(t.stderr(), '');
    } finally {
      t.kill();
      try {
        execFileSync('tmux', ['-L', other, 'kill-server'], { stdio: 'ignore' });
      } catch {
        /* gone */
      }
    }
  });

  test('a config edit reloads the agents; an invalid edit shows its error and keeps the last good config', async () => {
    const proj = join(env.dir, 'proj');
    mkdirSync(join(proj, '.amux'), { recursive: true });
    const file = join(proj, '.amux', 'config.yaml');
    writeFileSync(file, 'version: 1\nagents:\n  first-agent:\n    command: "sleep 100"\n');
    const c = new Tui(env, 'cfg', { width: 120, height: 30, cwd: proj });
    await c.waitScreen((s) => s.includes('Welcome to amux'), 'the TUI');
    await sleep(300); // the watcher starts after the first load
    writeFileSync(file, 'version: 1\nagents:\n  first-agent:\n    command: "sleep 100"\n  second-agent:\n    command: "sleep 200"\n  ghost-agent:\n    command: "amux-no-such-program --x"\n');
    await c.waitScreen((s) => /config reloaded: \d+ agents/.test(s), 'the reload message');
    writeFileSync(file, 'version: 1\nagents:\n  bad-agent:\n    command: [unclosed\n');
    await c.waitScreen((s) => s.includes('config:') && s.includes('config.yaml'), 'the config error in the status line');
    // n still offers the last good agents.
    c.keys('n');
    await c.waitScreen((s) => s.includes('second-agent') && s.includes('first-agent'), 'the agents of the last good config');
    assert.match(c.screen(), /ghost-agent \(not installed\)/, 'an agent whose program is missing says so in the list');
    assert.doesNotMatch(c.screen(), /first-agent \(not installed\)/);
    c.keys('Escape');
    await c.waitScreen((s) => !s.includes('new session: agent'), 'the chooser to close');
    // n starts a session: agent from the list, workspace (main checkout), no prompt.
    c.keys('n');
    await c.waitScreen((s) => s.includes('new session: agent'), 'the agent chooser');
    for (let i = 0; i < 40 && !/▶ second-agent/.test(c.screen()); i++) {
      c.keys('j');
      await sleep(40);
    }
    assert.match(c.screen(), /▶ second-agent/);
    c.keys('Enter');
    await c.waitScreen((s) => s.includes('workspace') && s.includes('(main checkout)'), 'the workspace chooser');
    c.keys('Enter');
    await c.waitScreen((s) => s.includes('First prompt'), 'the prompt question');
    c.keys('Enter');
    await c.waitScreen((s) => s.includes('started second-agent'), 'the start message');
    const started = await waitFor(async () => (await env.amuxJson<PsRow[]>(['ps', '--json'])).find((r) => r.name === 'second-agent'), 5000);
    assert.ok(started, 'ps lists the new session');
    await c.waitScreen(() => !!c.row('second-agent'), 'the new session in the table');
    await c.quit();
    assert.equal(c.stderr(), '');
    c.kill();
  });
});

describe('amux tui: workspaces', () => {
  const env = new TestEnv('tuiws');
  after(() => env.cleanup());

  test('w lists workspaces; c creates one; Enter starts a session there; d removes it after a confirmation', async () => {
    const repo = env.gitRepo('wsproj');
    const t = new Tui(env, 'ws', { width: 120, height: 32, cwd: repo });
    try {
      await t.waitScreen((s) => s.includes('Welcome to amux'), 'the TUI');
      t.keys('w');
      await t.waitScreen((s) => s.includes('workspaces of') && s.includes('(none)'), 'the empty workspaces view');
      t.keys('c');
      await t.waitScreen((s) => s.includes('Workspace name'), 'the name prompt');
      t.type('feat');
      t.keys('Enter');
      await t.waitScreen((s) => /▶ feat/.test(s), 'feat created and listed', 20_000);
      assert.ok(existsSync(join(repo, '.amux', 'workspaces', 'feat')), 'the worktree exists');
      t.keys('Enter');
      await t.waitScreen((s) => s.includes('new session: agent'), 'the agent chooser');
      for (let i = 0; i < 40 && !/▶ shell\b/.test(t.screen()); i++) {
        t.keys('j');
        await sleep(40);
      }
      assert.match(t.screen(), /▶ shell\b/);
      t.keys('Enter');
      await t.waitScreen((s) => s.includes('First prompt'), 'the prompt question');
      t.keys('Enter');
      const started = await waitFor(async () => (await env.amuxJson<Array<PsRow & { workspace: string | null; cwd: string }>>(['ps', '--json'])).find((r) => r.workspace === 'feat'), 8000);
      assert.ok(started, 'a session runs in workspace feat');
      assert.equal(started!.cwd, join(repo, '.amux', 'workspaces', 'feat'));
      await t.waitScreen(() => /\bfeat\b/.test(t.row(started!.name) ?? ''), 'the session with its workspace in the table');
      t.keys('v');
      await t.waitScreen((s) => /▾ wsproj \/ feat \(1\)/.test(s), 'grouped by workspace');
      t.keys('w');
      await t.waitScreen((s) => /▶ feat .*1 session/.test(s), 'feat with its live session');
      t.keys('d');
      await t.waitScreen((s) => s.includes('has 1 live session'), 'the confirmation naming the blocker');
      t.keys('y');
      await t.waitScreen((s) => /removed workspace feat/.test(s), 'feat removed', 20_000);
      assert.ok(!existsSync(join(repo, '.amux', 'workspaces', 'feat')), 'the worktree is gone');
      t.keys('Escape');
      await t.waitScreen((s) => !s.includes('workspaces of'), 'the view to close');
      await t.quit();
      assert.equal(t.stderr(), '');
    } finally {
      t.kill();
    }
  });
});

describe('amux rename / amux tag', () => {
  const env = new TestEnv('rename');
  after(() => env.cleanup());

  test('rename changes the name, the tmux session and keeps the reservation consistent', async () => {
    assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', 'one'])).code, 0);
    assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', 'two'])).code, 0);
    const r = await env.amux(['rename', 'one', 'uno']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /renamed one → uno/);
    const rows = await env.amuxJson<PsRow[]>(['ps', '--json']);
    const uno = rows.find((x) => x.name === 'uno');
    assert.ok(uno);
    assert.equal(uno!.tmux.session, 'amux-uno');
    const sessions = env.tmux(['list-sessions', '-F', '#{session_name}']).split('\n');
    assert.ok(sessions.includes('amux-uno') && !sessions.includes('amux-one'));
    // The old name is free again, the new one is taken.
    const taken = await env.amux(['rename', 'two', 'uno']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /already exists/);
    const again = await env.amux(['run', '-c', 'sleep 300', '--name', 'one']);
    assert.equal(again.code, 0, `the old name can be used again: ${again.stderr}`);
    const bad = await env.amux(['rename', 'two', 'no spaces']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid session name/);
    // attach/capture by the new name work
    assert.equal((await env.amux(['capture', 'uno'])).code, 0);
  });

  test('tag adds and removes tags; ps --tag selects by them', async () => {
    const r = await env.amux(['tag', 'two', 'backend', 'urgent']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /two: backend urgent/);
    let rows = await env.amuxJson<PsRow[]>(['ps', '--json', '--tag', 'urgent']);
    assert.deepEqual(rows.map((x) => x.name), ['two']);
    const rm = await env.amux(['tag', 'two', 'urgent', '--remove', '--json']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual((JSON.parse(rm.stdout) as PsRow).tags, ['backend']);
    rows = await env.amuxJson<PsRow[]>(['ps', '--json', '--tag', 'urgent']);
    assert.equal(rows.length, 0);
    const bad = await env.amux(['tag', 'two', 'has space']);
    assert.equal(bad.code, 2);
  });
});

describe('tui helpers', () => {
  test('fit truncates by display width and pads', () => {
    assert.equal(fit('abcdef', 4), 'abc…');
    assert.equal(fit('ab', 4), 'ab  ');
    assert.equal(fit('漢字漢字', 5), '漢字…');
    assert.equal(fit('x', 3, 'right'), '  x');
  });

  test('capture-pane text becomes blessed-safe lines', () => {
    assert.equal(sanitizeAnsi('\x1b[38:2::255:0:0mred\x1b[0m'), '\x1b[38;2;255;0;0mred\x1b[0m');
    assert.equal(sanitizeAnsi('a\x1b]8;;http://x\x07link\x1b]8;;\x07b\x1b[?25lc\x07'), 'alinkbc');
    assert.equal(sliceAnsi('\x1b[31mhello\x1b[0m world', 3), '\x1b[31mhel\x1b[0m');
    assert.equal(sliceAnsi('plain text', 5), 'plain');
  });

  test('previewWindow shows the live screen top-aligned and scrolls back into history', () => {
    const history = Array.from({ length: 10 }, (_, i) => `h${i}`);
    const visible = ['top', 'middle', 'bottom', '', '', ''];
    const text = [...history, ...visible].join('\n') + '\n';
    assert.deepEqual(previewWindow(text, 4, 0, 80, visible.length).lines, ['top', 'middle', 'bottom']);
    const back = previewWindow(text, 4, 2, 80, visible.length);
    assert.deepEqual(back.lines, ['h8', 'h9', 'top', 'middle']);
    const far = previewWindow(text, 4, 99, 80, visible.length);
    assert.equal(far.offset, 10);
    assert.deepEqual(far.lines, ['h0', 'h1', 'h2', 'h3']);
    // A screen taller than the preview shows its bottom part.
    const tall = Array.from({ length: 8 }, (_, i) => `v${i}`);
    assert.deepEqual(previewWindow(tall.join('\n'), 3, 0, 80, 8).lines, ['v5', 'v6', 'v7']);
  });

  test('rows: waiting first, grouping by workspace, selection skips group rows', () => {
    const mk = (name: string, state: SessionView['state'], workspace: string | null, createdAt: string): SessionView =>
      ({
        record: { name, id: name, agent: 'a', project: '/p/proj', workspace, tags: [], createdAt },
        pane: null,
        state,
        stateSince: null,
        reason: '',
        exitCode: null,
        exitSignal: null,
        lastOutputAt: null,
      }) as unknown as SessionView;
    const views = [mk('a', 'idle', null, '1'), mk('b', 'waiting', 'ws1', '2'), mk('c', 'running', 'ws1', '3'), mk('d', 'stuck', null, '4')];
    const flat = buildRows(views, { filter: '', showArchived: false, grouped: false });
    // Running and idle share a band (by creation): a generic session flipping between them stays put.
    assert.deepEqual(flat.map((r) => (r.kind === 'session' ? r.view.record.name : '-')), ['b', 'd', 'a', 'c']);
    const grouped = buildRows(views, { filter: '', showArchived: false, grouped: true });
    assert.deepEqual(grouped.map((r) => (r.kind === 'session' ? r.view.record.name : `[${r.label}]`)), ['[proj / ws1]', 'b', 'c', '[proj (main checkout)]', 'd', 'a']);
    assert.equal(moveSelection(grouped, 2, 1), 4, 'j from c skips the group row');
    assert.equal(moveSelection(grouped, 4, -1), 2, 'k from d skips the group row');
    assert.equal(moveSelection(grouped, -1, 1), 1);
    const filtered = buildRows(views, { filter: 'ws1 wait', showArchived: false, grouped: false });
    assert.deepEqual(filtered.map((r) => (r.kind === 'session' ? r.view.record.name : '')), ['b']);
  });

  test('column layout fits 80 columns', () => {
    assert.ok(headerLine(columnsFor(80)).length <= 80);
    assert.ok(headerLine(columnsFor(200)).length <= 200);
  });

  test('rows keep their order while states flap between running and idle; they move when one waits', () => {
    const mk = (name: string, state: SessionView['state'], createdAt: string): SessionView =>
      ({ record: { name, id: name, agent: 'a', project: '/p/proj', workspace: null, tags: [], createdAt }, pane: null, state, stateSince: null, reason: '', exitCode: null, exitSignal: null, lastOutputAt: null }) as unknown as SessionView;
    const names = (vs: SessionView[]) => buildRows(vs, { filter: '', showArchived: false, grouped: false }).map((r) => (r.kind === 'session' ? r.view.record.name : '-'));
    const t1 = names([mk('x', 'running', '1'), mk('y', 'idle', '2'), mk('z', 'running', '3')]);
    const t2 = names([mk('x', 'idle', '1'), mk('y', 'running', '2'), mk('z', 'idle', '3')]);
    const t3 = names([mk('x', 'starting', '1'), mk('y', 'unknown', '2'), mk('z', 'idle', '3')]);
    assert.deepEqual(t1, ['x', 'y', 'z']);
    assert.deepEqual(t2, t1, 'a flip between running and idle moves no row');
    assert.deepEqual(t3, t1);
    assert.deepEqual(names([mk('x', 'idle', '1'), mk('y', 'idle', '2'), mk('z', 'waiting', '3')]), ['z', 'x', 'y'], 'waiting still comes first');
  });

  test('columns: STATE holds its longest word, NAME is capped, AGENT and WORKSPACE get the rest', () => {
    const longest = '■ exited(sig 15) 59m';
    for (const w of [80, 100, 120, 160, 200, 250]) {
      const c = columnsFor(w);
      assert.ok(c.state >= displayWidth(longest), `STATE fits "${longest}" at ${w}`);
      assert.ok(displayWidth(headerLine(c)) <= w, `the header fits ${w}`);
      assert.ok(c.name <= 32 || (c.agent >= 30 && c.workspace >= 40 && c.tags >= 40), `NAME capped at ${w}: ${JSON.stringify(c)}`);
    }
    const wide = columnsFor(200);
    assert.ok(wide.agent >= 20 && wide.workspace >= 24, JSON.stringify(wide));
    const v = {
      record: { name: 'n', id: 'n', agent: 'claude-code-with-a-long-id', workspace: 'w', tags: [], createdAt: '1' },
      state: 'exited', stateSince: Date.now() - 5 * 60_000, exitCode: null, exitSignal: 9, lastOutputAt: null, pane: null,
    } as unknown as SessionView;
    assert.match(rowLine(v, wide), /exited\(sig 9\) 5m /, 'the state is not cut');
    assert.match(rowLine(v, wide), /claude-code-with-a-long-id/, 'the agent is not cut at 200 columns');
  });

  test('the top line drops the socket path before the counts', () => {
    const left = ' amux · 12 sessions · 3 waiting · 9 running';
    const sock = '/tmp/tmux-1000/a-rather-long-socket-name-for-a-test';
    assert.equal(topLine(left, '', sock, 120).trimEnd().endsWith(sock), true);
    assert.equal(topLine(left, '', sock, 120).length, 120);
    const narrow = topLine(left, 'filter: x', sock, 70);
    assert.ok(narrow.includes('9 running'), narrow);
    assert.ok(narrow.includes('filter: x'), narrow);
    assert.ok(!narrow.includes(sock), narrow);
    assert.equal(displayWidth(narrow), 70);
    assert.ok(topLine(left, '', sock, 30).startsWith(' amux · 12 sessions'));
  });

  test('missingProgram: the agent list knows which programs are not installed, on the agent’s own PATH', () => {
    const dir = join(tmpdir(), `amux-mp-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'my-agent-bin'), '#!/bin/sh\n', { mode: 0o755 });
    const agent = (command: string | string[], environment: Record<string, string> = {}) => ({ id: 'x', command, environment }) as unknown as AgentSpec;
    const expand = (e: Record<string, string>) => e;
    assert.equal(missingProgram(agent('amux-no-such-program --flag'), dir, expand), 'amux-no-such-program');
    assert.equal(missingProgram(agent(['sh', '-c', 'true']), dir, expand), null);
    assert.equal(missingProgram(agent('my-agent-bin'), dir, expand, { PATH: '/usr/bin' }), 'my-agent-bin');
    assert.equal(missingProgram(agent('my-agent-bin', { PATH: dir }), dir, expand, { PATH: '/usr/bin' }), null);
  });

  test('scroll position label', () => {
    assert.equal(scrollLabel(0, 10, 8), '');
    assert.equal(scrollLabel(11, 19, 80), '12–30 of 80');
  });

  test('NO_COLOR: colour parameters leave the output, attributes stay', () => {
    assert.equal(stripColorSgr('\x1b[31mred\x1b[m'), 'red\x1b[m');
    assert.equal(stripColorSgr('\x1b[1;38;5;200;48;2;1;2;3;7mx'), '\x1b[1;7mx');
    assert.equal(stripColorSgr('\x1b[0m\x1b[4;97;104mx\x1b[39;49m'), '\x1b[0m\x1b[4mx');
    assert.equal(stripColorSgr('\x1b[38:2::1:2:3mx\x1b[?25h'), 'x\x1b[?25h');
  });

  test('tag edits parse and validate', () => {
    assert.throws(() => validateTag('has space'));
    assert.equal(validateTag('team/backend'), 'team/backend');
  });

  test('blessed: supported terminals use the bundled terminfo; a capability that fails to compile writes nothing to stderr', () => {
    loadBlessed();
    for (const t of ['tmux-256color', 'screen-256color', 'xterm-256color']) assert.match(terminfoFor(t), /blessed\/usr\/xterm-256color$/);
    assert.match(terminfoFor('screen'), /blessed\/usr\/xterm$/);
    assert.equal(terminfoFor('vt100'), 'vt100');
    // ncurses 6.5's Setulc and a misread screen-256color string: blessed compiles them to invalid code.
    const require = createRequire(import.meta.url);
    const Tput = require('blessed/lib/tput.js') as new (o: object) => { _compile(info: unknown, key: string, str: string): unknown; info: unknown };
    const tput = new Tput({ terminal: terminfoFor('xterm-256color') });
    const written: string[] = [];
    const saved = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      for (const [key, str] of [
        ['Setulc', '\x1b[58:2::%p1%{65536}%/%d:%p1%{256}%/%{255}%&%d:%p1%{255}%&%d%;m'],
        ['plab_norm', ';5%;%?%p5%t;2%;m%?%p9%t\x0e%e\x0f%;'],
      ]) {
        assert.throws(() => tput._compile(tput.info, key!, str!), 'blessed then falls back to its own terminfo');
      }
    } finally {
      process.stderr.write = saved;
    }
    assert.deepEqual(written, [], 'nothing reached stderr');
  });
});

describe('parity: the CLI and the TUI run the same core operations', () => {
  const env = new TestEnv('parity');
  after(() => env.cleanup());

  test('tag, stop and remove (with its workspace) leave the same records, states and workspaces', async () => {
    const repo = env.gitRepo('parproj');
    for (const [name, ws] of [['cli1', 'wcli'], ['tui1', 'wtui']]) {
      const r = await env.amux(['run', '-c', 'sleep 300', '--name', name, '--workspace', ws], { cwd: repo });
      assert.equal(r.code, 0, r.stderr);
    }
    for (const name of ['cli2', 'tui2']) assert.equal((await env.amux(['run', '-c', 'sleep 300', '--name', name], { cwd: repo })).code, 0);
    const t = new Tui(env, 'par', { width: 130, height: 36, cwd: repo });
    try {
      // tag
      assert.equal((await env.amux(['tag', 'cli2', 'x1', 'x2'])).code, 0);
      await t.select('tui2');
      t.keys('t');
      await t.waitScreen((s) => s.includes('Tags, separated by spaces'), 'the tag prompt');
      t.type('x1 x2');
      t.keys('Enter');
      await t.waitScreen((s) => s.includes('tui2: x1 x2'), 'the tags confirmed');
      // stop
      assert.equal((await env.amux(['stop', 'cli2', '--grace', '1s'])).code, 0);
      await t.select('tui2');
      t.keys('x');
      await t.waitScreen((s) => /tui2: (stopped|killed)/.test(s), 'tui2 stopped', 15_000);
      // remove, with the workspace when nothing else needs it
      assert.equal((await env.amux(['rm', '--force', 'cli1'])).code, 0);
      await t.select('tui1');
      t.keys('d');
      await t.waitScreen((s) => s.includes('Remove tui1?'), 'the confirmation');
      t.keys('y');
      await t.waitScreen((s) => /removed tui1 and workspace wtui/.test(s), 'tui1 and its workspace removed', 20_000);
      await t.quit();
      assert.equal(t.stderr(), '');
    } finally {
      t.kill();
    }
    type Row = { name: string; state: string; tags: string[]; exitCode: number | null; workspace: string | null };
    const rows = await env.amuxJson<Row[]>(['ps', '--all', '--json']);
    const cli = rows.find((r) => r.name === 'cli2')!;
    const tui = rows.find((r) => r.name === 'tui2')!;
    assert.deepEqual({ state: tui.state, tags: tui.tags }, { state: cli.state, tags: cli.tags }, JSON.stringify(rows));
    assert.equal(tui.state, 'exited');
    assert.deepEqual(rows.map((r) => r.name).sort(), ['cli2', 'tui2']);
    for (const ws of ['wcli', 'wtui']) assert.ok(!existsSync(join(repo, '.amux', 'workspaces', ws)), `workspace ${ws} removed`);
  });
});

describe('tmux.socket in the config is the server of every command', () => {
  const env = new TestEnv('cfgsock');
  after(() => env.cleanup());

  test('run, ps, capture and attach all use the configured socket', async () => {
    const repo = env.gitRepo('sockproj');
    const sock = `amux-test-cfg-${process.pid}`;
    mkdirSync(join(repo, '.amux'), { recursive: true });
    writeFileSync(join(repo, '.amux', 'config.yaml'), `version: 1\ntmux:\n  socket: ${sock}\n`);
    // A socket folder of the test's own: even a regression that fell back to tmux's default
    // socket would never reach the user's server.
    const vars = { AMUX_TMUX_SOCKET: '', TMUX_TMPDIR: env.dir };
    const tmuxHere = (...a: string[]) => execFileSync('tmux', ['-L', sock, ...a], { env: { ...env.env, ...vars } });
    const r = await env.amux(['run', '-c', 'echo on-configured-socket; sleep 60', '--name', 'r1'], { cwd: repo, env: vars });
    assert.equal(r.code, 0, r.stderr);
    tmuxHere('has-session', '-t', '=amux-r1:');
    const rows = JSON.parse((await env.amux(['ps', '--all', '--json'], { cwd: repo, env: vars })).stdout) as Array<{ name: string }>;
    assert.deepEqual(rows.map((x) => x.name), ['r1']);
    const shown = await waitFor(async () => (await env.amux(['capture', 'r1'], { cwd: repo, env: vars })).stdout.includes('on-configured-socket'));
    assert.ok(shown, 'capture finds r1');
    const a = await env.amux(['attach', 'r1'], { cwd: repo, env: vars });
    assert.match(a.stderr, /needs a terminal/, 'attach found the session (and refused only for want of a terminal)');
    tmuxHere('kill-server');
  });
});

describe('the TUI preview of an exited session', () => {
  const env = new TestEnv('tuidead');
  after(() => env.cleanup());

  test('shows what the program printed, not an empty screen', async () => {
    assert.equal((await env.amux(['run', '-c', 'printf "first-line\\nsecond-line\\nlast-line\\n"; exit 3', '--name', 'gone1'])).code, 0);
    assert.ok(await waitFor(async () => (await env.amuxJson<PsRow[]>(['ps', '--all', '--json'])).find((r) => r.name === 'gone1')?.state === 'exited', 10_000));
    const t = new Tui(env, 'deadview', { width: 120, height: 40 });
    try {
      await t.select('gone1');
      await t.waitScreen((s) => s.includes('first-line') && s.includes('last-line'), 'the exited session’s output in the preview');
      assert.doesNotMatch(t.screen(), /Pane is dead/);
      await t.quit();
    } finally {
      t.kill();
    }
  });
});
