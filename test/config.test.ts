/**
 * The config layer on its own (src/config/*): parse → validate with positions → merge → typed
 * spec. Direct imports; no tmux, no CLI.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, ROOT } from './helpers.ts';
import { loadConfig, mergeLayers, resolveAgent, knownAgents, locateProject, findGitRoot, ConfigError } from '../src/config/load.ts';
import { validateConfigText, parseConfigText, formatIssue, SCHEMA_KEYS } from '../src/config/validate.ts';
import { expandEnvironment, expandString, checkExpansion } from '../src/config/expand.ts';
import { builtinPresets, PRESET_IDS } from '../src/config/presets.ts';
import { templateNames, templateText } from '../src/config/templates.ts';
import { UsageError } from '../src/util/errors.ts';
import type { ConfigIssue } from '../src/config/types.ts';

const lines = (...l: string[]) => l.join('\n') + '\n';
const show = (issues: ConfigIssue[]) => issues.map(formatIssue).join('\n');
/** Asserts an issue at exactly line:col whose message matches. */
function has(issues: ConfigIssue[], line: number, col: number, re: RegExp): void {
  assert.ok(
    issues.some((i) => i.line === line && i.col === col && re.test(i.message)),
    `expected ${line}:${col} ${re}, got:\n${show(issues)}`,
  );
}

