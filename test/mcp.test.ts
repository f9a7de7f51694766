/**
 * `amux mcp` end to end: the SDK's own client spawns the compiled CLI over stdio against a
 * private tmux server, and drives a fake Claude Code through the tools.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { TestEnv, CLI } from './helpers.ts';
import { TOOLS } from '../src/mcp/tools.ts';

type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: { type: string; text?: string }[] };

async function connect(env: TestEnv, cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<Client> {
  const client = new Client({ name: 'amux-test', version: '1' });
  const e = Object.fromEntries(Object.entries({ ...env.env, ...extra }).filter((x): x is [string, string] => x[1] !== undefined));
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd, env: e, stderr: 'pipe' }));
  return client;
}

const call = async (c: Client, name: string, args: Record<string, unknown>, opts: { onprogress?: (p: { progress: number; message?: string }) => void } = {}) =>
  (await c.callTool({ name, arguments: args }, undefined, { timeout: 120_000, ...opts })) as Result;
const text = (r: Result) => r.content.map((x) => x.text ?? '').join('\n');

describe('amux mcp', () => {
  const env = new TestEnv('mcp');
  let repo: string;
  let client: Client;
  before(async () => {
    repo = env.gitRepo('proj');
    mkdirSync(join(repo, '.amux'));
    writeFileSync(join(repo, '.amux', 'config.yaml'), 'mcp:\n  maxDepth: 1\n  maxChildren: 1\n');
    // The server runs as if inside a lead Claude Code in tmux.
    client = await connect(env, repo, { CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'cli', ANTHROPIC_BASE_URL: 'http://lead.invalid', TMUX_PANE: '%9' });
  });
  after(async () => {
    await client?.close();
    await env.cleanup();
  });

  test('lists every tool with the schemas of the core', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS.map((t) => t.name).sort());
    for (const t of tools) {
      const mine = TOOLS.find((x) => x.name === t.name)!;
      assert.ok(t.description && t.description.length > 40, t.name);
      assert.deepEqual(Object.keys(t.inputSchema.properties ?? {}).sort(), Object.keys(mine.input.properties as object).sort(), t.name);
      assert.deepEqual([...(t.inputSchema.required ?? [])].sort(), [...(mine.input.required as string[])].sort(), t.name);
      assert.deepEqual(Object.keys(t.outputSchema?.properties ?? {}).sort(), Object.keys(mine.output.properties as object).sort(), t.name);
    }
    const { resources } = await client.listResources();
    assert.ok(resources.some((r) => r.uri === 'amux://sessions'));
  });

  test('runs an agent in a fresh workspace, sends, waits across bounded calls, reads the diff, stops and removes it', async () => {
    const run = await call(client, 'run_agent', { agent: 'claude', newWorkspace: true, name: 'w1', environment: { FAKE_SCRIPT: 'busy:4,done', ANTHROPIC_MODEL: 'own' } });
    assert.equal(run.isError, undefined, text(run));
    const s = run.structuredContent as { id: string; name: string; workspace: string; parent: string | null; cwd: string };
    assert.equal(s.name, 'w1');
    assert.equal(s.parent, null);
    assert.ok(s.workspace);
    // The worker's environment: what it was given, none of the lead's agent variables.
    // Read from the agent process itself (the env file is deleted once the launcher read it).
    const pid = env.tmux(['display-message', '-p', '-t', (run.structuredContent as { tmux: { pane: string } }).tmux.pane, '#{pane_pid}']).trim();
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes('ANTHROPIC_MODEL=own'), 'the agent config value arrives');
    const names = environ.map((e) => e.slice(0, e.indexOf('=')));
    for (const lead of ['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT', 'ANTHROPIC_BASE_URL']) assert.ok(!names.includes(lead), `${lead} does not reach the worker`);
    assert.ok(!environ.some((e) => e.startsWith('TMUX_PANE=') && !e.startsWith(`TMUX_PANE=${(run.structuredContent as { tmux: { pane: string } }).tmux.pane}`)), "only the worker's own TMUX_PANE");

    // Ready for input first (a send would wait for that within its own bound).
    const ready = await call(client, 'await', { session: 'w1', until: 'idle', timeoutMs: 20_000 });
    assert.equal((ready.structuredContent as { state: string }).state, 'idle', text(ready));
    const progress: number[] = [];
    const sent = await call(client, 'send', { session: 'w1', text: 'add a file', timeoutMs: 1500 }, { onprogress: (p) => progress.push(p.progress) });
    assert.equal(sent.isError, undefined, text(sent));
    const first = sent.structuredContent as { done: boolean; cursor: string; state: string; delivered: boolean };
    assert.equal(first.delivered, true);
    assert.equal(first.done, false, 'a 4 s turn is not over within 1.5 s');
    assert.match(text(sent), /call await with the cursor/);

    let cursor = first.cursor;
    let calls = 0;
    let last: { done: boolean; output: string | null; state: string; cursor: string } | undefined;
    while (calls < 30) {
      calls++;
      const r = await call(client, 'await', { cursor, timeoutMs: 1500 }, { onprogress: (p) => progress.push(p.progress) });
      assert.equal(r.isError, undefined, text(r));
      last = r.structuredContent as typeof last & {};
      if (last.done) break;
      cursor = last.cursor;
    }
    assert.ok(calls >= 2, `the turn ended across ${calls} await call(s)`);
    assert.ok(progress.length >= 1, 'waiting calls report progress');
    assert.equal(last!.state, 'idle');
    assert.match(last!.output ?? '', /Done: add a file/);
    // The same cursor gives the same reply again, however late.
    const again = (await call(client, 'await', { cursor, timeoutMs: 100 })).structuredContent as { done: boolean; output: string };
    assert.deepEqual([again.done, again.output], [true, last!.output]);

    writeFileSync(join(s.cwd, 'NEW.txt'), 'hi\n');
    const diff = await call(client, 'workspace_diff', { name: s.workspace });
    assert.deepEqual((diff.structuredContent as { untracked: string[] }).untracked, ['NEW.txt']);

    const screen = await client.readResource({ uri: `amux://sessions/${s.id}/screen` });
    assert.match(String((screen.contents[0] as { text: string }).text), /Done: add a file/);

    const stop = await call(client, 'stop', { session: 'w1', graceMs: 0 });
    assert.equal(stop.isError, undefined, text(stop));
    const rm = await call(client, 'remove', { session: 'w1' });
    assert.equal(rm.isError, undefined, text(rm));
    assert.equal((rm.structuredContent as { workspace: { removed: boolean } }).workspace.removed, false, 'a workspace with changes is kept');
    const wrm = await call(client, 'workspace_remove', { name: s.workspace, force: true });
    assert.equal(wrm.isError, undefined, text(wrm));
    const ls = (await call(client, 'list_sessions', { all: true })).structuredContent as { sessions: unknown[] };
    assert.equal(ls.sessions.length, 0);
  });

  test('bad arguments and failures are tool errors with the core code', async () => {
    const missing = await call(client, 'stop', {});
    assert.equal(missing.isError, true);
    const unknown = await call(client, 'capture', { session: 'nope-nope' });
    assert.equal(unknown.isError, true);
    assert.match(text(unknown), /^not_found: /);
    const cursor = await call(client, 'await', { cursor: 'garbage' });
    assert.equal(cursor.isError, true);
    assert.match(text(cursor), /^usage: not a cursor/);
    const both = await call(client, 'run_agent', { agent: 'claude', workspace: 'x', newWorkspace: true });
    assert.match(text(both), /^usage: /);
  });

  test('a child cannot stop its parent; maxChildren and maxDepth hold', async () => {
    const leadId = (await env.amuxJson<{ id: string }>(['run', '-c', 'sleep 300', '--name', 'lead', '--json'], { cwd: repo })).id;
    const asLead = await connect(env, repo, { AMUX_SESSION_ID: leadId, AMUX_SESSION: 'lead' });
    try {
      const child = await call(asLead, 'run_agent', { agent: 'shell', name: 'kid' });
      assert.equal(child.isError, undefined, text(child));
      assert.equal((child.structuredContent as { parent: string }).parent, leadId);
      const second = await call(asLead, 'run_agent', { agent: 'shell', name: 'kid2' });
      assert.match(text(second), /^limit: .*maxChildren/);
      const self = await call(asLead, 'stop', { session: 'lead' });
      assert.match(text(self), /^forbidden: /);

      const kidId = (child.structuredContent as { id: string }).id;
      const asKid = await connect(env, repo, { AMUX_SESSION_ID: kidId, AMUX_SESSION: 'kid' });
      try {
        for (const [tool, args] of [
          ['stop', { session: 'lead' }],
          ['remove', { session: 'lead', force: true }],
          ['keys', { session: 'lead', keys: ['Enter'] }],
          ['send', { session: 'lead', text: 'hi', wait: false }],
        ] as const) {
          const r = await call(asKid, tool, args);
          assert.equal(r.isError, true, tool);
          assert.match(text(r), /^forbidden: kid may not .* lead: it started kid/, tool);
        }
        const grandchild = await call(asKid, 'run_agent', { agent: 'shell' });
        assert.match(text(grandchild), /^limit: .*maxDepth/);
      } finally {
        await asKid.close();
      }
      // The lead may stop its own child.
      const stop = await call(asLead, 'stop', { session: 'kid', graceMs: 0 });
      assert.equal(stop.isError, undefined, text(stop));
    } finally {
      await asLead.close();
    }
  });
});
