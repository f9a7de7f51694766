/**
 * `amux init` and `amux config show|validate|edit`, through the compiled CLI as a user runs
 * them (no tmux needed). Terminal questions are answered through `script` (a real pty).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, CLI, ROOT, type RunResult } from './helpers.ts';
import { validateConfigText } from '../src/config/validate.ts';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs amux in a pseudo-terminal (`script`), answering `answer` when `prompt` appears. */
function amuxInPty(env: TestEnv, args: string[], cwd: string, prompt: RegExp, answer: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult & { asked: boolean }> {
  return new Promise((resolve) => {
    const cmd = [process.execPath, CLI, ...args].map(q).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd, env: { ...env.env, ...extraEnv } });
    let out = '';
    let asked = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!asked && prompt.test(out)) {
        asked = true;
        child.stdin.write(answer);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout: out, stderr: '', asked });
    });
  });
}

/** An editor script: each run writes the next of `texts` (the last one repeats) and counts runs. */
function editorScript(env: TestEnv, name: string, texts: string[]): { path: string; runs: () => number } {
  const dir = join(env.dir, `editor-${name}`);
  mkdirSync(dir, { recursive: true });
  texts.forEach((t, i) => writeFileSync(join(dir, `text${i + 1}`), t));
  const counter = join(dir, 'count');
  const path = join(dir, 'edit.sh');
  writeFileSync(
    path,
    `#!/bin/sh
# The file to edit is the last argument.
for f in "$@"; do :; done
n=$(cat ${q(counter)} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${q(counter)}
[ "$1" != "$f" ] && echo "$1" > ${q(join(dir, 'arg1'))}
src=${q(dir)}/text$n; [ -f "$src" ] || src=${q(dir)}/text${texts.length}
cat "$src" > "$f"
`,
  );
  chmodSync(path, 0o755);
  return { path, runs: () => (existsSync(counter) ? Number(readFileSync(counter, 'utf8').trim()) : 0) };
}

