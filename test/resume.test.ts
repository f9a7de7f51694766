/**
 * Session lifecycle, first half of issue 11: lost sessions after the tmux server dies, resume by
 * the agent's own conversation id (never a blank one under the old id), restart, hibernate (a
 * send wakes it), adopt a pane started by plain tmux. Real tmux, real git, the Claude-like fixture
 * that reports its conversation through its SessionStart hook as the real one does.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { TestEnv, waitFor } from './helpers.ts';

interface Row {
  id: string;
  name: string;
  agent: string;
  state: string;
  workspace: string | null;
  cwd: string;
  tags: string[];
  stateSince: string | null;
  reason: string;
  conversation: string | null;
  tmux: { session: string; pane: string };
}

interface Rec {
  conversation?: { id: string; source: string };
  conversations?: { id: string; source: string }[];
  argv: string[];
}

describe('resume, restart, hibernate, adopt', () => {
  const env = new TestEnv('resume');
  let repo = '';
  let argvLog = '';
  /** Claude's config folder for the sessions of this test (CLAUDE_CONFIG_DIR, set per agent with -e). */
  let claudeDir = '';
  const agentEnv = () => ({ FAKE_SCRIPT: 'busy:1,done', FAKE_ARGV_LOG: argvLog });

  before(() => {
    repo = env.gitRepo('proj');
    argvLog = join(env.dir, 'argv.log');
    claudeDir = join(env.dir, 'claude-config');
    mkdirSync(claudeDir, { recursive: true });
  });
  after(() => env.cleanup());

  const rows = async () => env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: repo });
  const row = async (name: string) => (await rows()).find((x) => x.name === name);
  const until = async (name: string, ok: (r: Row) => boolean, ms = 20_000) => {
    const r = await waitFor(async () => {
      const x = await row(name);
      return x && ok(x) ? x : undefined;
    }, ms, 150);
    assert.ok(r, `${name}: ${JSON.stringify(await row(name))}`);
    return r!;
  };
  const record = (id: string): Rec => JSON.parse(readFileSync(join(env.home, 'sessions', `${id}.json`), 'utf8')) as Rec;
  /** The argv lines the fixture logged that name this id. */
  const launchesWith = (id: string) =>
    (existsSync(argvLog) ? readFileSync(argvLog, 'utf8') : '')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string[])
      .filter((a) => a.includes(id));
  const convFile = (cwd: string, id: string) => join(claudeDir, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'), `${id}.jsonl`);
  const run = async (args: string[]) => {
    const r = await env.amux(['run', ...args, '--json'], { cwd: repo, env: agentEnv() });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as Row[] | Row) as Row | Row[];
  };
  const send = async (name: string, text: string) => {
    const r = await env.amux(['send', name, text, '--timeout', '30s'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const killServer = async () => {
    env.tmux(['kill-server']);
    await waitFor(() => env.tryTmux(['list-sessions']) === null, 5000);
  };

  test('kill the server: ps --all lists lost sessions; resume --all brings each back in its worktree, in the conversation its SessionStart hook reported (after a /clear too)', async () => {
    await run(['claude', '--workspace', 'auth', '--name', 'cl', '--tag', 'backend', '-e', `CLAUDE_CONFIG_DIR=${claudeDir}`]);
    await run(['-c', 'sleep 600', '--workspace', 'docs', '--name', 'sh']);
    const cl0 = await until('cl', (r) => r.state === 'idle');
    const assigned = record(cl0.id).conversation;
    assert.equal(assigned?.source, 'assigned', 'amux chose the id up front');
    assert.ok(launchesWith(assigned!.id).some((a) => a.includes('--session-id')), 'Claude was started with --session-id');
    assert.match(await send('cl', 'first task'), /Done: first task/);
    // /clear: the agent moves to a new conversation and says so in its SessionStart hook.
    env.tmux(['send-keys', '-t', cl0.tmux.pane, '-l', '/clear']);
    env.tmux(['send-keys', '-t', cl0.tmux.pane, 'Enter']);
    const cleared = await waitFor(() => {
      const c = record(cl0.id).conversation;
      return c && c.id !== assigned!.id ? c : undefined;
    }, 10_000);
    assert.ok(cleared, 'the new conversation reached the record');
    assert.equal(cleared!.source, 'clear');
    assert.deepEqual(record(cl0.id).conversations?.map((c) => c.id), [assigned!.id], 'the old one is kept in the history');
    assert.match(await send('cl', 'second task'), /Done: second task/);
    assert.ok(existsSync(convFile(cl0.cwd, cleared!.id)), 'the fixture keeps its conversation where Claude does');

    await killServer();
    const lost = await rows();
    for (const name of ['cl', 'sh']) {
      const r = lost.find((x) => x.name === name)!;
      assert.equal(r.state, 'lost', `${name} is lost`);
      assert.ok(r.stateSince, 'how long ago is known');
    }
    assert.equal(lost.find((x) => x.name === 'cl')!.workspace, 'auth');
    assert.match(lost.find((x) => x.name === 'cl')!.reason, /ago, in workspace auth, branch amux\/auth\)/, 'where it was: workspace and branch');
    const table = await env.amux(['ps', '--all'], { cwd: repo });
    assert.match(table.stdout, /^cl\s+\S+\s+claude\s+proj\s+auth\s+lost \d+s/m, table.stdout);

    const res = await env.amux(['resume', '--all'], { cwd: repo });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`cl: resumed in conversation ${cleared!.id}`));
    const cl = await until('cl', (r) => r.state === 'idle');
    const sh = await until('sh', (r) => r.state === 'running' || r.state === 'idle');
    assert.equal(cl.id, cl0.id, 'the same session');
    assert.deepEqual(cl.tags, ['backend']);
    for (const r of [cl, sh]) {
      const where = env.tmux(['display-message', '-p', '-t', r.tmux.pane, '#{pane_current_path}']).trim();
      assert.equal(where, join(repo, '.amux', 'workspaces', r.workspace!), `${r.name} runs in its worktree`);
    }
    const resumed = launchesWith(cleared!.id).at(-1)!;
    assert.deepEqual(resumed.slice(resumed.indexOf('--resume'), resumed.indexOf('--resume') + 2), ['--resume', cleared!.id], 'Claude got --resume with the id after /clear');
    assert.ok(!resumed.includes('--session-id'), 'never a new conversation under the old id');
    // The conversation really continues: the fixture shows its earlier prompt again.
    const screen = (await env.amux(['capture', 'cl'], { cwd: repo })).stdout;
    assert.match(screen, /> second task/);
    assert.doesNotMatch(screen, /> first task/, 'not the conversation from before /clear');
  });

  test("a conversation file the agent deleted comes back from amux's copy, and the session resumes in it", async () => {
    const cl0 = await until('cl', (r) => r.state === 'idle');
    assert.match(await send('cl', 'remember this'), /Done: remember this/);
    const conv = record(cl0.id).conversation!.id;
    const copy = join(env.home, 'run', cl0.id, 'conversation', `${conv}.jsonl`);
    // The turn's end made amux's copy of the agent's file.
    assert.ok(await waitFor(() => existsSync(copy) && readFileSync(copy, 'utf8') === readFileSync(convFile(cl0.cwd, conv), 'utf8'), 10_000), 'amux keeps a copy');
    const text = readFileSync(copy, 'utf8');
    await killServer();
    rmSync(convFile(cl0.cwd, conv)); // as Claude Code's clean-up of old transcripts does
    const r = await env.amux(['resume', 'cl', '--json'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { resumed: { how: string; conversation: string }[] }).resumed[0]!.how, 'resumed');
    assert.equal(readFileSync(convFile(cl0.cwd, conv), 'utf8'), text, "the agent's file is back, as it was");
    assert.equal(launchesWith(conv).at(-1)![launchesWith(conv).at(-1)!.indexOf('--resume') + 1], conv);
    await until('cl', (x) => x.state === 'idle');
    await env.amux(['resume', '--all'], { cwd: repo }); // sh was lost too
  });

  test('a missing conversation file is refused (no blank conversation under the old id); --fresh starts a new one', async () => {
    const cl0 = await until('cl', (r) => r.state === 'idle');
    const conv = record(cl0.id).conversation!.id;
    await killServer();
    rmSync(convFile(cl0.cwd, conv));
    // amux's own copy is gone too (removed by hand): nothing can bring the conversation back.
    rmSync(join(env.home, 'run', cl0.id, 'conversation'), { recursive: true, force: true });
    const before = launchesWith(conv).length;
    const r = await env.amux(['resume', 'cl'], { cwd: repo });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`conversation ${conv} is not where the agent will look \\(${convFile(cl0.cwd, conv).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
    assert.match(r.stderr, /blank conversation under the old id/);
    assert.match(r.stderr, /amux resume cl --fresh/);
    assert.equal((await row('cl'))!.state, 'lost', 'nothing was started');
    assert.equal(launchesWith(conv).length, before, 'the agent was not launched');

    const f = await env.amux(['resume', 'cl', '--fresh', '--json'], { cwd: repo });
    assert.equal(f.code, 0, f.stderr);
    const out = JSON.parse(f.stdout) as { resumed: { how: string; conversation: string }[] };
    assert.equal(out.resumed[0]!.how, 'fresh');
    assert.notEqual(out.resumed[0]!.conversation, conv);
    assert.ok(launchesWith(out.resumed[0]!.conversation).some((a) => a.includes('--session-id')), 'a new conversation under a new id');
    await until('cl', (x) => x.state === 'idle');
    await env.amux(['resume', '--all'], { cwd: repo }); // sh was lost too
  });

  test('restart an exited session: same spec, same conversation', async () => {
    const cl0 = await until('cl', (r) => r.state === 'idle');
    assert.match(await send('cl', 'before exit'), /Done: before exit/);
    const conv = record(cl0.id).conversation!.id;
    // Ctrl-C at the prompt ends the fixture with code 0, as Claude Code.
    env.tmux(['send-keys', '-t', cl0.tmux.pane, 'C-c']);
    await until('cl', (r) => r.state === 'exited');
    const r = await env.amux(['restart', 'cl'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`cl: resumed in conversation ${conv}`));
    const cl = await until('cl', (x) => x.state === 'idle');
    assert.equal(cl.id, cl0.id);
    assert.notEqual(cl.tmux.pane, cl0.tmux.pane, 'a new pane');
    assert.equal(launchesWith(conv).at(-1)![launchesWith(conv).at(-1)!.indexOf('--resume') + 1], conv);
    assert.match((await env.amux(['capture', 'cl'], { cwd: repo })).stdout, /> before exit/);
    const live = await env.amux(['restart', 'cl'], { cwd: repo });
    assert.equal(live.code, 1, 'a live session is not restarted');
    assert.match(live.stderr, /is idle: there is nothing to restart/);
  });

  test('hibernate: the process goes, the session stays listed with its conversation; send wakes it and the prompt arrives', async () => {
    const cl0 = await until('cl', (r) => r.state === 'idle');
    const conv = record(cl0.id).conversation!.id;
    const pid = Number(env.tmux(['display-message', '-p', '-t', cl0.tmux.pane, '#{pane_pid}']).trim());
    const h = await env.amux(['hibernate', 'cl'], { cwd: repo });
    assert.equal(h.code, 0, h.stderr);
    const hib = await until('cl', (r) => r.state === 'hibernated');
    assert.equal(hib.conversation, conv);
    assert.match(hib.reason, /hibernated/);
    assert.ok(!existsSync(`/proc/${pid}`), 'the agent process is gone');
    const ps = await env.amux(['ps'], { cwd: repo });
    assert.match(ps.stdout, /^cl\s.*hibernated/m, 'listed without --all');
    const out = await send('cl', 'after waking');
    assert.match(out, /Done: after waking/, 'the prompt arrived');
    const cl = await until('cl', (r) => r.state === 'idle');
    assert.equal(cl.conversation, conv, 'in the same conversation');
    assert.match((await env.amux(['capture', 'cl'], { cwd: repo })).stdout, /> before exit/);
    // A shell has no conversation to resume: it is not hibernated.
    const sh = await env.amux(['hibernate', 'sh', '--force'], { cwd: repo });
    assert.equal(sh.code, 1);
    assert.match(sh.stderr, /cannot be resumed by a conversation id/);
  });

  test('hibernate: in the config is enforced by the monitor on idle agents', async () => {
    const proj = env.gitRepo('proj2');
    mkdirSync(join(proj, '.amux'), { recursive: true });
    writeFileSync(join(proj, '.amux', 'config.yaml'), 'hibernate: 2s\nnotify: {displayMessage: false, desktop: false}\n');
    const r = await env.amux(['run', 'claude', '--name', 'sleepy', '-e', `CLAUDE_CONFIG_DIR=${claudeDir}`], { cwd: proj, env: agentEnv() });
    assert.equal(r.code, 0, r.stderr);
    await until('sleepy', (x) => x.state === 'idle');
    // Only a conversation the agent has written can be resumed: one turn first.
    const s = await env.amux(['send', 'sleepy', 'some work', '--timeout', '30s'], { cwd: proj });
    assert.equal(s.code, 0, s.stderr);
    const hib = await until('sleepy', (x) => x.state === 'hibernated', 20_000);
    assert.match(hib.reason, /hibernate: 2s in the config/);
    assert.equal((await env.amux(['rm', 'sleepy'], { cwd: proj })).code, 0, 'a hibernated session can be removed');
  });

  test('Codex: the thread id comes from notify (a side request with no rollout is not taken); restart continues it with codex resume ID; an unknown thread is refused', async () => {
    const codexHome = join(env.dir, 'codex-home');
    const r = await env.amux(['run', 'codex', '--name', 'cx', '-e', `CODEX_HOME=${codexHome}`], { cwd: repo, env: { ...agentEnv(), FAKE_SIDE_NOTIFY: '1' } });
    assert.equal(r.code, 0, r.stderr);
    const cx0 = await until('cx', (x) => x.state === 'idle');
    assert.equal(record(cx0.id).conversation, undefined, 'Codex cannot be given an id: none until it reports one');
    await send('cx', 'codex work');
    assert.ok(await waitFor(async () => /Done: codex work/.test((await env.amux(['capture', 'cx'], { cwd: repo })).stdout), 10_000), 'the turn ran');
    const conv = await waitFor(() => record(cx0.id).conversation, 10_000);
    assert.ok(conv, 'the thread id reached the record');
    assert.equal(conv!.source, 'notify');
    const rollouts = execFileSync('find', [join(codexHome, 'sessions'), '-name', 'rollout-*.jsonl'], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(rollouts.length, 1);
    assert.ok(rollouts[0]!.endsWith(`-${conv!.id}.jsonl`), 'the thread with the rollout, not the side request');
    env.tmux(['send-keys', '-t', cx0.tmux.pane, 'C-c']);
    await until('cx', (x) => x.state === 'exited');
    const rs = await env.amux(['restart', 'cx'], { cwd: repo });
    assert.equal(rs.code, 0, rs.stderr);
    assert.match(rs.stdout, new RegExp(`cx: resumed in conversation ${conv!.id}`));
    await until('cx', (x) => x.state === 'idle');
    const argv = launchesWith(conv!.id).at(-1)!;
    assert.deepEqual(argv.slice(-2), ['resume', conv!.id], 'codex resume ID');
    assert.match((await env.amux(['capture', 'cx'], { cwd: repo })).stdout, /› codex work/);

    // A Codex session that never finished a turn has no known thread: refused, never "the newest".
    assert.equal((await env.amux(['run', 'codex', '--name', 'cx2', '-e', `CODEX_HOME=${codexHome}`], { cwd: repo, env: agentEnv() })).code, 0);
    const cx2 = await until('cx2', (x) => x.state === 'idle');
    env.tmux(['send-keys', '-t', cx2.tmux.pane, 'C-c']);
    await until('cx2', (x) => x.state === 'exited');
    const no = await env.amux(['resume', 'cx2'], { cwd: repo });
    assert.equal(no.code, 1);
    assert.match(no.stderr, /does not know which Codex CLI conversation/);
    assert.match(no.stderr, /--fresh/);
  });

  test('adopt a pane started by plain tmux: state tracking and logs from then on', async () => {
    env.tmux(['new-session', '-d', '-s', 'plain', '-x', '160', '-y', '40', '-c', repo, '-e', 'FAKE_SCRIPT=busy:1,done', 'claude']);
    const pane = env.tmux(['display-message', '-p', '-t', 'plain', '#{pane_id}']).trim();
    const r = await env.amux(['adopt', 'plain', '--agent', 'claude', '--name', 'adopted', '--tag', 'found', '--json'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout) as Row;
    assert.equal(info.tmux.pane, pane);
    assert.equal(info.agent, 'claude');
    await until('adopted', (x) => x.state === 'idle');
    assert.match(await send('adopted', 'adopted work'), /Done: adopted work/);
    const logs = await env.amux(['logs', 'adopted'], { cwd: repo });
    assert.match(logs.stdout, /Done: adopted work/, 'its output is logged');
    const again = await env.amux(['adopt', pane], { cwd: repo });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already the amux session adopted/);
    const res = await env.amux(['resume', 'adopted'], { cwd: repo });
    assert.equal(res.code, 1, 'an adopted live pane is not relaunched');
    // rm takes the pane, never the user's whole tmux session.
    env.tmux(['split-window', '-d', '-t', 'plain', 'sleep 600']);
    assert.equal((await env.amux(['rm', 'adopted', '--force'], { cwd: repo })).code, 0);
    assert.ok(env.tryTmux(['has-session', '-t', '=plain']) !== null, 'the tmux session stays');
    assert.ok(!env.tmux(['list-panes', '-a', '-F', '#{pane_id}']).split('\n').includes(pane), 'its pane is gone');
  });
});