describe('config validation', () => {
  test('invalid YAML names file:line:col, and loadConfig throws it as a ConfigError', () => {
    const env = new TestEnv('yaml');
    after(() => env.cleanup());
    const text = lines('agents:', '  claude:', '    command: [claude', '  x: 1');
    const issues = validateConfigText(text, '/p/.amux/config.yaml');
    assert.ok(issues.length >= 1);
    assert.equal(issues[0]!.file, '/p/.amux/config.yaml');
    assert.match(formatIssue(issues[0]!), /^\/p\/\.amux\/config\.yaml:\d+:\d+: YAML: /);
    assert.ok(issues[0]!.line >= 3, show(issues));

    const dir = join(env.dir, 'proj');
    mkdirSync(join(dir, '.amux'), { recursive: true });
    writeFileSync(join(dir, '.amux', 'config.yaml'), 'agents:\n  a: [\n');
    assert.throws(
      () => loadConfig({ cwd: dir, env: env.env }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.exitCode, 1);
        assert.ok(e.issues.length >= 1);
        for (const l of e.message.split('\n')) assert.match(l, new RegExp(`^${dir}/\\.amux/config\\.yaml:\\d+:\\d+: `));
        return true;
      },
    );
  });

  test('every schema error is reported, each at its own line:col', () => {
    const text = lines(
      'version: 1', //                          1
      'agentz: {}', //                          2 unknown top-level key
      'agents:', //                             3
      '  good:', //                             4
      '    command: [x]', //                    5
      '    idleAfter: soon', //                 6 bad duration
      '    tags: nope', //                      7 wrong type
      '    patterns:', //                       8
      '      busy: ["(unclosed"]', //           9 bad regex
      '    colour: blue', //                    10 unknown key
      '  "bad id!":', //                        11 bad id
      '    command: x', //                      12
      '  nocmd:', //                            13 not a preset and no command
      '    tags: [a]', //                       14
      '  robot:', //                            15
      '    command: [r]', //                    16
      '    detector: robot', //                 17 unknown detector, no patterns
      'workspaces: {copy: .env}', //            18 string for a list
      'notify: {desktop: "yes"}', //            19 string for a boolean
    );
    const issues = validateConfigText(text, 'c.yaml');
    has(issues, 2, 1, /unknown key "agentz" \(did you mean "agents"\?\)/);
    has(issues, 6, 16, /agents\.good\.idleAfter: invalid duration "soon"/);
    has(issues, 7, 11, /agents\.good\.tags: expected a list of strings, got a string/);
    has(issues, 9, 14, /agents\.good\.patterns\.busy\[0\]: invalid regular expression/);
    has(issues, 10, 5, /agents\.good: unknown key "colour"/);
    has(issues, 11, 3, /invalid agent id "bad id!"/);
    has(issues, 13, 3, /agents\.nocmd: "command" is required/);
    has(issues, 17, 15, /agents\.robot\.detector: unknown detector "robot"/);
    has(issues, 18, 20, /workspaces\.copy: expected a list of strings/);
    has(issues, 19, 19, /notify\.desktop: expected true or false/);
    assert.equal(issues.length, 10, show(issues));
    assert.ok(issues.every((i) => i.file === 'c.yaml'));
    // Sorted by position.
    const pos = issues.map((i) => i.line * 1000 + i.col);
    assert.deepEqual(pos, [...pos].sort((a, b) => a - b));
  });

  test('unknown keys at every level, with a suggestion when one is close', () => {
    const text = lines(
      'agents:',
      '  claude:',
      '    comand: ./x', // typo
      '    params: {windowname: w, shell: /bin/sh}',
      '    patterns: {busy: [a], replce: true}',
      'workspaces: {root: ws, setups: []}',
      'tmux: {sockets: x}',
      'notify: {waitin: echo}',
    );
    const issues = validateConfigText(text, 'k.yaml');
    has(issues, 3, 5, /agents\.claude: unknown key "comand" \(did you mean "command"\?\)/);
    has(issues, 4, 14, /agents\.claude\.params: unknown key "windowname" \(did you mean "windowName"\?\)/);
    has(issues, 5, 27, /agents\.claude\.patterns: unknown key "replce" \(did you mean "replace"\?\)/);
    has(issues, 6, 24, /workspaces: unknown key "setups" \(did you mean "setup"\?\)/);
    has(issues, 7, 8, /tmux: unknown key "sockets"/);
    has(issues, 8, 10, /notify: unknown key "waitin" \(did you mean "waiting"\?\)/);
    assert.equal(issues.length, 6, show(issues));
  });

  test('wrong types are named with what was found', () => {
    const text = lines(
      'version: one',
      'agents:',
      '  a:',
      '    command: {x: 1}',
      '    name: [n]',
      '    environment: [A, B]',
      '    params: {autoAttach: "true", detached: 1}',
      '    type: docker',
      '  b: 42',
      'tmux: {socket: /tmp/sock}',
    );
    const issues = validateConfigText(text, 't.yaml');
    has(issues, 1, 10, /version: expected a number \(1\), got a string \("one"\)/);
    has(issues, 4, 14, /agents\.a\.command: expected a string \(run by the shell\) or a list of strings \(argv\), got a map/);
    has(issues, 5, 11, /agents\.a\.name: expected a string, got a list/);
    has(issues, 6, 18, /agents\.a\.environment: expected a map, got a list/);
    has(issues, 7, 26, /agents\.a\.params\.autoAttach: expected true or false, got a string/);
    has(issues, 7, 44, /agents\.a\.params\.detached: expected true or false, got a number \(1\)/);
    has(issues, 8, 11, /agents\.a\.type: unsupported type "docker"/);
    has(issues, 9, 6, /agents\.b: expected a map, got a number \(42\)/);
    has(issues, 10, 16, /tmux\.socket: a socket name/);
    assert.deepEqual(validateConfigText('- a\n', 'l.yaml').map((i) => i.message), [
      'the config must be a map of settings (version, agents, workspaces, tmux, notify, mcp, logs, ttl), got a list',
    ]);
    has(validateConfigText('version: 2\n', 'v.yaml'), 1, 10, /unsupported version 2/);
  });

  test('mcp limits: whole numbers from 0, merged over the defaults; others are named at their line:col', () => {
    const ok = parseConfigText(lines('mcp:', '  maxDepth: 1'), 'm.yaml');
    assert.deepEqual(ok.issues, []);
    assert.deepEqual(mergeLayers([{ layer: ok.layer, source: 'project' }]).mcp, { maxChildren: 8, maxDepth: 1 });
    const issues = validateConfigText(lines('mcp:', '  maxChildren: -1', '  maxDepth: two', '  depth: 3'), 'm.yaml');
    has(issues, 2, 16, /mcp\.maxChildren: expected a whole number from 0 up, got a number \(-1\)/);
    has(issues, 3, 13, /mcp\.maxDepth: expected a whole number from 0 up, got a string/);
    has(issues, 4, 3, /mcp/);
  });

  test('durations: 90s, 5m, 1h, 1m30s, 250ms and plain seconds become milliseconds; others are errors', () => {
    const ok = parseConfigText(
      lines('agents:', '  a: {command: x, idleAfter: 90s, stuckAfter: 5m}', '  b: {command: x, idleAfter: 1h, stuckAfter: 1m30s}', '  c: {command: x, idleAfter: 12, stuckAfter: 1.5}', '  d: {command: x, idleAfter: 250ms, stuckAfter: "30"}'),
      'd.yaml',
    );
    assert.deepEqual(ok.issues, []);
    const a = ok.layer.agents;
    assert.deepEqual([a.a!.idleAfter, a.a!.stuckAfter, a.b!.idleAfter, a.b!.stuckAfter, a.c!.idleAfter, a.c!.stuckAfter, a.d!.idleAfter, a.d!.stuckAfter], [90_000, 300_000, 3_600_000, 90_000, 12_000, 1_500, 250, 30_000]);
    const bad = validateConfigText(lines('agents:', '  a:', '    command: x', '    idleAfter: 5 minutes', '    stuckAfter: -3', '  b:', '    command: x', '    idleAfter: [1]', '    stuckAfter: 10x'), 'b.yaml');
    has(bad, 4, 16, /invalid duration "5 minutes" \(write 90s, 5m, 1h/);
    has(bad, 5, 17, /invalid duration -3/);
    has(bad, 8, 16, /expected a duration .* got a list/);
    has(bad, 9, 17, /invalid duration "10x"/);
    assert.equal(bad.length, 4, show(bad));
  });

  test('environment: numbers and booleans kept as written; bad names, nulls and bad ${} reported', () => {
    const r = parseConfigText(lines('agents:', '  a:', '    command: [sleep, 10, 1.50]', '    environment:', '      N: 1.50', '      B: true', '      S: "x"', '      E: ${HOME:-/h}'), 'e.yaml');
    assert.deepEqual(r.issues, []);
    assert.deepEqual(r.layer.agents.a!.environment, { N: '1.50', B: 'true', S: 'x', E: '${HOME:-/h}' });
    assert.deepEqual(r.layer.agents.a!.command, ['sleep', '10', '1.50']);
    const bad = validateConfigText(lines('agents:', '  a:', '    command: x', '    environment:', '      "x-y": 1', '      EMPTY:', '      OPEN: "${oops"', '      LIST: [1]'), 'e.yaml');
    has(bad, 5, 7, /"x-y" is not a valid variable name/);
    has(bad, 6, 13, /EMPTY: expected a string, number or boolean, got nothing \(null\) \(write "" for an empty value\)/);
    has(bad, 7, 13, /OPEN: unterminated "\$\{"/);
    has(bad, 8, 13, /LIST: expected a string, number or boolean, got a list/);
  });

  test('bad ids, regexes and empty commands', () => {
    const long = 'a'.repeat(64);
    const issues = validateConfigText(
      lines('agents:', '  -lead: {command: x}', `  ${long}: {command: x}`, '  "a.b": {command: x}', '  ok_1-2: {command: []}', '  ok2: {command: "  "}', '  ok3:', '    command: x', '    patterns: {waiting: ["[a-", "fine"], idle: "(?<x"}'),
      'i.yaml',
    );
    has(issues, 2, 3, /invalid agent id "-lead"/);
    has(issues, 3, 3, /invalid agent id "a{64}"/);
    has(issues, 4, 3, /invalid agent id "a\.b"/);
    has(issues, 5, 21, /agents\.ok_1-2\.command: the list is empty/);
    has(issues, 6, 18, /agents\.ok2\.command: must not be empty/);
    has(issues, 9, 26, /agents\.ok3\.patterns\.waiting\[0\]: invalid regular expression/);
    has(issues, 9, 48, /agents\.ok3\.patterns\.idle: invalid regular expression/);
    assert.equal(issues.length, 7, show(issues));
    // 63 characters is the limit, not an error.
    assert.deepEqual(validateConfigText(`agents:\n  ${'b'.repeat(63)}: {command: x}\n`, 'i.yaml'), []);
  });

  test('a custom detector name is fine when the agent brings its own patterns', () => {
    const text = lines('agents:', '  deploy:', '    command: [kubectl, rollout, status]', '    detector: rollout', '    patterns: {busy: [Waiting], idle: "rolled out", replace: true}');
    const r = parseConfigText(text, 'p.yaml');
    assert.deepEqual(validateConfigText(text, 'p.yaml'), []);
    assert.deepEqual(r.layer.agents.deploy!.patterns, { busy: ['Waiting'], idle: ['rolled out'], replace: true });
  });

  test('YAML merge keys and x- anchors work, and an empty file is a valid empty config', () => {
    const text = lines('x-common: &common', '  command: [node, agent.mjs]', '  tags: [shared]', 'agents:', '  one:', '    <<: *common', '    tags: [own]', '  two: *common');
    const r = parseConfigText(text, 'm.yaml');
    assert.deepEqual(r.issues, []);
    assert.deepEqual(r.layer.agents.one, { command: ['node', 'agent.mjs'], tags: ['own'] });
    assert.deepEqual(r.layer.agents.two, { command: ['node', 'agent.mjs'], tags: ['shared'] });
    assert.deepEqual(validateConfigText('', 'e.yaml'), []);
    assert.deepEqual(validateConfigText('# only a comment\n', 'e.yaml'), []);
    assert.deepEqual(validateConfigText('agents:\nworkspaces:\nnotify:\n', 'e.yaml'), []);
  });

  test('baseAgents: an agent defined in the user config needs no command in the project file', () => {
    const text = 'agents:\n  mine:\n    tags: [x]\n';
    has(validateConfigText(text, 'p.yaml'), 2, 3, /"command" is required/);
    assert.deepEqual(validateConfigText(text, 'p.yaml', { baseAgents: [...PRESET_IDS, 'mine'] }), []);
  });
});