describe('amux init', () => {
  const env = new TestEnv('init');
  after(() => env.cleanup());

  test('each template writes a config that validates, with the schema line pointing at the shipped schema', async () => {
    for (const t of ['default', 'minimal', 'full']) {
      const repo = env.gitRepo(`r-${t}`);
      const r = await env.amux(['init', '--template', t], { cwd: repo });
      assert.equal(r.code, 0, r.stderr);
      const file = join(repo, '.amux', 'config.yaml');
      assert.match(r.stdout, new RegExp(`wrote ${esc(file)} \\(template ${t}\\)`));
      const text = readFileSync(file, 'utf8');
      const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
      // Never an absolute path into this machine's install: it breaks once committed. The project
      // is outside amux's tree here, so a copy sits beside the config.
      assert.equal(schema, 'config.schema.json');
      assert.doesNotMatch(text, /\$schema=\//);
      assert.equal(readFileSync(join(repo, '.amux', schema), 'utf8'), readFileSync(join(ROOT, 'templates', 'config.schema.json'), 'utf8'));
      assert.match(r.stdout, /wrote .*config\.schema\.json \(the schema editors check the config against; commit it with the config\)/);
      assert.deepEqual(validateConfigText(text, file), []);
      const v = await env.amux(['config', 'validate'], { cwd: repo });
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.stdout, `ok: ${file}\n`);
    }
  });

  test('writes at the git top level from a subfolder; refuses to overwrite without --force', async () => {
    const repo = env.gitRepo('r-sub');
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    const r = await env.amux(['init', '--template', 'minimal', '--no-gitignore'], { cwd: join(repo, 'src', 'deep') });
    assert.equal(r.code, 0, r.stderr);
    const file = join(repo, '.amux', 'config.yaml');
    assert.ok(existsSync(file));
    assert.ok(!existsSync(join(repo, 'src', 'deep', '.amux')));
    writeFileSync(file, 'version: 1\nagents:\n  mine: {command: [x]}\n');
    const again = await env.amux(['init'], { cwd: repo });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists .*--force/);
    assert.match(readFileSync(file, 'utf8'), /mine/, 'untouched');
    const forced = await env.amux(['init', '--force', '--template', 'default', '--no-gitignore'], { cwd: repo });
    assert.equal(forced.code, 0, forced.stderr);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /mine/);
    assert.match(readFileSync(file, 'utf8'), /tests:/);
  });

  test('an unknown template is a usage error listing the templates, and writes nothing', async () => {
    const repo = env.gitRepo('r-bad');
    const r = await env.amux(['init', '--template', 'nope'], { cwd: repo });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown template "nope" \(templates: default, full, minimal\)/);
    assert.ok(!existsSync(join(repo, '.amux')));
  });

  test('.gitignore: left alone without a terminal or a flag (and says so); --gitignore adds the line once', async () => {
    const repo = env.gitRepo('r-ign');
    writeFileSync(join(repo, '.gitignore'), 'node_modules');
    const r = await env.amux(['init'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /left .*\.gitignore alone .*--gitignore/);
    assert.equal(readFileSync(join(repo, '.gitignore'), 'utf8'), 'node_modules');

    const no = await env.amux(['init', '--force', '--no-gitignore'], { cwd: repo });
    assert.equal(no.code, 0, no.stderr);
    assert.equal(readFileSync(join(repo, '.gitignore'), 'utf8'), 'node_modules');

    const yes = await env.amux(['init', '--force', '--gitignore'], { cwd: repo });
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(yes.stdout, /added \.amux\/workspaces\/ to /);
    assert.equal(readFileSync(join(repo, '.gitignore'), 'utf8'), 'node_modules\n# amux workspaces (git worktrees)\n.amux/workspaces/\n');
    const twice = await env.amux(['init', '--force', '--gitignore'], { cwd: repo });
    assert.equal(twice.code, 0);
    assert.equal(readFileSync(join(repo, '.gitignore'), 'utf8').match(/\.amux\/workspaces\//g)!.length, 1);
    // git itself now ignores the workspaces folder.
    mkdirSync(join(repo, '.amux', 'workspaces', 'w'), { recursive: true });
    writeFileSync(join(repo, '.amux', 'workspaces', 'w', 'f'), 'x');
    assert.doesNotMatch(env.git(repo, 'status', '--porcelain', '--untracked-files=all'), /workspaces/);
  });

  test('on a terminal it asks y/N before editing .gitignore', { skip: !hasScript() && 'needs script(1)' }, async () => {
    const yesRepo = env.gitRepo('r-tty-yes');
    const y = await amuxInPty(env, ['init'], yesRepo, /\[y\/N\]/, 'y\r');
    assert.ok(y.asked, y.stdout);
    assert.equal(y.code, 0, y.stdout);
    assert.match(y.stdout, /Add \.amux\/workspaces\/ to .*\.gitignore\? \[y\/N\]/);
    assert.equal(readFileSync(join(yesRepo, '.gitignore'), 'utf8'), '# amux workspaces (git worktrees)\n.amux/workspaces/\n');

    const noRepo = env.gitRepo('r-tty-no');
    const n = await amuxInPty(env, ['init'], noRepo, /\[y\/N\]/, '\r');
    assert.ok(n.asked, n.stdout);
    assert.equal(n.code, 0, n.stdout);
    assert.ok(existsSync(join(noRepo, '.amux', 'config.yaml')));
    assert.ok(!existsSync(join(noRepo, '.gitignore')), 'Enter means no');
  });
});

describe('amux config show / validate', () => {
  const env = new TestEnv('cfgcmd');
  after(() => env.cleanup());

  function project(name: string, yaml: string): string {
    const dir = join(env.dir, name);
    mkdirSync(join(dir, '.amux'), { recursive: true });
    writeFileSync(join(dir, '.amux', 'config.yaml'), yaml);
    return dir;
  }

  test('show --json: the merged config, every agent with its source', async () => {
    const userDir = join(env.dir, 'config', 'amux');
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, 'config.yaml'), 'agents:\n  fromuser: {command: [echo, u]}\n');
    try {
      const dir = project('show', 'agents:\n  w:\n    command: [sleep, 1]\n    idleAfter: 90s\n  claude:\n    command: ./wrap.sh\n');
      const j = await env.amuxJson<{ agents: Record<string, { source: string; command: unknown; detector: string; idleAfter: number }>; file: string; userFile: string; projectRoot: string }>(
        ['config', 'show', '--json'],
        { cwd: dir },
      );
      assert.equal(j.file, join(dir, '.amux', 'config.yaml'));
      assert.equal(j.userFile, join(userDir, 'config.yaml'));
      assert.equal(j.projectRoot, dir);
      assert.deepEqual(Object.keys(j.agents), ['aider', 'claude', 'codex', 'fromuser', 'gemini', 'shell', 'w']);
      assert.equal(j.agents.w!.source, 'project');
      assert.equal(j.agents.w!.idleAfter, 90_000);
      assert.deepEqual(j.agents.w!.command, ['sleep', '1']);
      assert.equal(j.agents.fromuser!.source, 'user');
      assert.equal(j.agents.claude!.source, 'project');
      assert.equal(j.agents.claude!.command, './wrap.sh');
      assert.equal(j.agents.claude!.detector, 'claude');
      assert.equal(j.agents.codex!.source, 'preset');

      const human = await env.amux(['config', 'show'], { cwd: dir });
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^AGENT +SOURCE +DETECTOR +IDLE +STUCK +COMMAND$/m);
      assert.match(human.stdout, /^w +project +- +1m30s +- +sleep 1$/m);
      assert.match(human.stdout, /^fromuser +user /m);
      // The server it names is the one amux uses, and says why.
      assert.match(human.stdout, new RegExp(`^tmux +socket ${env.socket} \\(tmux -L ${env.socket}, from AMUX_TMUX_SOCKET\\)$`, 'm'));

      const one = await env.amux(['config', 'show', 'claude'], { cwd: dir });
      assert.match(one.stdout, /^command +\.\/wrap\.sh +\(run by the shell\)$/m);
      assert.match(one.stdout, /^agent +claude \(project\)$/m);
      const unknown = await env.amux(['config', 'show', 'nope'], { cwd: dir });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown agent "nope".*claude/);
    } finally {
      rmSync(join(userDir, 'config.yaml'));
    }
  });

  test('validate: ok, or every error as file:line:col and exit 1; show refuses a broken config the same way', async () => {
    const good = project('valid', 'version: 1\nagents:\n  a: {command: [x]}\n');
    const ok = await env.amux(['config', 'validate'], { cwd: join(good) });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`^ok: ${esc(join(good, '.amux', 'config.yaml'))}$`, 'm'));

    const bad = project('invalid', 'version: 1\nagents:\n  a:\n    command: [x]\n    idleAfter: soon\n    tgs: [x]\n  b: {tags: [y]}\nworkspaces: {copy: .env}\n');
    const file = join(bad, '.amux', 'config.yaml');
    const r = await env.amux(['config', 'validate'], { cwd: bad });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.slice(file.length).replace(/: .*/, '')),
      [':5:16', ':6:5', ':7:3', ':8:20'],
      r.stderr,
    );
    for (const l of lines) assert.ok(l.startsWith(`${file}:`), l);
    assert.match(r.stderr, /invalid duration "soon"/);
    assert.match(r.stderr, /unknown key "tgs" \(did you mean "tags"\?\)/);
    assert.match(r.stderr, /agents\.b: "command" is required/);

    // An explicit FILE, from anywhere.
    const byPath = await env.amux(['config', 'validate', file], { cwd: env.dir });
    assert.equal(byPath.code, 1);
    assert.equal(byPath.stderr, r.stderr);

    // Every command that loads the config stops with the same positions.
    const show = await env.amux(['config', 'show'], { cwd: bad });
    assert.equal(show.code, 1);
    assert.match(show.stderr, new RegExp(`^amux: ${esc(file)}:5:16: `));
    assert.equal(show.stderr.trim().split('\n').length, 4);

    const yamlBad = project('badyaml', 'agents:\n  a: [\n');
    const y = await env.amux(['config', 'validate'], { cwd: yamlBad });
    assert.equal(y.code, 1);
    assert.match(y.stderr, new RegExp(`^${esc(join(yamlBad, '.amux', 'config.yaml'))}:\\d+:\\d+: YAML: `));

    const none = join(env.dir, 'noconfig');
    mkdirSync(none, { recursive: true });
    const n = await env.amux(['config', 'validate'], { cwd: none });
    assert.equal(n.code, 1);
    assert.match(n.stderr, /no config file/);
  });

  test('--help of every config command has real examples', async () => {
    for (const args of [['init'], ['config', 'show'], ['config', 'validate'], ['config', 'edit']]) {
      const r = await env.amux([...args, '--help']);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Examples/, args.join(' '));
      assert.match(r.stdout, new RegExp(`\\$ amux ${args.join(' ')}`), args.join(' '));
    }
    const edit = await env.amux(['config', 'edit', '--help']);
    assert.match(edit.stdout, /--no-reopen/);
    assert.match(edit.stdout, /standard input/);
  });
});

