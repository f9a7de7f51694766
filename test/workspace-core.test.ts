/**
 * The workspace use cases called directly, as the TUI and the future servers call them: progress
 * arrives through the observer (never on stderr), and every refusal is an AmuxError with its code.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestEnv } from './helpers.ts';

describe('workspaces through the core', () => {
  const env = new TestEnv('wscore');
  // The registry and the live-session check read this process's environment.
  process.env.AMUX_HOME = env.home;
  process.env.AMUX_TMUX_SOCKET = env.socket;
  after(() => env.cleanup());

  const git = (cwd: string, ...args: string[]) => env.git(cwd, ...args).trim();
  const commitIn = (cwd: string, file: string, text: string) => {
    writeFileSync(join(cwd, file), text);
    git(cwd, 'add', '--', file);
    git(cwd, 'commit', '-q', '-m', `edit ${file}`);
  };
  test('create reports progress to the observer; conflicts, dirty and live workspaces are refused with codes', async () => {
    const core = await import('../src/core/index.ts');
    /** Rejects with an AmuxError of this code whose message matches. */
    const refused = (p: Promise<unknown>, code: string, message: RegExp) =>
      assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof core.AmuxError, `an AmuxError, not ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        return true;
      });
    const dir = env.gitRepo('repo', {
      'README.md': '# test\n',
      'app.txt': 'one\n',
      '.gitignore': '.env\n',
      '.amux/config.yaml': "workspaces:\n  copy: ['.env']\n  setup:\n    - echo SETUP-LINE for $AMUX_WORKSPACE\n",
    });
    writeFileSync(join(dir, '.env'), 'X=1\n');
    const progress: string[] = [];
    const ctx = await core.openContext({ cwd: dir, env: env.env, observer: { progress: (m) => progress.push(m) } });

    const made = await core.createWorkspace(ctx, { name: 'feat' });
    assert.equal(made.created, true);
    assert.equal(made.workspace.path, join(dir, '.amux', 'workspaces', 'feat'));
    assert.equal(made.workspace.dirty, false);
    assert.ok(progress.includes('copied .env'), progress.join('\n'));
    assert.ok(progress.includes('SETUP-LINE for feat'), 'setup output arrives line by line through the observer');
    await refused(core.createWorkspace(ctx, { name: 'feat' }), 'conflict', /already exists/);
    assert.equal((await core.createWorkspace(ctx, { name: 'feat', reuse: true })).created, false);
    await refused(core.showWorkspace(ctx, { name: 'nothere' }), 'not_found', /no workspace "nothere"/);
    await refused(core.workspacePath(ctx, { name: 'nothere' }), 'not_found', /no workspace "nothere"/);
    await refused(core.createWorkspace(ctx, { name: 'a b' }), 'usage', /invalid workspace name/);
    await refused(core.mergeWorkspace(ctx, { name: 'feat', squash: true, noFf: true }), 'usage', /do not go together/);

    // A merge conflict: aborted, nothing changed, code conflict.
    const path = made.workspace.path;
    commitIn(path, 'app.txt', 'workspace\n');
    commitIn(dir, 'app.txt', 'main\n');
    const head = git(dir, 'rev-parse', 'HEAD');
    await refused(core.mergeWorkspace(ctx, { name: 'feat' }), 'conflict', /conflicts in app\.txt/);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head);
    assert.equal(git(dir, 'status', '--porcelain'), '');

    // Uncommitted work: neither merged nor removed without force.
    writeFileSync(join(path, 'wip.txt'), 'wip\n');
    await refused(core.mergeWorkspace(ctx, { name: 'feat' }), 'conflict', /uncommitted changes \(wip\.txt\)/);
    await refused(core.removeWorkspace(ctx, { name: 'feat' }), 'conflict', /uncommitted changes in 1 file \(wip\.txt\)/);

    // A live session in the workspace holds it.
    const live = await core.createWorkspace(ctx, { name: 'live' });
    const pane = env.tmux(['new-session', '-d', '-s', 'wscorelive', '-P', '-F', '#{pane_id}', 'sleep 600']).trim();
    const id = randomUUID();
    mkdirSync(join(env.home, 'sessions'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(env.home, 'sessions', `${id}.json`),
      JSON.stringify({
        schema: 1, id, name: 'agent-live', agent: 'shell', detector: 'generic', argv: ['sleep', '600'], project: dir, workspace: 'live',
        cwd: live.workspace.path, createdAt: new Date().toISOString(), logFile: join(env.dir, 'none.log'), tags: [],
        tmux: { socket: env.socket, session: 'wscorelive', sessionId: '$0', window: '@0', pane },
      }),
      { mode: 0o600 },
    );
    const listed = (await core.listWorkspaces(ctx)).workspaces;
    assert.deepEqual(listed.map((w) => [w.name, w.sessions]), [['feat', 0], ['live', 1]]);
    const { removalBlockers } = await import('../src/core/workspaces.ts');
    assert.deepEqual(await removalBlockers(listed[1]!), ['1 live session (agent-live)']);
    await refused(core.removeWorkspace(ctx, { name: 'live' }), 'conflict', /1 live session \(agent-live\)/);
    const forced = await core.removeWorkspace(ctx, { name: 'live', force: true });
    assert.equal(forced.removedDir, true);
    assert.match(forced.warnings.join('\n'), /agent-live/);
  });
});
