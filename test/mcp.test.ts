/**
 * `amux mcp` end to end: the SDK's own client spawns the compiled CLI over stdio against a
 * private tmux server, and drives a fake Claude Code through the tools.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { TestEnv } from './helpers.ts';
import { TOOLS } from '../src/mcp/tools.ts';
import { connectStdio, call, text, leadFlow } from './mcp-flow.ts';


const connect = connectStdio;


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
    await leadFlow(client, {
      name: 'w1',
      environment: { ANTHROPIC_MODEL: 'own' },
      started: (s) => {
        // The worker's environment: what it was given, none of the lead's agent variables.
        // Read from the agent process itself (the env file is deleted once the launcher read it).
        const pid = env.tmux(['display-message', '-p', '-t', s.tmux.pane, '#{pane_pid}']).trim();
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        assert.ok(environ.includes('ANTHROPIC_MODEL=own'), 'the agent config value arrives');
        const names = environ.map((e) => e.slice(0, e.indexOf('=')));
        for (const lead of ['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT', 'ANTHROPIC_BASE_URL']) assert.ok(!names.includes(lead), `${lead} does not reach the worker`);
        assert.ok(!environ.some((e) => e.startsWith('TMUX_PANE=') && !e.startsWith(`TMUX_PANE=${s.tmux.pane}`)), "only the worker's own TMUX_PANE");
      },
    });
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
