/** Cross-cutting behaviour: help on every command, doctor, concurrent record updates, daemon upgrade, status line persistence, the tmux plugin. */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor, ROOT } from './helpers.ts';

/** Every command the CLI registers, read from its own top-level help (so a new command is covered by itself). */
function verbsFromHelp(help: string): string[] {
  const verbs = new Set<string>();
  for (const line of help.split('\n')) {
    const m = /^ {2}amux ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)*)(?: |$)/.exec(line);
    if (m) verbs.add(m[1]!);
  }
  return [...verbs];
}

describe('ecosystem manners', () => {
  const env = new TestEnv('manners');
  after(() => env.cleanup());

  test('every command has --help with examples', async () => {
    const verbs = verbsFromHelp((await env.amux(['--help'])).stdout);
    for (const v of ['run', 'ps', 'ws create', 'config show', 'archive', 'tail', 'tag']) assert.ok(verbs.includes(v), `${v} is listed in amux --help: ${verbs.join(', ')}`);
    for (const v of verbs) {
      const r = await env.amux([...v.split(' '), '--help']);
      assert.equal(r.code, 0, `${v} --help: ${r.stderr}`);
      assert.match(r.stdout, /Examples/i, `${v} --help shows examples`);
      assert.doesNotMatch(r.stdout, /#0/, `${v} --help names option values`);
      assert.doesNotMatch(r.stdout, /^\s*\$ amux .* \.\.\.$/m, `${v} --help names its rest arguments`);
    }
    assert.match((await env.amux(['run', '--help'])).stdout, /\$ amux run \[AGENT\.\.\.\]/);
    assert.match((await env.amux(['keys', '--help'])).stdout, /\$ amux keys <SESSION> <KEY> \[KEY\.\.\.\]/);
    const bad = await env.amux(['run', '--bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--workspace WORKSPACE/, 'a syntax error names option values too');
    const top = await env.amux(['--help']);
    assert.equal(top.code, 0);
    for (const v of ['run', 'ps', 'send', 'await', 'tui']) assert.match(top.stdout, new RegExp(`amux ${v}`));
    assert.match((await env.amux(['--version'])).stdout, /^\d+\.\d+\.\d+/);
  });

  test('tui --help lists every key the ? overlay shows', async () => {
    const { HELP_LINES } = await import('../src/tui/keys.ts');
    const help = (await env.amux(['tui', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const line of HELP_LINES.filter((l) => !l.startsWith('{bold}'))) {
      // Every word of the line, in order (spacing aside).
      const text = line.trim().replace(/ {2,}/g, '  ').replace(/\s+/g, ' ');
      assert.ok(help.includes(text), `tui --help says "${text}"`);
    }
  });

  test('amux help and amux help CMD work; a reader that stops early is no error', async () => {
    const all = await env.amux(['help']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /amux ps/);
    const one = await env.amux(['help', 'ws', 'create']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /amux ws create/);
    assert.match(one.stdout, /Examples/);
    // `amux logs S | head -c 1` with a closed pipe (more output than a pipe holds): no stack trace.
    assert.equal((await env.amux(['run', '-c', 'seq 1 200000; sleep 60', '--name', 'chatty'])).code, 0);
    assert.ok(await waitFor(async () => (await env.amux(['logs', 'chatty', '-n', '1'])).stdout.includes('200000')), 'the log is complete');
    const errFile = join(env.dir, 'epipe.err');
    const out = execFileSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'dist', 'cli.js'))} logs chatty 2>${errFile} | head -c 1`], { env: env.env, encoding: 'utf8' });
    assert.equal(out, '1');
    assert.equal(readFileSync(errFile, 'utf8'), '', 'no EPIPE stack trace');
  });

  test('one server, however it is named: $TMUX inside it and -L outside see the same sessions', async () => {
    assert.equal((await env.amux(['run', '-c', 'sleep 60', '--name', 'fromoutside'])).code, 0);
    const socketPath = env.tmux(['display-message', '-p', '#{socket_path}']).trim();
    const inside = { TMUX: `${socketPath},1,0`, AMUX_TMUX_SOCKET: '' };
    const r = await env.amux(['run', '-c', 'sleep 60', '--name', 'frominside'], { env: inside });
    assert.equal(r.code, 0, r.stderr);
    const outsideNames = (await env.amuxJson<{ name: string }[]>(['ps', '--json'])).map((x) => x.name);
    const insideRun = await env.amux(['ps', '--json'], { env: inside });
    const insideNames = (JSON.parse(insideRun.stdout) as { name: string }[]).map((x) => x.name);
    for (const n of ['fromoutside', 'frominside']) {
      assert.ok(outsideNames.includes(n), `outside sees ${n}`);
      assert.ok(insideNames.includes(n), `inside sees ${n}`);
    }
  });

  test('doctor reports tmux, git, perl (the log writer) and the config', async () => {
    const r = await env.amuxJson<{ ok: boolean; checks: { name: string; ok: boolean; detail: string }[] }>(['doctor', '--json']);
    assert.equal(r.ok, true);
    const names = r.checks.map((c) => c.name);
    for (const n of ['tmux', 'git', 'perl', 'config']) assert.ok(names.includes(n), n);
    assert.match(r.checks.find((c) => c.name === 'tmux')!.detail, /tmux 3\./);
    const text = await env.amux(['doctor']);
    assert.match(text.stdout, /^ok\s+tmux/m);
  });

  test('concurrent updates of one record lose nothing', async () => {
    assert.equal((await env.amux(['run', '-c', 'sleep 60', '--name', 'tagme'])).code, 0);
    const tags = Array.from({ length: 16 }, (_, i) => `t${i}`);
    const rs = await Promise.all(tags.map((t) => env.amux(['tag', 'tagme', t])));
    for (const r of rs) assert.equal(r.code, 0, r.stderr);
    const row = (await env.amuxJson<{ name: string; tags: string[] }[]>(['ps', '--json'])).find((x) => x.name === 'tagme')!;
    assert.deepEqual([...row.tags].sort(), [...tags].sort());
    const rec = JSON.parse(readFileSync(join(env.home, 'sessions', `${(row as unknown as { id: string }).id}.json`), 'utf8')) as { schema: number };
    assert.equal(rec.schema, 1, 'records carry a schema version');
  });

  test('a daemon of another amux version is replaced', async () => {
    await env.amux(['daemon', 'stop']);
    // An "old daemon": a live process recorded in the pid file with an older version.
    const old = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
    old.unref();
    const key = `${process.env.TMUX_TMPDIR || '/tmp'}/tmux-${process.getuid!()}/${env.socket}`.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(-80);
    const pidFile = join(env.home, 'daemon', `${key}.pid`);
    mkdirSync(join(env.home, 'daemon'), { recursive: true });
    writeFileSync(pidFile, JSON.stringify({ pid: old.pid, version: '0.0.1', socket: env.socket, startedAt: new Date().toISOString(), log: '' }));
    const st = await env.amux(['ps']);
    assert.equal(st.code, 0, st.stderr);
    const info = await env.amuxJson<{ running: boolean; pid: number; version: string }>(['daemon', 'status', '--json']);
    assert.equal(info.running, true);
    assert.notEqual(info.pid, old.pid);
    assert.notEqual(info.version, '0.0.1');
    assert.ok(await waitFor(() => old.exitCode !== null || old.signalCode !== null, 5000), 'the old daemon was stopped');
  });

  test('statusline --persist writes and removes a block in ~/.tmux.conf', async () => {
    const conf = join(env.env.HOME!, '.tmux.conf');
    writeFileSync(conf, 'set -g mouse on\n');
    const i = await env.amux(['statusline', 'install', '--persist']);
    assert.equal(i.code, 0, i.stderr);
    const text = readFileSync(conf, 'utf8');
    assert.match(text, /^set -g mouse on$/m);
    assert.match(text, /# >>> amux statusline >>>[\s\S]*status-right "#\{\?#\{@amux_summary\}/);
    // the persisted block is valid tmux config
    env.tmux(['source-file', conf]);
    const u = await env.amux(['statusline', 'uninstall', '--persist']);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(readFileSync(conf, 'utf8'), 'set -g mouse on\n');
    // A ~/.tmux.conf that install created is removed again, not left empty.
    rmSync(conf);
    assert.equal((await env.amux(['statusline', 'install', '--persist'])).code, 0);
    assert.ok(existsSync(conf));
    assert.equal((await env.amux(['statusline', 'uninstall', '--persist'])).code, 0);
    assert.ok(!existsSync(conf), 'no empty ~/.tmux.conf left behind');
  });

  test('statusline install makes room for amux session names and restores it on uninstall', async () => {
    env.tmux(['set-option', '-g', 'status-left-length', '10']);
    assert.equal((await env.amux(['statusline', 'install'])).code, 0);
    assert.equal(env.tmux(['show-options', '-gv', 'status-left-length']).trim(), '32');
    // Two spaces after the icon: a wide-drawn icon never touches the window name.
    assert.match(env.tmux(['show-options', '-gv', 'window-status-format']), /#\{@amux_state_icon\} {2},/);
    assert.equal((await env.amux(['statusline', 'uninstall'])).code, 0);
    assert.equal(env.tmux(['show-options', '-gv', 'status-left-length']).trim(), '10');
  });

  test('the amux.tmux plugin installs the status line and binds prefix + a', async () => {
    const socketPath = env.tmux(['display-message', '-p', '#{socket_path}']).trim();
    execFileSync('bash', [join(ROOT, 'amux.tmux')], {
      env: { ...env.env, TMUX: `${socketPath},1,0`, AMUX_TMUX_SOCKET: '', PATH: `${join(ROOT, 'node_modules', '.bin')}:${env.env.PATH}` },
    });
    assert.match(env.tmux(['list-keys', '-T', 'prefix', 'a']), /display-popup/);
    assert.match(env.tmux(['show-options', '-gv', 'status-right']), /@amux_summary/);
    assert.ok(existsSync(join(ROOT, 'amux.tmux')));
  });
});
