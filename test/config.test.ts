import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv } from './helpers.ts';
import { loadConfig, parseConfigText, expandEnvironment, resolveAgent } from '../src/config/load.ts';
import { parseDuration } from '../src/util/duration.ts';

function proj(env: TestEnv, name: string, yaml: string | null): string {
  const dir = join(env.dir, name);
  mkdirSync(join(dir, '.amux'), { recursive: true });
  if (yaml !== null) writeFileSync(join(dir, '.amux', 'config.yaml'), yaml);
  return dir;
}

describe('config: parse, validate, merge', () => {
  const env = new TestEnv('cfg');
  after(() => env.cleanup());

  test('invalid YAML names file:line:col', async () => {
    const dir = proj(env, 'badyaml', 'agents:\n  claude:\n    command: [claude\n  x: 1\n');
    const r = await env.amux(['config', 'validate'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.amux/config\\.yaml:\\d+:\\d+: `));
    const run = await env.amux(['run', 'claude'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /config\.yaml:\d+:\d+:/);
  });

  test('every schema error is reported with its position, not only the first', () => {
    const text = [
      'version: 1', //1
      'agentz: {}', //2 unknown key
      'agents:', //3
      '  good:', //4
      '    command: [x]', //5
      '    idleAfter: soon', //6 bad duration
      '    tags: nope', //7 wrong type
      '    detector: robot', //8 bad detector
      '    patterns:', //9
      '      busy: ["(unclosed"]', //10 bad regex
      '    colour: blue', //11 unknown key
      '  "bad id!":', //12 bad id
      '    command: x', //13
    ].join('\n');
    const { issues } = parseConfigText(text, 'c.yaml');
    const lines = issues.map((i) => `${i.line}:${i.message}`);
    assert.ok(issues.length >= 7, lines.join('\n'));
    const at = (line: number, re: RegExp) => assert.ok(issues.some((i) => i.line === line && re.test(i.message)), `line ${line} ${re}: ${lines.join(' | ')}`);
    at(2, /unknown key "agentz"/);
    at(6, /idleAfter must be a duration/);
    at(7, /tags must be a list/);
    at(8, /detector must be one of/);
    at(10, /not a valid regular expression/);
    at(11, /unknown key "agents.good.colour"/);
    at(12, /agent id "bad id!"/);
    for (const i of issues) assert.equal(i.file, 'c.yaml');
    assert.ok(issues.every((i) => i.col >= 1));
  });

  test('durations, env expansion', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration(12), 12_000);
    assert.equal(parseDuration('12'), 12_000);
    assert.equal(parseDuration('soon'), null);
    assert.deepEqual(expandEnvironment({ A: '${HOME_X}', B: '${MISSING:-fallback}', C: 'x$$y', D: 'pre-${HOME_X}-post', E: '${MISSING}' }, { HOME_X: '/h' }), {
      A: '/h',
      B: 'fallback',
      C: 'x$y',
      D: 'pre-/h-post',
      E: '',
    });
  });

  test('presets work with no config; a project entry overrides fields and keeps the rest', () => {
    const bare = loadConfig({ cwd: env.dir, env: { ...env.env } });
    for (const p of ['claude', 'codex', 'gemini', 'aider', 'shell']) assert.ok(bare.agents[p], p);
    assert.equal(bare.file, null);
    const dir = proj(env, 'override', 'agents:\n  claude:\n    command: ./wrapper.sh --x\n    stuckAfter: 2m\n');
    const c = loadConfig({ cwd: dir, env: env.env });
    const a = resolveAgent(c, 'claude');
    assert.equal(a.command, './wrapper.sh --x');
    assert.equal(a.detector, 'claude', 'keeps the preset detector');
    assert.equal(a.stuckAfter, 120_000);
    assert.equal(a.source, 'project');
    assert.throws(() => resolveAgent(c, 'nope'), /unknown agent "nope".*claude/);
  });

  test('user config merges under the project; the config is found from a subfolder', () => {
    const userDir = join(env.env.XDG_CONFIG_HOME!, 'amux');
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, 'config.yaml'), 'agents:\n  mine:\n    command: [echo, user]\n  claude:\n    environment: {FROM_USER: "1"}\n');
    const dir = proj(env, 'layered', 'agents:\n  claude:\n    environment: {FROM_PROJECT: "1"}\n');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    const c = loadConfig({ cwd: join(dir, 'a', 'b'), env: env.env });
    assert.equal(c.projectRoot, dir);
    assert.deepEqual(c.agents.mine!.command, ['echo', 'user']);
    assert.equal(c.agents.mine!.source, 'user');
    assert.deepEqual(c.agents.claude!.environment, { FROM_USER: '1', FROM_PROJECT: '1' });
    writeFileSync(join(userDir, 'config.yaml'), '');
  });

  test('config show --json and validate ok', async () => {
    const dir = proj(env, 'showme', 'agents:\n  w:\n    command: [sleep, "1"]\n    tags: [a]\n');
    const j = await env.amuxJson<{ agents: Record<string, { source: string }>; file: string }>(['config', 'show', '--json'], { cwd: dir });
    assert.equal(j.agents.w!.source, 'project');
    assert.equal(j.agents.claude!.source, 'preset');
    const v = await env.amux(['config', 'validate'], { cwd: dir });
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^ok: /);
  });
});

describe('init and config edit', () => {
  const env = new TestEnv('init');
  after(() => env.cleanup());

  test('init writes a valid config, refuses to overwrite, asks before touching .gitignore', async () => {
    for (const t of ['default', 'minimal', 'full']) {
      const repo = env.gitRepo(`r-${t}`);
      const r = await env.amux(['init', '--template', t], { cwd: repo });
      assert.equal(r.code, 0, r.stderr);
      const file = join(repo, '.amux', 'config.yaml');
      assert.ok(existsSync(file));
      assert.match(readFileSync(file, 'utf8'), /yaml-language-server: \$schema=\/.*config\.schema\.json/);
      const v = await env.amux(['config', 'validate'], { cwd: repo });
      assert.equal(v.code, 0, `template ${t}: ${v.stderr}`);
      assert.equal(existsSync(join(repo, '.gitignore')), false, 'no .gitignore edit without a yes');
      const again = await env.amux(['init'], { cwd: repo });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already exists/);
    }
    const repo = env.gitRepo('r-ign');
    writeFileSync(join(repo, '.gitignore'), 'node_modules');
    const r = await env.amux(['init', '--gitignore'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(repo, '.gitignore'), 'utf8'), 'node_modules\n# amux workspaces (git worktrees)\n.amux/workspaces/\n');
    const bad = await env.amux(['init', '--template', 'nope', '--force'], { cwd: repo });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /templates: default, full, minimal/);
  });

  test('config edit reopens on error and saves only a valid file', async () => {
    const repo = env.gitRepo('r-edit');
    await env.amux(['init', '--template', 'minimal'], { cwd: repo });
    const file = join(repo, '.amux', 'config.yaml');
    const original = readFileSync(file, 'utf8');
    const counter = join(env.dir, 'edits');
    const editor = join(env.dir, 'editor.sh');
    // First run writes broken YAML, the second a valid config.
    writeFileSync(
      editor,
      `#!/bin/sh\nn=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}\nif [ $n -eq 1 ]; then printf 'agents:\\n  x: [\\n' > "$1"; else printf 'agents:\\n  edited:\\n    command: [echo]\\n' > "$1"; fi\n`,
    );
    chmodSync(editor, 0o755);
    const r = await env.amux(['config', 'edit'], { cwd: repo, env: { EDITOR: editor, VISUAL: '' }, input: 'y\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /config\.yaml:\d+:\d+:/);
    assert.equal(readFileSync(counter, 'utf8').trim(), '2');
    assert.match(readFileSync(file, 'utf8'), /edited:/);

    // An editor that always breaks it, and "n": the file stays as it was.
    const before = readFileSync(file, 'utf8');
    const breaker = join(env.dir, 'breaker.sh');
    writeFileSync(breaker, `#!/bin/sh\nprintf 'version: 7\\nbogus: 1\\n' > "$1"\n`);
    chmodSync(breaker, 0o755);
    const n = await env.amux(['config', 'edit'], { cwd: repo, env: { EDITOR: breaker, VISUAL: '' }, input: 'n\n' });
    assert.equal(n.code, 1);
    assert.match(n.stderr, /unknown key "bogus"/);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.notEqual(before, original);
  });
});
