/**
 * The lead-agent flow every MCP transport must carry (stdio, Streamable HTTP): start a fake
 * Claude Code in a fresh workspace, send a prompt with a short bound, await the turn across
 * bounded calls, read the reply, the diff and the screen, stop, remove. Shared by the tests.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, type TestEnv } from './helpers.ts';

/** An SDK client on `amux mcp` over stdio, spawned in `cwd` with the test's environment and `extra`. */
export async function connectStdio(env: TestEnv, cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<Client> {
  const client = new Client({ name: 'amux-test', version: '1' });
  const e = Object.fromEntries(Object.entries({ ...env.env, ...extra }).filter((x): x is [string, string] => x[1] !== undefined));
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd, env: e, stderr: 'pipe' }));
  return client;
}

export type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: { type: string; text?: string }[] };

export const call = async (c: Client, name: string, args: Record<string, unknown>, opts: { onprogress?: (p: { progress: number; message?: string }) => void; signal?: AbortSignal } = {}) =>
  (await c.callTool({ name, arguments: args }, undefined, { timeout: 120_000, ...opts })) as Result;
export const text = (r: Result) => r.content.map((x) => x.text ?? '').join('\n');

export interface Started {
  id: string;
  name: string;
  workspace: string;
  parent: string | null;
  cwd: string;
  tmux: { pane: string };
}

/** The whole flow; `started` sees the run_agent result first (to look at the worker's environment). */
export async function leadFlow(client: Client, o: { name: string; environment?: Record<string, string>; started?: (s: Started) => void | Promise<void> }): Promise<void> {
  const run = await call(client, 'run_agent', { agent: 'claude', newWorkspace: true, name: o.name, environment: { FAKE_SCRIPT: 'busy:4,done', ...o.environment } });
  assert.equal(run.isError, undefined, text(run));
  const s = run.structuredContent as unknown as Started;
  assert.equal(s.name, o.name);
  assert.equal(s.parent, null);
  assert.ok(s.workspace);
  await o.started?.(s);

  // Ready for input first (a send would wait for that within its own bound).
  const ready = await call(client, 'await', { session: o.name, until: 'idle', timeoutMs: 20_000 });
  assert.equal((ready.structuredContent as { state: string }).state, 'idle', text(ready));
  const progress: number[] = [];
  const sent = await call(client, 'send', { session: o.name, text: 'add a file', timeoutMs: 1500 }, { onprogress: (p) => progress.push(p.progress) });
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

  // The whole history, as a person saw it (rendered from the log), through the transcript tool.
  const history = await call(client, 'transcript', { session: o.name });
  assert.equal(history.isError, undefined, text(history));
  assert.match((history.structuredContent as { text: string }).text, /Done: add a file/);

  const screen = await client.readResource({ uri: `amux://sessions/${s.id}/screen` });
  assert.match(String((screen.contents[0] as { text: string }).text), /Done: add a file/);

  const stop = await call(client, 'stop', { session: o.name, graceMs: 0 });
  assert.equal(stop.isError, undefined, text(stop));
  const rm = await call(client, 'remove', { session: o.name });
  assert.equal(rm.isError, undefined, text(rm));
  assert.equal((rm.structuredContent as { workspace: { removed: boolean } }).workspace.removed, false, 'a workspace with changes is kept');
  const wrm = await call(client, 'workspace_remove', { name: s.workspace, force: true });
  assert.equal(wrm.isError, undefined, text(wrm));
  const ls = (await call(client, 'list_sessions', { all: true })).structuredContent as { sessions: unknown[] };
  assert.equal(ls.sessions.length, 0);
}
