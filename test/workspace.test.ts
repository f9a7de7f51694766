import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestEnv } from './helpers.ts';
import type { WorkspaceInfo } from '../src/core/workspaces.ts';

/** What `ws list --json` / `ws show --json` print: the core's shape, not a copy of it. */
type WsJson = WorkspaceInfo;

describe('workspaces (ws)', () => {
  const env = new TestEnv('ws');
  after(() => env.cleanup());

  let n = 0;
  /** A fresh repository; `config` becomes a committed .amux/config.yaml (keeps `git status` clean). */
  const repo = (config?: string, files: Record<string, string> = {}) => {
    const dir = env.gitRepo(`repo${++n}`, {
      'README.md': '# test\n',
      '.gitignore': '.env\n*.marker\n*.local\nnode_modules/\n',
      'src/app.txt': 'one\ntwo\nthree\n',
      ...(config ? { '.amux/config.yaml': config } : {}),
      ...files,
    });
    return dir;
  };
  const ws = (args: string[], cwd: string) => env.amux(['ws', ...args], { cwd });
  const list = (cwd: string) => env.amuxJson<WsJson[]>(['ws', 'list', '--json'], { cwd });
  const show = (name: string, cwd: string) => env.amuxJson<WsJson>(['ws', 'show', name, '--json'], { cwd });
  const git = (cwd: string, ...args: string[]) => env.git(cwd, ...args).trim();
  const branches = (cwd: string) => git(cwd, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/').split('\n').filter(Boolean).sort();
  const commitIn = (cwd: string, file: string, text: string, msg: string) => {
    mkdirSync(join(cwd, file, '..'), { recursive: true });
    writeFileSync(join(cwd, file), text);
    git(cwd, 'add', '--', file);
    git(cwd, 'commit', '-q', '-m', msg);
  };

  test('create: worktree on amux/NAME, copy globs bring an untracked .env, setup output shown and its effect present', async () => {
    const dir = repo(
      [
        'workspaces:',
        "  copy: ['.env*', 'conf/**/*.local']",
        '  setup:',
        '    - echo SETUP-OUTPUT for $AMUX_WORKSPACE',
        '    - echo made-by-setup > built.marker',
      ].join('\n') + '\n',
    );
    writeFileSync(join(dir, '.env'), 'SECRET=abc123\n');
    mkdirSync(join(dir, 'conf', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'conf', 'deep', 'db.local'), 'local db\n');
    const r = await ws(['create', 'feat'], dir);
    assert.equal(r.code, 0, r.stderr);
    const path = join(dir, '.amux', 'workspaces', 'feat');
    assert.equal(r.stdout.trim(), path);
    assert.equal(git(path, 'rev-parse', '--abbrev-ref', 'HEAD'), 'amux/feat');
    assert.equal(git(path, 'rev-parse', 'HEAD'), git(dir, 'rev-parse', 'HEAD'));
    assert.equal(readFileSync(join(path, '.env'), 'utf8'), 'SECRET=abc123\n', 'the git-ignored .env was copied');
    assert.equal(readFileSync(join(path, 'conf', 'deep', 'db.local'), 'utf8'), 'local db\n', 'relative paths are kept');
    assert.match(r.stderr, /SETUP-OUTPUT for feat/, 'setup output is shown');
    assert.match(r.stderr, /copied \.env/);
    assert.equal(readFileSync(join(path, 'built.marker'), 'utf8'), 'made-by-setup\n', 'setup ran in the worktree');
    assert.ok(!existsSync(join(dir, 'built.marker')), 'setup did not run in the main checkout');
    // The main checkout stays clean: the worktree folder is excluded through .git/info/exclude.
    assert.equal(git(dir, 'status', '--porcelain'), '');
    // An untouched copied file does not count as a change.
    const s = await show('feat', dir);
    assert.equal(s.dirty, false, JSON.stringify(s.changes));
    assert.equal(s.setup, 'ok');
    // Creating it again is refused; nothing changes.
    const again = await ws(['create', 'feat'], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    assert.equal(again.stderr.trim().split('\n').length, 1);
  });

  test('create --base and --branch; an unknown base is a clear error', async () => {
    const dir = repo();
    const first = git(dir, 'rev-parse', 'HEAD');
    commitIn(dir, 'later.txt', 'later\n', 'later');
    git(dir, 'tag', 'v1', first);
    const r = await ws(['create', 'old', '--base', 'v1', '--branch', 'feature/old'], dir);
    assert.equal(r.code, 0, r.stderr);
    const path = r.stdout.trim();
    assert.equal(git(path, 'rev-parse', '--abbrev-ref', 'HEAD'), 'feature/old');
    assert.equal(git(path, 'rev-parse', 'HEAD'), first);
    assert.ok(!existsSync(join(path, 'later.txt')));
    const s = await show('old', dir);
    assert.equal(s.base, first);
    assert.equal(s.baseRef, 'v1');
    assert.equal(s.branch, 'feature/old');

    const bad = await ws(['create', 'nope', '--base', 'no-such-ref'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown base "no-such-ref"/);
    assert.ok(!existsSync(join(dir, '.amux', 'workspaces', 'nope')));
    assert.ok(!branches(dir).includes('amux/nope'));

    const badBranch = await ws(['create', 'nope', '--branch=-x'], dir);
    assert.equal(badBranch.code, 2, badBranch.stderr);
    assert.ok(!existsSync(join(dir, '.amux', 'workspaces', 'nope')));
  });

  test('a failing setup command is reported with the command and its exit code; the worktree is kept', async () => {
    const dir = repo('workspaces:\n  setup:\n    - echo before-fail\n    - sh -c "exit 7"\n    - echo never-runs\n');
    const r = await ws(['create', 'bad'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /before-fail/);
    assert.match(r.stderr, /setup command "sh -c \\"exit 7\\"" failed with exit code 7/);
    assert.match(r.stderr, /left in place/);
    assert.doesNotMatch(r.stderr, /never-runs/);
    assert.ok(existsSync(join(dir, '.amux', 'workspaces', 'bad', 'README.md')));
    const s = await show('bad', dir);
    assert.equal(s.state, 'ok');
    assert.equal(s.setup, 'failed');
  });

  test('list and show --json: branch, path, base, dirty, ahead, sessions, state', async () => {
    const dir = repo();
    const base = git(dir, 'rev-parse', 'HEAD');
    assert.deepEqual(await list(dir), []);
    for (const name of ['one', 'two']) assert.equal((await ws(['create', name], dir)).code, 0);
    const one = join(dir, '.amux', 'workspaces', 'one');
    commitIn(one, 'a.txt', 'a\n', 'a');
    commitIn(one, 'b.txt', 'b\n', 'b');
    writeFileSync(join(one, 'README.md'), 'edited\n');
    const rows = await list(dir);
    assert.deepEqual(rows.map((w) => w.name), ['one', 'two']);
    const [r1, r2] = rows as [WsJson, WsJson];
    for (const k of ['name', 'branch', 'path', 'base', 'dirty', 'ahead', 'sessions', 'state', 'unmerged', 'changes']) assert.ok(k in r1, `list --json has ${k}`);
    assert.equal(r1.branch, 'amux/one');
    assert.equal(r1.path, one);
    assert.equal(r1.base, base);
    assert.equal(r1.baseRef, 'main');
    assert.equal(r1.dirty, true);
    assert.deepEqual(r1.changes, [' M README.md']);
    assert.equal(r1.ahead, 2);
    assert.equal(r1.unmerged, 2);
    assert.equal(r1.sessions, 0);
    assert.equal(r1.state, 'ok');
    assert.equal(r2.dirty, false);
    assert.equal(r2.ahead, 0);
    assert.deepEqual(await show('one', dir), r1);
    // the human table, and running from inside a workspace sees the same project
    const table = await ws(['list'], dir);
    assert.match(table.stdout, /^NAME\s+BRANCH\s+AHEAD\s+CHANGES\s+SESSIONS\s+STATE\s+PATH/m);
    assert.match(table.stdout, /^one\s+amux\/one\s+2\s+1\s+0\s+ok\s+\.amux\/workspaces\/one$/m);
    const inside = await env.amuxJson<WsJson[]>(['ws', 'list', '--json'], { cwd: join(one, 'src') });
    assert.deepEqual(inside.map((w) => w.path), [one, join(dir, '.amux', 'workspaces', 'two')]);
    const human = await ws(['show', 'one'], dir);
    assert.match(human.stdout, /branch:\s+amux\/one/);
    const missing = await ws(['show', 'nothere'], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no workspace "nothere"/);
  });

  test('diff shows committed and uncommitted changes against the base, plus untracked files', async () => {
    const dir = repo();
    assert.equal((await ws(['create', 'd'], dir)).code, 0);
    const path = join(dir, '.amux', 'workspaces', 'd');
    commitIn(path, 'src/app.txt', 'one\nTWO-COMMITTED\nthree\n', 'committed change');
    writeFileSync(join(path, 'README.md'), '# test\nUNCOMMITTED-LINE\n');
    writeFileSync(join(path, 'brand-new.txt'), 'x\n');
    // the main branch moving on does not show up in the workspace's diff
    commitIn(dir, 'main-only.txt', 'main\n', 'main moves on');
    const r = await ws(['diff', 'd'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\+TWO-COMMITTED$/m);
    assert.match(r.stdout, /^-two$/m);
    assert.match(r.stdout, /^\+UNCOMMITTED-LINE$/m);
    assert.doesNotMatch(r.stdout, /main-only/);
    assert.match(r.stdout, /Untracked files:\n\s+brand-new\.txt/);
    const st = await ws(['diff', 'd', '--stat'], dir);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /src\/app\.txt \| 2 \+-/);
    assert.match(st.stdout, /README\.md\s+\| 1 \+/);
    assert.match(st.stdout, /2 files changed/);
  });

  test('merge brings the workspace commit into the main checkout', async () => {
    const dir = repo();
    assert.equal((await ws(['create', 'm'], dir)).code, 0);
    const path = join(dir, '.amux', 'workspaces', 'm');
    commitIn(path, 'feature.txt', 'feature\n', 'add the feature');
    commitIn(dir, 'other.txt', 'other\n', 'unrelated main commit'); // forces a real merge
    const r = await ws(['merge', 'm'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /merged amux\/m into main/);
    assert.equal(readFileSync(join(dir, 'feature.txt'), 'utf8'), 'feature\n');
    assert.match(git(dir, 'log', '--format=%s'), /add the feature/);
    assert.equal(git(dir, 'status', '--porcelain'), '');
    // merged now: rm needs no --force and deletes the branch
    const again = await ws(['merge', 'm'], dir);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already has everything/);
    const rm = await ws(['rm', 'm'], dir);
    assert.equal(rm.code, 0, rm.stderr);
    assert.ok(!branches(dir).includes('amux/m'));
  });

  test('merge --squash, and --into a branch that is checked out nowhere', async () => {
    const dir = repo();
    git(dir, 'branch', 'release');
    assert.equal((await ws(['create', 'sq'], dir)).code, 0);
    const path = join(dir, '.amux', 'workspaces', 'sq');
    commitIn(path, 'f1.txt', '1\n', 'first');
    commitIn(path, 'f2.txt', '2\n', 'second');
    const before = git(dir, 'rev-parse', 'HEAD');
    const r = await ws(['merge', 'sq', '--squash'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(git(dir, 'rev-parse', 'HEAD~1'), before, 'one new commit');
    assert.equal(git(dir, 'rev-list', '--count', '--merges', `${before}..HEAD`), '0');
    assert.ok(existsSync(join(dir, 'f2.txt')));
    assert.equal(git(dir, 'status', '--porcelain'), '');
    commitIn(dir, 'main2.txt', 'x\n', 'main only');
    const into = await ws(['merge', 'sq', '--into', 'release', '--no-ff'], dir);
    assert.equal(into.code, 0, into.stderr);
    assert.match(into.stdout, /merged amux\/sq into release .*not checked out/);
    assert.equal(git(dir, 'show', 'release:f1.txt'), '1');
    assert.equal(git(dir, 'rev-list', '--count', '--merges', 'release'), '1');
    assert.equal(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main', 'the main checkout was not switched');
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  test('a merge conflict is refused: aborted, main checkout clean, no merge in progress', async () => {
    const dir = repo();
    assert.equal((await ws(['create', 'c'], dir)).code, 0);
    const path = join(dir, '.amux', 'workspaces', 'c');
    commitIn(path, 'src/app.txt', 'one\nWORKSPACE\nthree\n', 'workspace edit');
    commitIn(path, 'clean.txt', 'no conflict here\n', 'clean file');
    commitIn(dir, 'src/app.txt', 'one\nMAIN\nthree\n', 'main edit');
    const head = git(dir, 'rev-parse', 'HEAD');
    const r = await ws(['merge', 'c'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /conflicts in src\/app\.txt/);
    assert.match(r.stderr, /aborted/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(git(dir, 'status', '--porcelain'), '', 'the main checkout is clean');
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head, 'HEAD did not move');
    assert.ok(!existsSync(join(dir, '.git', 'MERGE_HEAD')), 'no merge in progress');
    assert.ok(!existsSync(join(dir, 'clean.txt')), 'nothing half merged');
    assert.equal(readFileSync(join(dir, 'src', 'app.txt'), 'utf8'), 'one\nMAIN\nthree\n');
    // same with --squash (no MERGE_HEAD is written there)
    const sq = await ws(['merge', 'c', '--squash'], dir);
    assert.equal(sq.code, 1);
    assert.match(sq.stderr, /conflicts in src\/app\.txt/);
    assert.equal(git(dir, 'status', '--porcelain'), '');
    assert.ok(!existsSync(join(dir, '.git', 'SQUASH_MSG')));
    // and into a branch checked out nowhere (git merge-tree): nothing changes either
    git(dir, 'branch', 'side');
    const side = git(dir, 'rev-parse', 'side');
    const mt = await ws(['merge', 'c', '--into', 'side'], dir);
    assert.equal(mt.code, 1);
    assert.match(mt.stderr, /conflicts in src\/app\.txt/);
    assert.equal(git(dir, 'rev-parse', 'side'), side);
  });

  test('merge refuses uncommitted changes in the workspace or in the main checkout', async () => {
    const dir = repo();
    assert.equal((await ws(['create', 'u'], dir)).code, 0);
    const path = join(dir, '.amux', 'workspaces', 'u');
    commitIn(path, 'done.txt', 'done\n', 'done');
    writeFileSync(join(path, 'wip.txt'), 'wip\n');
    const head = git(dir, 'rev-parse', 'HEAD');
    const r = await ws(['merge', 'u'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /workspace u has uncommitted changes \(wip\.txt\): commit them/);
    rmSync(join(path, 'wip.txt'));
    writeFileSync(join(dir, 'README.md'), 'dirty main\n');
    const r2 = await ws(['merge', 'u'], dir);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /has uncommitted changes \(README\.md\): commit or stash them first/);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head);
    assert.equal(git(dir, 'status', '--porcelain'), 'M README.md');
  });

  test('rm refuses uncommitted changes and unmerged commits; --force removes worktree and branch', async () => {
    const dir = repo();
    for (const name of ['dirty', 'ahead', 'clean']) assert.equal((await ws(['create', name], dir)).code, 0);
    const root = join(dir, '.amux', 'workspaces');
    writeFileSync(join(root, 'dirty', 'untracked.txt'), 'u\n');
    commitIn(join(root, 'ahead'), 'work.txt', 'w\n', 'unmerged work');

    const r1 = await ws(['rm', 'dirty'], dir);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /refusing to remove workspace dirty: it has uncommitted changes in 1 file \(untracked\.txt\)/);
    assert.match(r1.stderr, /--force/);
    assert.ok(existsSync(join(root, 'dirty')));

    const r2 = await ws(['rm', 'ahead'], dir);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /1 commit on amux\/ahead not merged into any other branch/);
    assert.match(r2.stderr, /--force/);
    assert.ok(existsSync(join(root, 'ahead')));
    assert.ok(branches(dir).includes('amux/ahead'));

    const r3 = await ws(['rm', 'clean'], dir);
    assert.equal(r3.code, 0, r3.stderr);
    assert.match(r3.stdout, /removed workspace clean; deleted branch amux\/clean/);

    for (const name of ['dirty', 'ahead']) {
      const f = await ws(['rm', name, '--force'], dir);
      assert.equal(f.code, 0, f.stderr);
      assert.ok(!existsSync(join(root, name)), `${name} worktree removed`);
      assert.ok(!branches(dir).includes(`amux/${name}`), `${name} branch deleted`);
    }
    assert.deepEqual(branches(dir), ['main']);
    assert.deepEqual(await list(dir), []);
    assert.equal(git(dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
    assert.equal((await ws(['rm', 'clean'], dir)).code, 1, 'removing an unknown workspace fails');
  });

  test('rm refuses while a live amux session runs in the workspace', async () => {
    const dir = repo();
    assert.equal((await ws(['create', 'live'], dir)).code, 0);
    const path = join(dir, '.amux', 'workspaces', 'live');
    const pane = env.tmux(['new-session', '-d', '-s', 'wslive', '-P', '-F', '#{pane_id}', 'sleep 600']).trim();
    const id = randomUUID();
    const sessions = join(env.home, 'sessions');
    mkdirSync(sessions, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(sessions, `${id}.json`),
      JSON.stringify({
        schema: 1,
        id,
        name: 'agent-live',
        agent: 'shell',
        detector: 'generic',
        argv: ['sleep', '600'],
        project: dir,
        workspace: 'live',
        cwd: path,
        createdAt: new Date().toISOString(),
        tmux: { socket: env.socket, session: 'wslive', sessionId: '$0', window: '@0', pane },
        logFile: join(env.dir, 'none.log'),
        tags: [],
      }),
      { mode: 0o600 },
    );
    const s = await show('live', dir);
    assert.equal(s.sessions, 1);
    assert.equal(s.liveSessions[0]!.name, 'agent-live');
    const r = await ws(['rm', 'live'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /1 live session \(agent-live\)/);
    assert.match(r.stderr, /--force/);
    assert.ok(existsSync(path));
    // once the pane is dead the session no longer holds the workspace
    env.tmux(['kill-session', '-t', '=wslive']);
    assert.equal((await show('live', dir)).sessions, 0);
    const ok = await ws(['rm', 'live'], dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(!existsSync(path));
  });

  test('a worktree deleted by hand is reported missing; prune and rm clean it up', async () => {
    const dir = repo();
    for (const name of ['gone', 'gone2', 'kept']) assert.equal((await ws(['create', name], dir)).code, 0);
    const root = join(dir, '.amux', 'workspaces');
    commitIn(join(root, 'kept'), 'precious.txt', 'p\n', 'precious work');
    for (const name of ['gone', 'gone2', 'kept']) rmSync(join(root, name), { recursive: true, force: true });

    const rows = await list(dir);
    assert.deepEqual(rows.map((w) => [w.name, w.state]), [['gone', 'missing'], ['gone2', 'missing'], ['kept', 'missing']]);
    assert.equal(rows[0]!.dirty, null);
    const table = await ws(['list'], dir);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^gone\s.*\smissing\s/m);
    const s = await ws(['show', 'gone'], dir);
    assert.equal(s.code, 0);
    assert.match(s.stdout, /state:\s+missing/);
    const d = await ws(['diff', 'kept'], dir);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /\+p/);

    const rm = await ws(['rm', 'gone2'], dir);
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(rm.stdout, /already gone/);

    // A worktree of the user's own (not amux's), deleted by hand too (`ws rm` above ran git's prune itself).
    git(dir, 'worktree', 'add', '-q', '-b', 'mine', join(dir, '..', 'mine-wt'));
    rmSync(join(dir, '..', 'mine-wt'), { recursive: true, force: true });
    const p = await ws(['prune'], dir);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /pruned workspace gone \(directory .* was gone\); deleted branch amux\/gone/);
    assert.match(p.stdout, /pruned workspace kept .*kept branch amux\/kept: 1 commit not merged anywhere/);
    // git's own report becomes a sentence about the user's worktree only; amux's are said once.
    assert.match(p.stdout, /^forgot git worktree mine-wt \(not an amux workspace\): gitdir file points to non-existent location$/m);
    assert.doesNotMatch(p.stdout, /Removing|git:|worktree gone/);
    assert.deepEqual(await list(dir), []);
    assert.deepEqual(branches(dir), ['amux/kept', 'main', 'mine'], "the user's own branch is never touched");
    assert.ok(!git(dir, 'worktree', 'list', '--porcelain').includes('prunable'));
    const again = await ws(['prune'], dir);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing to prune/);
    // the kept branch comes back with its commit when the workspace is created again
    const back = await ws(['create', 'kept'], dir);
    assert.equal(back.code, 0, back.stderr);
    assert.ok(existsSync(join(root, 'kept', 'precious.txt')));
  });

  test('outside a git repository: one clear line, exit 1', async () => {
    const plain = join(env.dir, 'not-a-repo');
    mkdirSync(plain, { recursive: true });
    for (const args of [['list'], ['create', 'x'], ['prune']]) {
      const r = await ws(args, plain);
      assert.equal(r.code, 1, `ws ${args.join(' ')}`);
      assert.equal(r.stderr, `amux: not a git repository: ${plain}\n`);
    }
    assert.deepEqual(readdirSync(plain), []);
  });

  test('bad names are refused with exit 2 and nothing is created', async () => {
    const dir = repo();
    const bad = ['a:b', 'a b', 'x'.repeat(300), 'héllo', '日本', 'a.b', '$x', "a'b", 'a"b', 'a;b', 'a/b', '..', '.'];
    for (const name of bad) {
      const r = await ws(['create', name], dir);
      assert.equal(r.code, 2, `${JSON.stringify(name)}: ${r.stderr}`);
      assert.match(r.stderr, /invalid workspace name/);
    }
    for (const args of [['create', '-x'], ['create', '--', '-x'], ['rm', '--', '-x'], ['show', 'a:b']]) {
      const r = await ws(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.ok(!existsSync(join(dir, '.amux', 'workspaces')));
    assert.deepEqual(branches(dir), ['main']);
    assert.equal(git(dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
  });

  test('ensureWorkspace creates once, even when called concurrently, then returns the existing one', async () => {
    const dir = repo('workspaces:\n  setup:\n    - echo x >> setup-count.marker\n');
    const { loadConfig } = await import('../src/config/load.ts');
    const { ensureWorkspace, getWorkspace } = await import('../src/workspace/worktrees.ts');
    const config = loadConfig({ cwd: dir, env: env.env });
    const lines: string[] = [];
    const output: string[] = [];
    const opts = { log: (l: string) => lines.push(l), output: { write: (b: Buffer | string) => output.push(String(b)) } };
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => ensureWorkspace(config, 'par', opts)));
    assert.equal(results.filter((r) => r.created).length, 1);
    for (const r of results) {
      assert.equal(r.path, join(dir, '.amux', 'workspaces', 'par'));
      assert.equal(r.branch, 'amux/par');
    }
    assert.equal(readFileSync(join(dir, '.amux', 'workspaces', 'par', 'setup-count.marker'), 'utf8'), 'x\n', 'setup ran once');
    const again = await ensureWorkspace(config, 'par', opts);
    assert.equal(again.created, false);
    assert.equal((await getWorkspace(config, 'par'))?.state, 'ok');
    assert.equal(await getWorkspace(config, 'nope'), null);
    // deleted by hand: ensure restores it from its branch
    rmSync(again.path, { recursive: true, force: true });
    const restored = await ensureWorkspace(config, 'par', opts);
    assert.equal(restored.created, true);
    assert.ok(existsSync(join(restored.path, 'README.md')));
  });

  test('--help has examples', async () => {
    for (const verb of ['create', 'list', 'show', 'rm', 'prune', 'diff', 'merge']) {
      const r = await env.amux(['ws', verb, '--help']);
      assert.equal(r.code, 0, `${verb}: ${r.stderr}`);
      assert.match(r.stdout, /^Examples$/m, verb);
      assert.match(r.stdout, new RegExp(`amux ws ${verb}`), verb);
    }
  });
});
