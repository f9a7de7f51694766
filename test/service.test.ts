/**
 * `amux service`: the unit and plist text, systemd's quoting, when amux starts its tmux server
 * in a systemd scope, and the CLI where no service manager runs (this machine's case in CI:
 * `AMUX_SERVICE_MANAGER=none` makes it so on any machine), writing only to a temp
 * XDG_CONFIG_HOME.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv } from './helpers.ts';
import { systemdUnit, systemdWord, serviceCommands, launchdPlist, systemdUnitPath, foregroundCommand } from '../src/service/unit.ts';
import { detectManager } from '../src/service/manager.ts';
import { scopePrefix, type ScopeProbe } from '../src/tmux/scope.ts';

const SYSTEMD: ScopeProbe = { platform: 'linux', systemdBooted: true, userManager: true, systemdRun: true };

describe('amux service', () => {
  const env = new TestEnv('service');
  const none = { AMUX_SERVICE_MANAGER: 'none' };
  after(() => env.cleanup());

  test('the unit: monitor first, then amux serve, restarted; agents never killed with it', () => {
    const unit = systemdUnit({ env: { PATH: '/usr/bin:/bin', AMUX_TMUX_SOCKET: 'work', SECRET_TOKEN: 'x' } });
    const [pre, main] = serviceCommands();
    assert.deepEqual(pre!.argv.slice(-2), ['daemon', 'start']);
    assert.deepEqual(main!.argv.slice(-1), ['serve']);
    const lines = unit.split('\n');
    assert.ok(lines.includes(`ExecStartPre=-${pre!.argv.map(systemdWord).join(' ')}`), unit);
    assert.ok(lines.includes(`ExecStart=${main!.argv.map(systemdWord).join(' ')}`), unit);
    for (const l of ['[Service]', 'Restart=on-failure', 'KillMode=process', 'WantedBy=default.target', 'Environment=PATH=/usr/bin:/bin', 'Environment=AMUX_TMUX_SOCKET=work', 'Environment=TERM=xterm-256color']) {
      assert.ok(lines.includes(l), `${l} in\n${unit}`);
    }
    assert.doesNotMatch(unit, /SECRET_TOKEN/, 'only the variables amux needs');
    // What the service runs comes from one function.
    const custom = systemdUnit({ env: {}, commands: [{ kind: 'main', argv: ['/opt/my node/bin/node', '/x/cli.js', 'serve', '--port', '8080'] }] });
    assert.ok(custom.split('\n').includes('ExecStart="/opt/my node/bin/node" /x/cli.js serve --port 8080'), custom);
    assert.doesNotMatch(custom, /ExecStartPre/);
  });

  test("systemd's quoting: spaces, quotes, specifiers and variables stay literal", () => {
    assert.equal(systemdWord('/usr/bin/node'), '/usr/bin/node');
    assert.equal(systemdWord('a b'), '"a b"');
    assert.equal(systemdWord('say "hi"'), '"say \\"hi\\""');
    assert.equal(systemdWord('100%'), '100%%');
    assert.equal(systemdWord('$HOME'), '"$$HOME"');
    assert.equal(systemdWord('back\\slash'), '"back\\\\slash"');
    assert.equal(systemdWord(''), '""');
  });

  test('the launchd agent runs amux serve, kept alive, XML escaped', () => {
    const plist = launchdPlist({ env: { HOME: '/Users/a&b', PATH: '/usr/bin' }, commands: [{ kind: 'pre', argv: ['x'] }, { kind: 'main', argv: ['/n', '/c<1>.js', 'serve'] }] });
    assert.match(plist, /<key>Label<\/key><string>dev\.amux\.serve<\/string>/);
    assert.match(plist, /<array>\n {4}<string>\/n<\/string>\n {4}<string>\/c&lt;1&gt;\.js<\/string>\n {4}<string>serve<\/string>\n {2}<\/array>/);
    assert.match(plist, /<key>KeepAlive<\/key>/);
    assert.match(plist, /\/Users\/a&amp;b\/Library\/Logs\/amux-serve\.log/);
  });

  test('the tmux server starts in a systemd scope only where systemd runs the user manager', () => {
    assert.deepEqual(scopePrefix({}, SYSTEMD).slice(0, 3), ['systemd-run', '--user', '--scope']);
    assert.deepEqual(scopePrefix({ AMUX_SYSTEMD_SCOPE: '0' }, SYSTEMD), []);
    assert.deepEqual(scopePrefix({}, { ...SYSTEMD, systemdBooted: false }), []);
    assert.deepEqual(scopePrefix({}, { ...SYSTEMD, userManager: false }), []);
    assert.deepEqual(scopePrefix({}, { ...SYSTEMD, systemdRun: false }), []);
    assert.deepEqual(scopePrefix({}, { ...SYSTEMD, platform: 'darwin' }), []);
    assert.equal(detectManager(SYSTEMD, {}).kind, 'systemd');
    assert.equal(detectManager({ ...SYSTEMD, platform: 'darwin' }, {}).kind, 'launchd');
    assert.match(detectManager({ ...SYSTEMD, systemdBooted: false }, {}).why ?? '', /systemd is not running/);
    assert.equal(detectManager(SYSTEMD, none).kind, 'none');
  });

  test('without a service manager: every action says so, shows the foreground command, exits 1', async () => {
    const unitFile = systemdUnitPath(env.env);
    assert.equal(unitFile, join(env.env.XDG_CONFIG_HOME!, 'systemd', 'user', 'amux.service'));
    for (const action of ['start', 'stop', 'restart', 'status', 'install']) {
      const r = await env.amux(['service', action], { env: none });
      assert.equal(r.code, 1, `${action}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /no service manager here/, action);
      assert.ok(r.stderr.includes(foregroundCommand()), action);
    }
    assert.ok(!existsSync(unitFile), 'install without a manager writes nothing');
    const st = await env.amux(['service', 'status', '--json'], { env: none });
    assert.equal(st.code, 1);
    assert.deepEqual(JSON.parse(st.stdout).manager, 'none');
  });

  test('install --print shows the unit; --no-enable writes it to XDG_CONFIG_HOME; uninstall removes it', async () => {
    const unitFile = systemdUnitPath(env.env);
    const printed = await env.amux(['service', 'install', '--print'], { env: none });
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /^ExecStart=.* serve$/m);
    assert.match(printed.stderr, /nothing written/);
    assert.ok(!existsSync(unitFile));

    const r = await env.amux(['service', 'install', '--no-enable'], { env: none });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote: /);
    assert.match(r.stdout, /not enabled: no service manager here/);
    assert.equal(readFileSync(unitFile, 'utf8'), printed.stdout, 'the file holds what --print showed');
    const again = await env.amux(['service', 'install', '--no-enable'], { env: none });
    assert.match(again.stdout, /unchanged: /);

    const rm = await env.amux(['service', 'uninstall'], { env: none });
    assert.equal(rm.code, 0, rm.stderr);
    assert.ok(!existsSync(unitFile));
    assert.equal((await env.amux(['service', 'uninstall'], { env: none })).code, 1, 'nothing left to remove');
  });

  test('usage errors', async () => {
    assert.equal((await env.amux(['service', 'bogus'], { env: none })).code, 2);
    assert.equal((await env.amux(['service', 'start', '--print'], { env: none })).code, 2);
  });
});

describe('the tmux server under systemd-run --user --scope', () => {
  const env = new TestEnv('scope');
  after(() => env.cleanup());

  test('the client that starts the server runs through systemd-run; later ones do not', async () => {
    // A stand-in systemd-run: records its arguments, then runs the command after its options.
    const bin = join(env.dir, 'bin');
    mkdirSync(bin);
    const log = join(env.dir, 'systemd-run.log');
    writeFileSync(join(bin, 'systemd-run'), `#!/bin/sh\necho "$@" >> '${log}'\nwhile [ "\${1#--}" != "$1" ]; do shift; done\nexec "$@"\n`, { mode: 0o755 });
    const scoped = { AMUX_SYSTEMD_SCOPE: '1', PATH: `${bin}:${env.env.PATH}` };
    const first = await env.amux(['run', '-c', 'sleep 300', '--name', 'one'], { env: scoped });
    assert.equal(first.code, 0, first.stderr);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(calls.length, 1, calls.join('\n'));
    assert.match(calls[0]!, new RegExp(`^--user --scope .* tmux -L ${env.socket} new-session `));
    const second = await env.amux(['run', '-c', 'sleep 300', '--name', 'two'], { env: scoped });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 1, 'a running server is not started again');
    assert.equal(env.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').filter((n) => n.startsWith('amux-')).length, 2);
  });
});
