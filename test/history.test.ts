/**
 * Issue 11, second half: transcripts through a terminal emulator, log rotation with `logs:
 * {maxBytes, keep}`, organising (tags, retag, archive, info, find, ps --columns, tombstones),
 * save/restore, backup/restore-backup, and gc with `ttl:`. Real tmux, the compiled CLI.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv, waitFor } from './helpers.ts';
import { parseConfigText, validateConfigText } from '../src/config/validate.ts';
import { mergeLayers } from '../src/config/load.ts';
import { logParts, rotationSteps } from '../src/session/rotation.ts';

interface Row {
  id: string;
  name: string;
  state: string;
  tags: string[];
  archived: boolean;
  logFile: string;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

async function exited(env: TestEnv, name: string, cwd?: string): Promise<Row> {
  return waitFor<Row | null>(async () => {
    const rows = await env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd });
    const r = rows.find((x) => x.name === name);
    return r && r.state === 'exited' ? r : null;
  }, 30_000) as Promise<Row>;
}

describe('transcript', () => {
  const env = new TestEnv('transcript');
  after(() => env.cleanup());

  test("a full-screen agent's redraws become clean lines, once each, after it ended", async () => {
    const r = await env.amux(['run', '-c', 'fake-fullscreen', '--name', 'fs']);
    assert.equal(r.code, 0, r.stderr);
    await exited(env, 'fs');
    // The raw log holds the frame every time it was drawn: this is what transcript cleans up.
    const logs = (await env.amux(['logs', 'fs'])).stdout;
    assert.ok(count(logs, '? for shortcuts') >= 100, 'the fixture redraws its frame many times');
    const t = await env.amux(['transcript', 'fs']);
    assert.equal(t.code, 0, t.stderr);
    const text = t.stdout;
    assert.equal(count(text, '? for shortcuts amux demo agent · builder'), 1, text);
    assert.equal(count(text, 'header: fake fullscreen agent v1'), 1, text);
    assert.equal(count(text, 'assistant: the answer to turn one is 42'), 1, text);
    assert.equal(count(text, 'status: frame'), 1, text);
    assert.match(text, /status: frame 120 of 120/);
    assert.equal(count(text, 'fullscreen done'), 1);
    // In the order they were on screen: header, the message, the last frame, the end.
    const order = ['header:', 'assistant:', 'frame 120', '? for shortcuts', 'fullscreen done'].map((s) => text.indexOf(s));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
    assert.doesNotMatch(text, /\x1b/, 'plain text has no escapes');
    const html = await env.amux(['transcript', 'fs', '--html']);
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /<html>/);
    assert.equal(count(html.stdout, 'for shortcuts'), 1);
    const both = await env.amux(['transcript', 'fs', '--html', '--raw']);
    assert.equal(both.code, 2);
  });

  test('--since keeps what was drawn after that time only', async () => {
    const go = join(env.dir, 'go');
    // The late line comes only once the test says so (after it took the time to cut at).
    const r = await env.amux(['run', '-c', `echo early-line; while [ ! -e ${go} ]; do sleep 0.1; done; echo late-line; sleep 100`, '--name', 'since']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(async () => (await env.amux(['logs', 'since'])).stdout.includes('early-line'));
    // The monitor marks when this session's log moved (`TIME_MS OFFSET SIZE` lines); the cut comes
    // after a mark that covers the whole early line.
    const logFile = (await env.amuxJson<{ name: string; logFile: string }[]>(['ps', '--json'])).find((x) => x.name === 'since')!.logFile;
    const early = readFileSync(logFile).length;
    assert.ok(
      await waitFor(() => {
        const marks = existsSync(`${logFile}.idx`) ? readFileSync(`${logFile}.idx`, 'utf8').trim().split('\n') : [];
        return marks.some((m) => Number(m.split(' ')[1]) >= early);
      }, 20_000),
      'the monitor marked the early line',
    );
    // A time strictly after that mark (marks are milliseconds).
    await new Promise((res) => setTimeout(res, 5));
    const cut = new Date().toISOString();
    writeFileSync(go, '');
    await waitFor(async () => (await env.amux(['logs', 'since'])).stdout.includes('late-line'), 20_000);
    const t = await env.amux(['transcript', 'since', '--since', cut]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /late-line/);
    assert.doesNotMatch(t.stdout, /early-line/);
    const all = await env.amux(['transcript', 'since', '--since', '1h']);
    assert.match(all.stdout, /early-line[\s\S]*late-line/);
    const bad = await env.amux(['transcript', 'since', '--since', 'yesterday-ish']);
    assert.equal(bad.code, 2);
    await env.amux(['rm', '--force', 'since']);
  });
});

describe('log rotation', () => {
  const env = new TestEnv('rotation');
  after(() => env.cleanup());

  test('logs: {maxBytes, keep} caps the disk; logs and transcript read across the rotations', async () => {
    const repo = env.gitRepo('rot');
    mkdirSync(join(repo, '.amux'), { recursive: true });
    // At least the writer's read size (64 KB), so one read never passes the cap on its own.
    const MAX = 65536;
    writeFileSync(join(repo, '.amux', 'config.yaml'), `logs:\n  maxBytes: ${MAX}\n  keep: 3\n`);
    // ~600 KB in numbered lines: the writer rotates about 9 times, the oldest parts are dropped.
    const script = 'i=0; while [ $i -lt 16000 ]; do echo "line-$i-padding-padding-padding-pad"; i=$((i+1)); done; echo rotation-done';
    const r = await env.amux(['run', '-c', script, '--name', 'rot', '--json'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const row = await exited(env, 'rot', repo);
    await waitFor(async () => (await env.amux(['logs', 'rot', '-n', '1'], { cwd: repo })).stdout.includes('rotation-done'));
    const parts = logParts(row.logFile);
    assert.deepEqual(parts, [row.logFile + '.3', row.logFile + '.2', row.logFile + '.1', row.logFile], 'three rotated files and the current one');
    assert.equal(existsSync(row.logFile + '.4'), false, 'no more than keep rotated files');
    for (const p of parts) assert.ok(statSync(p).size <= MAX, `${p} is under the cap`);
    assert.ok(parts.reduce((n, p) => n + statSync(p).size, 0) <= 4 * MAX, 'the disk use stays under (keep + 1) × maxBytes');
    // What is left is the newest part of the output, contiguous across the files.
    const logs = (await env.amux(['logs', 'rot'], { cwd: repo })).stdout.trim().split('\n');
    assert.equal(logs[logs.length - 1], 'rotation-done');
    const nums = logs.map((l) => /^line-(\d+)-/.exec(l)?.[1]).filter((n): n is string => n !== undefined).map(Number);
    const inCurrent = readFileSync(row.logFile, 'utf8').split('\n').length;
    assert.ok(nums.length > inCurrent + 100, `lines from the rotated files are read (${nums.length} lines, ${inCurrent} in the current file)`);
    assert.ok(nums[0]! > 0, 'the oldest output went with the oldest rotation');
    for (let i = 1; i < nums.length; i++) assert.equal(nums[i], nums[i - 1]! + 1, 'no line lost or repeated at a rotation');
    // -n reaches into older rotations when the current file holds fewer lines.
    const tail = (await env.amux(['logs', 'rot', '-n', '300'], { cwd: repo })).stdout.trim().split('\n');
    assert.equal(tail.length, 300);
    assert.deepEqual(tail, logs.slice(-300));
    const t = (await env.amux(['transcript', 'rot'], { cwd: repo })).stdout;
    assert.ok(t.includes(`line-${nums[0]}-`) && t.includes('line-15999-') && t.includes('rotation-done'));
    // rm removes every part.
    const rm = await env.amux(['rm', 'rot'], { cwd: repo });
    assert.equal(rm.code, 0, rm.stderr);
    for (const p of parts) assert.equal(existsSync(p), false);
  });

  test('rotation steps and config validation', () => {
    assert.deepEqual(rotationSteps('/l/f.log', 3), [
      ['/l/f.log.2', '/l/f.log.3'],
      ['/l/f.log.1', '/l/f.log.2'],
      ['/l/f.log', '/l/f.log.1'],
    ]);
    const ok = parseConfigText('logs:\n  maxBytes: 65536\n  keep: 4\nttl: 2d\n', 'c.yaml');
    assert.deepEqual(ok.issues, []);
    const merged = mergeLayers([{ layer: ok.layer, source: 'project' }]);
    assert.deepEqual(merged.logs, { maxBytes: 65536, keep: 4 });
    assert.equal(merged.ttl, 2 * 86_400_000);
    assert.equal(mergeLayers([]).ttl, 7 * 86_400_000, 'ttl defaults to 7 days');
    const issues = validateConfigText('logs:\n  maxBytes: 10\n  keep: 0\n  size: 3\nttl: soon\n', 'c.yaml');
    const at = (line: number, re: RegExp) => assert.ok(issues.some((i) => i.line === line && re.test(i.message)), `line ${line}: ${JSON.stringify(issues)}`);
    at(2, /logs\.maxBytes: at least 4096/);
    at(3, /logs\.keep: from 1/);
    at(4, /size/);
    at(5, /ttl: invalid duration/);
  });
});

describe('organise and find', () => {
  const env = new TestEnv('organise');
  after(() => env.cleanup());

  test('tag, untag, retag, tags; empty tags refused', async () => {
    assert.equal((await env.amux(['run', '-c', 'sleep 100', '--name', 'one', '--tag', 'wip', '--tag', 'api'])).code, 0);
    assert.equal((await env.amux(['run', '-c', 'sleep 100', '--name', 'two', '--tag', 'wip'])).code, 0);
    assert.equal((await env.amux(['tag', 'one', ''])).code, 2);
    assert.equal((await env.amux(['retag', 'wip='])).code, 2);
    assert.equal((await env.amux(['retag', '=x'])).code, 2);
    assert.equal((await env.amux(['retag', 'wip'])).code, 2);
    const rt = await env.amuxJson<{ sessions: string[] }>(['retag', 'wip=review', '--json']);
    assert.deepEqual(rt.sessions.sort(), ['one', 'two']);
    const tags = await env.amuxJson<{ tag: string; count: number }[]>(['tags', '--json']);
    assert.deepEqual(tags.map((t) => [t.tag, t.count]), [['api', 1], ['review', 2]]);
    // retag onto a tag the session has already: no duplicate.
    await env.amuxJson(['retag', 'api=review', '--json']);
    const one = await env.amuxJson<Row>(['info', 'one', '--json']);
    assert.deepEqual(one.tags, ['review']);
    const un = await env.amuxJson<Row>(['untag', 'two', 'review', '--json']);
    assert.deepEqual(un.tags, []);
  });

  test('archive hides from ps unless --archived; unarchive; find includes archived', async () => {
    assert.equal((await env.amux(['archive', 'two'])).code, 0);
    const names = async (args: string[]) => (await env.amuxJson<Row[]>(['ps', '--json', ...args])).map((r) => r.name).sort();
    assert.deepEqual(await names([]), ['one']);
    assert.deepEqual(await names(['--archived']), ['one', 'two']);
    assert.deepEqual(await names(['--all']), ['one', 'two']);
    const found = await env.amuxJson<Row[]>(['find', 't', '--json']);
    assert.deepEqual(found.map((r) => [r.name, r.archived]), [['two', true]]);
    assert.equal((await env.amux(['find', 'nothing-here'])).code, 1);
    assert.equal((await env.amux(['unarchive', 'two'])).code, 0);
    assert.deepEqual(await names([]), ['one', 'two']);
  });

  test('ps --columns prints TSV; an unknown column is an error', async () => {
    const out = await env.amux(['ps', '--columns', 'name,agent,state,tags,archived']);
    assert.equal(out.code, 0, out.stderr);
    const rows = out.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(rows.map((r) => r.length), [5, 5]);
    assert.deepEqual(rows.map((r) => r[0]).sort(), ['one', 'two']);
    const one = rows.find((r) => r[0] === 'one')!;
    assert.equal(one[1], 'command');
    assert.equal(one[3], 'review');
    assert.equal(one[4], 'no');
    const bad = await env.amux(['ps', '--columns', 'name,colour']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown column "colour"/);
  });

  test('info shows the full record, env names without values', async () => {
    const repo = env.gitRepo('inf');
    const r = await env.amux(['run', '-c', 'sleep 100', '--name', 'inf', '-e', 'SECRET_TOKEN=hunter2', '--json'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const i = await env.amuxJson<Row & { agent: string; command: string[]; cwd: string; branch: string; envNames: string[]; logFiles: string[]; conversationId: null; tmux: { pane: string } }>(['info', 'inf', '--json'], { cwd: repo });
    assert.equal(i.cwd, repo);
    assert.equal(i.branch, env.git(repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim());
    assert.ok(i.envNames.includes('SECRET_TOKEN'));
    assert.equal(i.conversationId, null);
    assert.deepEqual(i.logFiles, [i.logFile]);
    assert.match(i.tmux.pane, /^%\d+$/);
    const text = await env.amux(['info', 'inf'], { cwd: repo });
    assert.match(text.stdout, /env\s+.*SECRET_TOKEN/);
    assert.doesNotMatch(text.stdout + JSON.stringify(i), /hunter2/, 'values are never shown');
  });

  test('rm leaves a tombstone: a reused name never meets the old session', async () => {
    const a = await env.amuxJson<Row>(['run', '-c', 'echo old-session-output; sleep 100', '--name', 'reuse', '--json']);
    await waitFor(async () => (await env.amux(['logs', 'reuse'])).stdout.includes('old-session-output'));
    assert.equal((await env.amux(['rm', '--force', '--keep-logs', 'reuse'])).code, 0);
    const gone = await env.amux(['info', 'reuse']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /was removed at/);
    const tomb = JSON.parse(readFileSync(join(env.home, 'tombstones', `${a.id}.json`), 'utf8')) as { name: string; logFile: string };
    assert.equal(tomb.name, 'reuse');
    assert.equal(tomb.logFile, a.logFile, 'the kept log is named in the tombstone');
    const b = await env.amuxJson<Row>(['run', '-c', 'echo new-session-output; sleep 100', '--name', 'reuse', '--json']);
    assert.notEqual(b.id, a.id);
    assert.notEqual(b.logFile, a.logFile);
    await waitFor(async () => (await env.amux(['logs', 'reuse'])).stdout.includes('new-session-output'));
    for (const verb of ['logs', 'transcript']) {
      const out = (await env.amux([verb, 'reuse'])).stdout;
      assert.doesNotMatch(out, /old-session-output/, `${verb} shows only the new session`);
    }
    assert.equal((await env.amuxJson<Row>(['info', 'reuse', '--json'])).id, b.id);
  });
});

describe('save, restore, backup', () => {
  const env = new TestEnv('save');
  after(() => env.cleanup());

  test('save and restore round-trip a session; restore --relaunch starts it again', async () => {
    const a = await env.amuxJson<Row>(['run', '-c', 'echo saved-line-1; echo saved-line-2', '--name', 'keepme', '--tag', 'proj', '--json']);
    await exited(env, 'keepme');
    const file = join(env.dir, 'keepme.json');
    const s = await env.amux(['save', 'keepme', '--to', file]);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { record: Row; lines: string[]; conversationId: null };
    assert.equal(doc.record.id, a.id);
    assert.ok(doc.lines.includes('saved-line-2'));
    assert.equal((await env.amux(['rm', 'keepme'])).code, 0);
    const r = await env.amuxJson<{ restored: boolean; session: string }>(['restore', '--from', file, '--json']);
    assert.deepEqual([r.restored, r.session], [true, 'keepme']);
    const again = await env.amuxJson<{ restored: boolean }>(['restore', '--from', file, '--json']);
    assert.equal(again.restored, false, 'restoring twice changes nothing');
    const info = await env.amuxJson<Row>(['info', 'keepme', '--json']);
    assert.equal(info.id, a.id);
    assert.deepEqual(info.tags, ['proj']);
    assert.match((await env.amux(['transcript', 'keepme'])).stdout, /saved-line-1\nsaved-line-2/);
    assert.match((await env.amux(['logs', 'keepme'])).stdout, /saved-line-2/);
    // Relaunched: the same command, tags, in a new session (the name is held by the restored record).
    assert.equal((await env.amux(['rm', 'keepme'])).code, 0);
    const rl = await env.amuxJson<{ relaunched: Row }>(['restore', '--from', file, '--relaunch', '--json']);
    assert.equal(rl.relaunched.name, 'keepme');
    assert.deepEqual(rl.relaunched.tags, ['proj']);
    assert.notEqual(rl.relaunched.id, a.id);
    await waitFor(async () => (await env.amux(['logs', 'keepme'])).stdout.includes('saved-line-2'));
  });

  test('backup and restore-backup round-trip the registry and logs, idempotently', async () => {
    const b1 = await env.amuxJson<Row>(['run', '-c', 'echo backup-one-output', '--name', 'bk1', '--tag', 'x', '--json']);
    await exited(env, 'bk1');
    await env.amux(['archive', 'bk1']);
    const file = join(env.dir, 'all.gz');
    const bk = await env.amuxJson<{ sessions: number }>(['backup', '--to', file, '--json']);
    assert.ok(bk.sessions >= 2);
    const before = await env.amuxJson<Row[]>(['ps', '--all', '--json']);
    const same = await env.amuxJson<{ restored: string[]; skipped: string[] }>(['restore-backup', file, '--json']);
    assert.deepEqual(same.restored, [], 'everything is here already');
    assert.equal(same.skipped.length, before.length);
    for (const r of before) await env.amux(['rm', '--force', r.name]);
    assert.deepEqual(await env.amuxJson<Row[]>(['ps', '--all', '--json']), []);
    const back = await env.amuxJson<{ restored: string[] }>(['restore-backup', file, '--json']);
    assert.deepEqual(back.restored.sort(), before.map((r) => r.name).sort());
    const twice = await env.amuxJson<{ restored: string[] }>(['restore-backup', file, '--json']);
    assert.deepEqual(twice.restored, []);
    const after_ = await env.amuxJson<Row[]>(['ps', '--all', '--json']);
    const bk1 = after_.find((r) => r.id === b1.id)!;
    assert.deepEqual([bk1.name, bk1.tags, bk1.archived], ['bk1', ['x'], true]);
    assert.match((await env.amux(['transcript', 'bk1'])).stdout, /backup-one-output/);
  });
});

describe('gc', () => {
  const env = new TestEnv('gc');
  after(() => env.cleanup());

  test('the monitor removes what is past ttl: archived and keep-tagged sessions are spared; removals are logged', async () => {
    const repo = env.gitRepo('gc');
    mkdirSync(join(repo, '.amux'), { recursive: true });
    // No ttl yet: nothing is collected while the sessions are set up.
    writeFileSync(join(repo, '.amux', 'config.yaml'), 'ttl: 0\n');
    const run = async (name: string, cmd: string, ...extra: string[]) => {
      const r = await env.amux(['run', '-c', cmd, '--name', name, ...extra], { cwd: repo });
      assert.equal(r.code, 0, r.stderr);
    };
    await run('done', 'echo finished');
    await run('archived', 'echo finished');
    await run('kept', 'echo finished', '--tag', 'keep');
    await run('quiet', 'echo ready; sleep 300');
    await run('holder', 'echo ready; sleep 300', '--tag', 'keep');
    for (const n of ['done', 'archived', 'kept']) await exited(env, n, repo);
    await env.amux(['archive', 'archived'], { cwd: repo });
    // The idle one is idle.
    await waitFor(async () => (await env.amuxJson<Row[]>(['ps', '--json'], { cwd: repo })).find((r) => r.name === 'quiet')?.state === 'idle', 30_000);
    // Idle for a whole second (it may have turned idle a moment ago).
    const dryRun = async () => (await env.amuxJson<{ removed: { session: string }[] }>(['gc', '--idle', '1s', '--dry-run', '--json'], { cwd: repo })).removed.map((r) => r.session).sort();
    await waitFor(async () => (await dryRun()).length === 2, 10_000);
    assert.deepEqual(await dryRun(), ['done', 'quiet']);
    assert.equal((await env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: repo })).length, 5, 'a dry run removes nothing');
    writeFileSync(join(repo, '.amux', 'config.yaml'), 'ttl: 1s\n');
    const left = await waitFor(async () => {
      const names = (await env.amuxJson<Row[]>(['ps', '--all', '--json'], { cwd: repo })).map((r) => r.name).sort();
      return names.length === 3 ? names : null;
    }, 30_000);
    assert.deepEqual(left, ['archived', 'holder', 'kept']);
    const log = readFileSync(join(env.home, 'gc.log'), 'utf8');
    assert.match(log, /ttl removed done .*exited for/);
    assert.match(log, /ttl removed quiet .*idle for/);
    assert.doesNotMatch(log, /removed (archived|kept|holder)/);
  });

  test('amux gc --idle removes at once, and refuses a bad duration', async () => {
    const r = await env.amux(['run', '-c', 'echo x', '--name', 'old']);
    assert.equal(r.code, 0, r.stderr);
    await exited(env, 'old');
    assert.equal((await env.amux(['gc', '--idle', 'later'])).code, 2);
    const out = await env.amuxJson<{ removed: { session: string }[] }>(['gc', '--idle', '1ms', '--json']);
    assert.ok(out.removed.some((x) => x.session === 'old'));
    assert.equal((await env.amux(['info', 'old'])).code, 1);
  });
});
