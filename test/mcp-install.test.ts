/**
 * `amux mcp install`: registers the server where Claude Code and Codex look for it, on a temp
 * HOME and CODEX_HOME; keeps the user's other content; twice is once; `--print` writes nothing.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnv } from './helpers.ts';
import { withCodexTable, codexTable } from '../src/mcp/install.ts';

const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, any>;

describe('amux mcp install', () => {
  const env = new TestEnv('mcpinst');
  const home = env.env.HOME!;
  const codexHome = join(env.dir, 'codex-home');
  const run = (args: string[], cwd: string) => env.amux(['mcp', 'install', ...args], { cwd, env: { CODEX_HOME: codexHome } });
  after(() => env.cleanup());

  test('Claude Code, project scope: .mcp.json and the permission rule, the rest kept, twice is once', async () => {
    const repo = env.gitRepo('proj');
    mkdirSync(join(repo, '.claude'));
    writeFileSync(join(repo, '.mcp.json'), JSON.stringify({ mcpServers: { other: { command: 'other-server', args: [] } } }));
    writeFileSync(join(repo, '.claude', 'settings.local.json'), JSON.stringify({ permissions: { allow: ['Bash(npm test)'], deny: ['Read(.env)'] }, model: 'opus' }));

    const printed = await run(['--claude', '--print'], join(repo));
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /\.mcp\.json: would add/);
    assert.match(printed.stdout, /mcp__amux__\*/);
    assert.match(printed.stdout, /nothing written/);
    assert.deepEqual(Object.keys(readJson(join(repo, '.mcp.json')).mcpServers), ['other'], '--print writes nothing');

    const r = await run(['--claude'], repo);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${join(repo, '.mcp.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: added`));
    const servers = readJson(join(repo, '.mcp.json')).mcpServers;
    assert.deepEqual(servers.other, { command: 'other-server', args: [] }, "the user's server stays");
    assert.equal(servers.amux.type, 'stdio');
    assert.deepEqual(servers.amux.args.slice(-1), ['mcp']);
    const settings = readJson(join(repo, '.claude', 'settings.local.json'));
    assert.deepEqual(settings.permissions.allow, ['Bash(npm test)', 'mcp__amux__*']);
    assert.deepEqual(settings.permissions.deny, ['Read(.env)']);
    assert.equal(settings.model, 'opus');
    assert.deepEqual(settings.enabledMcpjsonServers, ['amux']);

    const before = [readFileSync(join(repo, '.mcp.json'), 'utf8'), readFileSync(join(repo, '.claude', 'settings.local.json'), 'utf8')];
    const again = await run(['--claude'], join(repo));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already has/);
    assert.match(again.stdout, /nothing to change/);
    assert.deepEqual([readFileSync(join(repo, '.mcp.json'), 'utf8'), readFileSync(join(repo, '.claude', 'settings.local.json'), 'utf8')], before);
  });

  test('Claude Code, user scope: ~/.claude.json and ~/.claude/settings.json', async () => {
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ numStartups: 7, projects: { '/x': { allowedTools: [] } } }));
    const r = await run(['--claude', '--scope', 'user', '--json'], env.dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; written: boolean; created: boolean }[];
    assert.deepEqual(out.map((c) => [c.file, c.written, c.created]), [
      [join(home, '.claude.json'), true, false],
      [join(home, '.claude', 'settings.json'), true, true],
    ]);
    const doc = readJson(join(home, '.claude.json'));
    assert.equal(doc.numStartups, 7);
    assert.deepEqual(doc.projects, { '/x': { allowedTools: [] } });
    assert.ok(doc.mcpServers.amux);
    assert.deepEqual(readJson(join(home, '.claude', 'settings.json')).permissions.allow, ['mcp__amux__*']);
    assert.equal(statSync(join(home, '.claude', 'settings.json')).mode & 0o777, 0o600, 'a file amux creates is private');
  });

  test("Codex: only its own table in config.toml changes; the user's lines stay byte for byte", async () => {
    const file = join(codexHome, 'config.toml');
    const printed = await run(['--codex', '--print'], env.dir);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /\[mcp_servers\.amux\]/);
    assert.ok(!existsSync(file), '--print writes nothing');

    mkdirSync(codexHome, { recursive: true });
    const user = '# my codex\nmodel = "o3"\n\n[mcp_servers.amux]\ncommand = "old-amux"\n\n[mcp_servers.amux.env]\nX = "1"\n\n[mcp_servers.other]\ncommand = "other" # keep\nargs = ["a", "b"]\n';
    writeFileSync(file, user);
    const r = await run(['--codex'], env.dir);
    assert.equal(r.code, 0, r.stderr);
    const after1 = readFileSync(file, 'utf8');
    assert.match(after1, /^# my codex\nmodel = "o3"\n\n\[mcp_servers\.amux\]\ncommand = "/);
    assert.doesNotMatch(after1, /old-amux|\[mcp_servers\.amux\.env\]/, 'the old amux table is replaced whole');
    assert.ok(after1.endsWith('[mcp_servers.other]\ncommand = "other" # keep\nargs = ["a", "b"]\n'), after1);
    assert.match(after1, /args = \[.*"mcp"\]/);
    const again = await run(['--codex'], env.dir);
    assert.match(again.stdout, /already has/);
    assert.equal(readFileSync(file, 'utf8'), after1, 'twice is once');
  });

  test('the TOML edit: appended to a file without it, quoted in TOML syntax', () => {
    const t = codexTable({ command: '/opt/node "x"/bin/node', args: ['/a b/cli.js', 'mcp'] });
    assert.equal(t, '[mcp_servers.amux]\ncommand = "/opt/node \\"x\\"/bin/node"\nargs = ["/a b/cli.js", "mcp"]\n');
    assert.equal(withCodexTable('', t), t);
    assert.equal(withCodexTable('model = "o3"\n', t), `model = "o3"\n\n${t}`);
    assert.equal(withCodexTable(withCodexTable('model = "o3"\n', t), t), `model = "o3"\n\n${t}`);
  });

  test('usage errors', async () => {
    assert.equal((await run([], env.dir)).code, 2);
    assert.equal((await run(['--claude', '--scope', 'global'], env.dir)).code, 2);
  });
});