describe('config loading and merging', () => {
  const env = new TestEnv('load');
  after(() => env.cleanup());
  let n = 0;
  /** A fresh folder (optionally a project with .amux/config.yaml) under the test dir. */
  function folder(config: string | null, name = 'yaml'): string {
    const dir = join(env.dir, `p${++n}`);
    mkdirSync(join(dir, '.amux'), { recursive: true });
    if (config !== null) writeFileSync(join(dir, '.amux', `config.${name}`), config);
    return dir;
  }
  const userDir = join(env.dir, 'config', 'amux');
  const setUser = (text: string | null) => {
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, 'config.yaml'), text ?? '');
  };

  test('built-in presets with no config file at all', () => {
    setUser(null);
    const bare = join(env.dir, 'bare');
    mkdirSync(bare, { recursive: true });
    const c = loadConfig({ cwd: bare, env: { ...env.env, SHELL: '/bin/zsh' } });
    assert.deepEqual(knownAgents(c), ['aider', 'claude', 'codex', 'gemini', 'shell']);
    assert.equal(c.file, null);
    assert.equal(c.projectRoot, bare);
    assert.equal(c.version, 1);
    for (const id of ['claude', 'codex', 'gemini', 'aider']) {
      const a = c.agents[id]!;
      assert.deepEqual(a.command, [id]);
      assert.equal(a.detector, id);
      assert.equal(a.source, 'preset');
      assert.equal(a.type, 'tmux');
      assert.equal(a.name, id);
      assert.ok(a.idleAfter! > 0 && a.idleAfter! <= 3000, 'idleAfter 3 s or less');
      assert.ok(a.stuckAfter! >= 60_000, 'stuckAfter a few minutes');
    }
    assert.deepEqual(c.agents.shell!.command, ['/bin/zsh']);
    assert.equal(c.agents.shell!.detector, 'generic');
    assert.equal(c.agents.shell!.stuckAfter, undefined);
    assert.deepEqual(builtinPresets({}).shell!.command, ['/bin/sh']);
    assert.deepEqual(builtinPresets({ SHELL: 'zsh' }).shell!.command, ['/bin/sh'], 'a relative $SHELL is not trusted');
    assert.deepEqual(c.workspaces, { root: '.amux/workspaces', copy: [], setup: [] });
    assert.deepEqual(c.notify, { on: {}, displayMessage: true, desktop: true, events: ['waiting', 'stuck', 'failed'] });
    assert.deepEqual(c.tmux, {});
  });

  test('a project entry overrides a preset field by field, keeping the rest', () => {
    setUser(null);
    const dir = folder(lines('agents:', '  claude:', '    command: ./wrapper.sh', '    stuckAfter: 2m', '    environment: {A: "1"}'));
    const c = loadConfig({ cwd: dir, env: env.env });
    const a = resolveAgent(c, 'claude');
    assert.equal(a.command, './wrapper.sh');
    assert.equal(a.detector, 'claude', 'keeps the preset detector');
    assert.equal(a.idleAfter, builtinPresets().claude!.idleAfter, 'keeps the preset idleAfter');
    assert.equal(a.stuckAfter, 120_000);
    assert.equal(a.description, 'Claude Code (Anthropic)');
    assert.equal(a.name, 'claude');
    assert.deepEqual(a.environment, { A: '1' });
    assert.equal(a.source, 'project');
    assert.equal(c.agents.codex!.source, 'preset');
    assert.equal(c.file, join(dir, '.amux', 'config.yaml'));
  });

  test('the user config merges under the project: agents, fields, environment, workspaces, notify', () => {
    setUser(
      lines(
        'agents:',
        '  mine: {command: [echo, user], tags: [u], idleAfter: 4s}',
        '  claude: {environment: {FROM_USER: "1", BOTH: user}, tags: [ai]}',
        'workspaces: {copy: [".env"], setup: [npm ci]}',
        'tmux: {socket: usersock}',
        'notify: {waiting: "echo user", desktop: false}',
      ),
    );
    const dir = folder(
      lines(
        'agents:',
        '  claude: {environment: {FROM_PROJECT: "1", BOTH: project}}',
        '  mine: {tags: [p]}',
        'workspaces: {setup: [make]}',
        'notify: {stuck: [echo a, echo b]}',
      ),
    );
    const c = loadConfig({ cwd: dir, env: env.env });
    assert.equal(c.userFile, join(userDir, 'config.yaml'));
    assert.deepEqual(c.agents.claude!.environment, { FROM_USER: '1', BOTH: 'project', FROM_PROJECT: '1' });
    assert.deepEqual(c.agents.claude!.tags, ['ai']);
    assert.equal(c.agents.claude!.source, 'project');
    assert.deepEqual(c.agents.mine!.command, ['echo', 'user'], 'the project sets only tags; the user command stays');
    assert.deepEqual(c.agents.mine!.tags, ['p']);
    assert.equal(c.agents.mine!.idleAfter, 4000);
    assert.equal(c.agents.mine!.source, 'project');
    assert.deepEqual(c.workspaces, { root: '.amux/workspaces', copy: ['.env'], setup: ['make'] });
    assert.equal(c.tmux.socket, 'usersock');
    assert.deepEqual(c.notify, { on: { waiting: ['echo user'], stuck: ['echo a', 'echo b'] }, displayMessage: true, desktop: false, events: ['waiting', 'stuck', 'failed'] });

    // Outside the project only the user layer applies.
    const other = join(env.dir, 'elsewhere');
    mkdirSync(other, { recursive: true });
    const u = loadConfig({ cwd: other, env: env.env });
    assert.equal(u.agents.mine!.source, 'user');
    assert.deepEqual(u.agents.mine!.tags, ['u']);
    assert.equal(u.file, null);
    setUser(null);
  });

  test('errors in both files are reported together, each with its own file', () => {
    setUser('agents:\n  u: {command: x, idleAfter: never}\n');
    const dir = folder('agents:\n  p: {command: x, bogus: 1}\n');
    try {
      assert.throws(
        () => loadConfig({ cwd: dir, env: env.env }),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          const msg = e.message.split('\n');
          assert.equal(msg.length, 2, e.message);
          assert.match(msg[0]!, new RegExp(`^${userDir}/config\\.yaml:2:\\d+: agents\\.u\\.idleAfter: invalid duration`));
          assert.match(msg[1]!, new RegExp(`^${dir}/\\.amux/config\\.yaml:2:\\d+: agents\\.p: unknown key "bogus"`));
          return true;
        },
      );
    } finally {
      setUser(null);
    }
  });

  test('the config is found by walking up from a subfolder; config.yml is accepted', () => {
    const dir = folder('agents:\n  deep: {command: [true]}\n', 'yml');
    const sub = join(dir, 'a', 'b', 'c');
    mkdirSync(sub, { recursive: true });
    const c = loadConfig({ cwd: sub, env: env.env });
    assert.equal(c.projectRoot, dir);
    assert.equal(c.file, join(dir, '.amux', 'config.yml'));
    assert.deepEqual(c.agents.deep!.command, ['true']);
  });

  test('project root without a config: the git top level, else the folder holding .amux, else cwd', () => {
    const repo = join(env.dir, 'gitless-config');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'src', 'lib'), { recursive: true });
    assert.deepEqual(locateProject(join(repo, 'src', 'lib')), { file: null, root: repo });
    assert.equal(findGitRoot(join(repo, 'src')), repo);
    const plain = join(env.dir, 'plain', 'x');
    mkdirSync(plain, { recursive: true });
    assert.equal(loadConfig({ cwd: plain, env: env.env }).projectRoot, plain);
    // A workspace (worktree) inside .amux/workspaces belongs to the outer project, even with its own copy of the config.
    const proj = folder('agents:\n  outer: {command: [x]}\n');
    mkdirSync(join(proj, '.git'));
    const ws = join(proj, '.amux', 'workspaces', 'feat');
    mkdirSync(join(ws, '.amux'), { recursive: true });
    writeFileSync(join(ws, '.git'), 'gitdir: elsewhere\n');
    writeFileSync(join(ws, '.amux', 'config.yaml'), 'agents:\n  inner: {command: [x]}\n');
    const c = loadConfig({ cwd: join(ws), env: env.env });
    assert.equal(c.projectRoot, proj);
    assert.ok(c.agents.outer && !c.agents.inner);
  });

  test('resolveAgent: an unknown agent is a usage error listing the known ones', () => {
    const dir = folder('agents:\n  helper: {command: [x]}\n');
    const c = loadConfig({ cwd: dir, env: env.env });
    assert.equal(resolveAgent(c, 'helper').command[0], 'x');
    assert.throws(
      () => resolveAgent(c, 'rm -rf /'),
      (e: unknown) => e instanceof UsageError && e.exitCode === 2 && /unknown agent "rm -rf \/".*aider, claude, codex, gemini, helper, shell/.test(e.message),
    );
    assert.throws(() => resolveAgent(c, 'Claude'), /did you mean "claude"/);
    assert.throws(() => resolveAgent(c, 'toString'), UsageError, 'not an Object.prototype key');
  });

  test('a validated file is cached privately, and any change to the text is seen', () => {
    const dir = folder('agents:\n  c1: {command: [a]}\n');
    const file = join(dir, '.amux', 'config.yaml');
    assert.deepEqual(loadConfig({ cwd: dir, env: env.env }).agents.c1!.command, ['a']);
    const cacheDir = join(env.home, 'cache');
    const entries = readdirSync(cacheDir).filter((f) => f.startsWith('config-'));
    assert.ok(entries.length >= 1);
    for (const f of entries) assert.equal(statSync(join(cacheDir, f)).mode & 0o077, 0, 'cache files are private');
    assert.equal(statSync(cacheDir).mode & 0o077, 0);
    // Same size, same second: still a different text, so a different result.
    writeFileSync(file, 'agents:\n  c1: {command: [b]}\n');
    assert.deepEqual(loadConfig({ cwd: dir, env: env.env }).agents.c1!.command, ['b']);
    // An invalid edit is never served from the cache.
    writeFileSync(file, 'agents:\n  c1: {command: [b], zz: 1}\n');
    assert.throws(() => loadConfig({ cwd: dir, env: env.env }), /unknown key "zz"/);
    assert.throws(() => loadConfig({ cwd: dir, env: env.env }), /unknown key "zz"/);
    writeFileSync(file, 'agents:\n  c1: {command: [b]}\n');
    assert.deepEqual(loadConfig({ cwd: dir, env: { ...env.env, AMUX_NO_CONFIG_CACHE: '1' } }).agents.c1!.command, ['b']);
  });
});

