/**
 * A client that cancels a waiting MCP call (its AbortSignal: `notifications/cancelled`) ends
 * the wait on the server: the call is over while the agent is still busy, and a prompt that was
 * waiting for the agent to be ready is never typed. The server runs in this process (over the
 * SDK's in-memory transport) so the test can see its calls under way.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { TestEnv, waitFor } from './helpers.ts';
import { call, text } from './mcp-flow.ts';

describe('amux mcp: cancelled calls', () => {
  const env = new TestEnv('mcpcancel');
  const calls = { active: 0 };
  let client: Client;
  let close: () => Promise<void>;
  before(async () => {
    const repo = env.gitRepo('proj');
    mkdirSync(join(repo, '.amux'));
    writeFileSync(join(repo, '.amux', 'config.yaml'), 'version: 1\n');
    // This process is the server: it reads AMUX_HOME and the socket from its own environment.
    for (const k of Object.keys(process.env)) if (!(k in env.env)) delete process.env[k];
    Object.assign(process.env, env.env);
    const { createServer } = await import('../src/mcp/server.ts');
    const server = createServer({ cwd: repo, env: process.env, calls });
    const [forClient, forServer] = InMemoryTransport.createLinkedPair();
    await server.connect(forServer);
    client = new Client({ name: 'amux-test', version: '1' });
    await client.connect(forClient);
    close = async () => {
      await client.close();
      await server.close();
    };
  });
  after(async () => {
    await close?.();
    await env.cleanup();
  });

  /** Starts `tool`, waits until the server reports progress (it is inside its wait), then cancels it. */
  async function cancelWhileWaiting(tool: string, args: Record<string, unknown>): Promise<void> {
    const ac = new AbortController();
    let waiting = false;
    const pending = call(client, tool, { ...args, timeoutMs: 60_000 }, { signal: ac.signal, onprogress: () => (waiting = true) });
    assert.ok(await waitFor(() => waiting, 20_000), `${tool} reports progress while it waits`);
    ac.abort();
    await assert.rejects(pending, /abort/i);
    // The server's call ends at once (its bound is a minute; the agent stays busy for longer).
    assert.ok(await waitFor(() => calls.active === 0, 20_000), `the server's ${tool} call ended`);
  }

  test('a cancelled send never types its prompt; a cancelled await stops waiting', async () => {
    const run = await call(client, 'run_agent', { agent: 'claude', name: 'c1', environment: { FAKE_START: 'turn', FAKE_SCRIPT: 'ticking' } });
    assert.equal(run.isError, undefined, text(run));
    const busy = await call(client, 'await', { session: 'c1', until: 'running', timeoutMs: 20_000 });
    assert.equal((busy.structuredContent as { state: string }).state, 'running', text(busy));

    await cancelWhileWaiting('send', { session: 'c1', text: 'never typed' });
    await cancelWhileWaiting('await', { session: 'c1', until: 'idle' });
    // Both calls ended while the agent was still at work.
    const now = await call(client, 'explain', { session: 'c1' });
    assert.equal(now.isError, undefined, text(now));
    assert.equal((now.structuredContent as { state: string }).state, 'running', text(now));

    // Interrupted, the agent is ready for input: the cancelled prompt is not typed now either.
    await call(client, 'keys', { session: 'c1', keys: ['Escape'] });
    const idle = await call(client, 'await', { session: 'c1', until: 'idle', timeoutMs: 20_000 });
    assert.equal((idle.structuredContent as { state: string }).state, 'idle', text(idle));
    const sent = await call(client, 'send', { session: 'c1', text: 'typed after', wait: false });
    assert.equal(sent.isError, undefined, text(sent));
    const screen = text(await call(client, 'capture', { session: 'c1' }));
    assert.match(screen, /typed after/);
    assert.doesNotMatch(screen, /never typed/);
    await call(client, 'stop', { session: 'c1', graceMs: 0 });
  });
});