describe('amux config edit', () => {
  const env = new TestEnv('edit');
  after(() => env.cleanup());
  const noVisual = { VISUAL: '' };

  async function repoWithConfig(name: string): Promise<{ repo: string; file: string }> {
    const repo = env.gitRepo(name);
    const r = await env.amux(['init', '--template', 'minimal', '--no-gitignore'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    return { repo, file: join(repo, '.amux', 'config.yaml') };
  }

  test('an invalid edit reopens the editor (answer y); only the valid result is saved', async () => {
    const { repo, file } = await repoWithConfig('r-reopen');
    chmodSync(file, 0o640);
    const ed = editorScript(env, 'reopen', ['agents:\n  x: [\n', 'version: 1\nagents:\n  edited:\n    command: [echo]\n']);
    const r = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: ed.path }, input: 'y\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(ed.runs(), 2, 'the editor was opened twice');
    assert.match(r.stderr, new RegExp(`${esc(file)}:\\d+:\\d+: YAML: `));
    assert.match(r.stderr, /Reopen the editor\? \[y\/N\]/);
    assert.match(r.stdout, /saved /);
    assert.equal(readFileSync(file, 'utf8'), 'version: 1\nagents:\n  edited:\n    command: [echo]\n');
    assert.equal(statSync(file).mode & 0o777, 0o640, 'the file keeps its mode');
    const v = await env.amux(['config', 'validate'], { cwd: repo });
    assert.equal(v.code, 0, v.stderr);
  });

  test('an editor that always breaks it, answered n (or nothing, or --no-reopen): the original is untouched, exit 1', async () => {
    const { repo, file } = await repoWithConfig('r-discard');
    const before = readFileSync(file, 'utf8');
    const ed = editorScript(env, 'breaker', ['version: 7\nbogus: 1\n']);
    const n = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: ed.path }, input: 'n\n' });
    assert.equal(n.code, 1);
    assert.match(n.stderr, new RegExp(`${esc(file)}:1:10: version: unsupported version 7`));
    assert.match(n.stderr, new RegExp(`${esc(file)}:2:1: unknown key "bogus"`));
    assert.match(n.stderr, /edit discarded; .* left unchanged/);
    assert.equal(ed.runs(), 1);
    assert.equal(readFileSync(file, 'utf8'), before);

    const eof = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: ed.path } });
    assert.equal(eof.code, 1, 'end of input means no');
    assert.equal(ed.runs(), 2);
    assert.equal(readFileSync(file, 'utf8'), before);

    const flag = await env.amux(['config', 'edit', '--no-reopen'], { cwd: repo, env: { ...noVisual, EDITOR: ed.path }, input: 'y\n' });
    assert.equal(flag.code, 1);
    assert.doesNotMatch(flag.stderr, /Reopen/, '--no-reopen does not ask');
    assert.equal(ed.runs(), 3);
    assert.equal(readFileSync(file, 'utf8'), before);

    // Answers are read one per question: y, y, n opens the editor three times.
    const three = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: ed.path }, input: 'y\ny\nn\n' });
    assert.equal(three.code, 1);
    assert.equal(ed.runs(), 6);
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  test('$EDITOR is split on spaces and run without a shell; a failing editor discards the edit', async () => {
    const { repo, file } = await repoWithConfig('r-args');
    const before = readFileSync(file, 'utf8');
    const ed = editorScript(env, 'args', ['version: 1\nagents:\n  viaargs: {command: [x]}\n']);
    const r = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: `${ed.path} --wait` } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(env.dir, 'editor-args', 'arg1'), 'utf8').trim(), '--wait');
    assert.match(readFileSync(file, 'utf8'), /viaargs/);

    // VISUAL wins over EDITOR.
    const vis = editorScript(env, 'visual', ['version: 1\nagents:\n  viavisual: {command: [x]}\n']);
    const v = await env.amux(['config', 'edit'], { cwd: repo, env: { VISUAL: vis.path, EDITOR: ed.path } });
    assert.equal(v.code, 0, v.stderr);
    assert.match(readFileSync(file, 'utf8'), /viavisual/);

    const failing = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: 'false' } });
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /exited with code 1; edit discarded/);
    const missing = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: join(env.dir, 'no-such-editor') } });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot run the editor/);
    const unchanged = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: 'true' } });
    assert.equal(unchanged.code, 0);
    assert.match(unchanged.stdout, /no changes/);
    assert.match(readFileSync(file, 'utf8'), /viavisual/);
    assert.notEqual(readFileSync(file, 'utf8'), before);
  });

  test('with no config yet, the file is created only when a valid one is saved; --user edits the user file', async () => {
    const repo = env.gitRepo('r-new');
    const file = join(repo, '.amux', 'config.yaml');
    const quit = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: 'true' } });
    assert.equal(quit.code, 0, quit.stderr);
    assert.match(quit.stdout, /not created/);
    assert.ok(!existsSync(file));
    const ed = editorScript(env, 'new', ['agents:\n  fresh: {command: [x]}\n']);
    const r = await env.amux(['config', 'edit'], { cwd: repo, env: { ...noVisual, EDITOR: ed.path } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'agents:\n  fresh: {command: [x]}\n');

    const ued = editorScript(env, 'user', ['agents:\n  everywhere: {command: [x]}\n']);
    const u = await env.amux(['config', 'edit', '--user'], { cwd: repo, env: { ...noVisual, EDITOR: ued.path } });
    assert.equal(u.code, 0, u.stderr);
    const userFile = join(env.dir, 'config', 'amux', 'config.yaml');
    assert.match(readFileSync(userFile, 'utf8'), /everywhere/);
    const j = await env.amuxJson<{ agents: Record<string, { source: string }> }>(['config', 'show', '--json'], { cwd: repo });
    assert.equal(j.agents.everywhere!.source, 'user');
    assert.equal(j.agents.fresh!.source, 'project');
  });

  test('on a terminal, Enter at "Reopen the editor? [Y/n]" reopens', { skip: !hasScript() && 'needs script(1)' }, async () => {
    const { repo, file } = await repoWithConfig('r-tty');
    const ed = editorScript(env, 'tty', ['bogus: 1\n', 'agents:\n  tty: {command: [x]}\n']);
    const r = await amuxInPty(env, ['config', 'edit'], repo, /Reopen the editor\? \[Y\/n\]/, '\r', { ...noVisual, EDITOR: ed.path });
    assert.ok(r.asked, r.stdout);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(ed.runs(), 2);
    assert.match(readFileSync(file, 'utf8'), /tty:/);
  });
});