describe('environment expansion', () => {
  test('${VAR}, ${VAR:-default}, ${VAR-default}, $$ and unknown variables', () => {
    const penv = { HOME_X: '/h', EMPTY: '' };
    assert.deepEqual(
      expandEnvironment(
        { A: '${HOME_X}', B: '${MISSING:-fallback}', C: 'x$$y', D: 'pre-${HOME_X}-post', E: '${MISSING}', F: '${EMPTY:-d}', G: '${EMPTY-d}', H: '${MISSING:-${HOME_X}/sub}', I: '$HOME_X and $', J: '$${HOME_X}' },
        penv,
      ),
      { A: '/h', B: 'fallback', C: 'x$y', D: 'pre-/h-post', E: '', F: 'd', G: '', H: '/h/sub', I: '$HOME_X and $', J: '${HOME_X}' },
    );
    assert.equal(expandString('a ${X:-b c} d', {}), 'a b c d');
    assert.equal(expandString('$(rm -rf /) `id` ${X}', { X: '$(whoami)' }), '$(rm -rf /) `id` $(whoami)', 'no shell, no re-expansion');
    assert.equal(checkExpansion('${ok} ${OK:-x}'), null);
    assert.match(checkExpansion('${1x}')!, /not a variable name/);
    assert.match(checkExpansion('${X:y}')!, /expected/);
    assert.match(checkExpansion('${X')!, /unterminated/);
  });
});

describe('templates and the JSON Schema', () => {
  test('every template validates and loads; each starts with the schema line', () => {
    const env = new TestEnv('tmpl');
    after(() => env.cleanup());
    const names = templateNames();
    assert.deepEqual(names, ['default', 'full', 'minimal']);
    for (const t of names) {
      const raw = readFileSync(join(ROOT, 'templates', `${t}.yaml`), 'utf8');
      assert.match(raw.split('\n')[0]!, /^# yaml-language-server: \$schema=\S+config\.schema\.json$/, t);
      assert.deepEqual(validateConfigText(raw, `${t}.yaml`), [], `${t}: ${show(validateConfigText(raw, t))}`);
      const dir = join(env.dir, t);
      mkdirSync(join(dir, '.amux'), { recursive: true });
      writeFileSync(join(dir, '.amux', 'config.yaml'), templateText(t, join(dir, '.amux')));
      const c = loadConfig({ cwd: dir, env: env.env });
      assert.equal(c.file, join(dir, '.amux', 'config.yaml'));
    }
    const full = loadConfig({ cwd: join(env.dir, 'full'), env: env.env });
    assert.equal(full.agents.claude!.params.windowName, 'claude');
    assert.equal(full.agents.claude!.environment.NODE_OPTIONS, '--max-old-space-size=4096');
    assert.equal(full.agents['deploy-watch']!.detector, 'rollout');
    assert.deepEqual(full.notify.on.stuck!.length, 1);
    assert.throws(() => templateText('nope'), /unknown template "nope" \(templates: default, full, minimal\)/);
  });

  test('the JSON Schema knows exactly the keys the validator knows', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'templates', 'config.schema.json'), 'utf8'));
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const keys = (o: { properties: object }) => Object.keys(o.properties).sort();
    const agent = schema.definitions.agent;
    assert.deepEqual(keys(schema), [...SCHEMA_KEYS.top].sort());
    assert.deepEqual(keys(agent), [...SCHEMA_KEYS.agent].sort());
    assert.deepEqual(keys(agent.properties.patterns), [...SCHEMA_KEYS.patterns].sort());
    assert.deepEqual(keys(agent.properties.params), [...SCHEMA_KEYS.params].sort());
    assert.deepEqual(keys(schema.properties.workspaces), [...SCHEMA_KEYS.workspaces].sort());
    assert.deepEqual(keys(schema.properties.tmux), [...SCHEMA_KEYS.tmux].sort());
    assert.deepEqual(keys(schema.properties.notify), [...SCHEMA_KEYS.notify].sort());
    // The id and duration rules agree with the validator's.
    const idRe = new RegExp(schema.properties.agents.propertyNames.pattern);
    for (const [id, ok] of [['claude', true], ['a_b-1', true], ['-x', false], ['a.b', false], ['x'.repeat(63), true], ['x'.repeat(64), false]] as const) {
      assert.equal(idRe.test(id), ok, id);
      assert.equal(validateConfigText(`agents:\n  "${id}": {command: x}\n`, 'x.yaml').length === 0, ok, id);
    }
    const durRe = new RegExp(schema.definitions.duration.oneOf[1].pattern);
    for (const d of ['90s', '5m', '1h', '1m30s', '250ms', '12', '1.5']) assert.ok(durRe.test(d), d);
    for (const d of ['soon', '5 minutes', '10x', '']) assert.ok(!durRe.test(d), d);
  });
});
