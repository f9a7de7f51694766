/**
 * Sessions that start sessions: the child limits hold when many starts race (several MCP servers
 * of one lead, several calls each), and `ps` (and the TUI's rows) show children under their
 * parent, `ps --json` naming the parent.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { TestEnv } from './helpers.ts';
import { connectStdio, call, text } from './mcp-flow.ts';
import { buildRows } from '../src/tui/model.ts';
import { rowLine, columnsFor } from '../src/tui/format.ts';
import type { SessionView } from '../src/state/model.ts';

const connect = connectStdio;

describe('parent and child sessions', () => {
  const env = new TestEnv('mcptree');
  let repo: string;
  const clients: Client[] = [];
  before(() => {
    repo = env.gitRepo('proj');
    mkdirSync(join(repo, '.amux'));
    writeFileSync(join(repo, '.amux', 'config.yaml'), 'mcp:\n  maxDepth: 2\n  maxChildren: 2\n');
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await env.cleanup();
  });

  test('maxChildren holds under concurrent starts; ps shows the tree', async () => {
    const lead = await env.amuxJson<{ id: string }>(['run', '-c', 'sleep 300', '--name', 'lead', '--json'], { cwd: repo });
    const asLead = await Promise.all([1, 2, 3].map(() => connect(env, repo, { AMUX_SESSION_ID: lead.id, AMUX_SESSION: 'lead' })));
    clients.push(...asLead);
    // Three servers of the same lead, three calls each, all at once: nine starts race for two places.
    const results = await Promise.all(asLead.flatMap((c, i) => [1, 2, 3].map((j) => call(c, 'run_agent', { agent: 'shell', name: `kid-${i}-${j}` }))));
    const ok = results.filter((r) => !r.isError);
    const refused = results.filter((r) => r.isError);
    assert.equal(ok.length, 2, `exactly maxChildren started: ${results.map(text).join(' | ')}`);
    for (const r of refused) assert.match(text(r), /^limit: .*maxChildren/);
    const kids = ok.map((r) => r.structuredContent as { id: string; name: string; parent: string });
    for (const k of kids) assert.equal(k.parent, lead.id);

    // A grandchild (depth 2 is allowed here).
    const asKid = await connect(env, repo, { AMUX_SESSION_ID: kids[0]!.id, AMUX_SESSION: kids[0]!.name });
    clients.push(asKid);
    const grand = await call(asKid, 'run_agent', { agent: 'shell', name: 'grandkid' });
    assert.equal(grand.isError, undefined, text(grand));
    // And a session of nobody's, started by a person.
    await env.amuxJson(['run', '-c', 'sleep 300', '--name', 'loner', '--json'], { cwd: repo });

    const json = await env.amuxJson<{ name: string; id: string; parent: string | null }[]>(['ps', '--json'], { cwd: repo });
    const parentOf = Object.fromEntries(json.map((s) => [s.name, s.parent]));
    assert.equal(parentOf.lead, null);
    assert.equal(parentOf.loner, null);
    assert.equal(parentOf[kids[0]!.name], lead.id);
    assert.equal(parentOf.grandkid, kids[0]!.id);

    const r = await env.amux(['ps'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const [header, ...lines] = r.stdout.split('\n').filter(Boolean);
    const names = lines.map((l) => l.slice(0, header!.indexOf('ID')).trimEnd());
    const at = (n: string) => names.findIndex((x) => x.trim().replace(/^└ /, '') === n);
    const [k0, k1] = kids.map((k) => k.name).sort((a, b) => at(a) - at(b));
    // lead, its children right under it (indented), the grandchild under its parent.
    assert.equal(names[at('lead')], 'lead');
    assert.ok(at(k0!) > at('lead') && at(k1!) > at('lead'), names.join('\n'));
    assert.equal(names[at(k0!)], `└ ${k0}`);
    assert.equal(names[at(k1!)], `└ ${k1}`);
    assert.equal(names[at('grandkid')], '  └ grandkid');
    assert.equal(at('grandkid'), at(kids[0]!.name) + 1, 'the grandchild sits right under its parent');
    assert.equal(names[at('loner')], 'loner');
  });

  test('the TUI rows: children under their parent, indented', () => {
    const mk = (name: string, parent: string | undefined, state: SessionView['state'], createdAt: string): SessionView =>
      ({ record: { name, id: name, parent, agent: 'a', project: '/p/proj', workspace: null, tags: [], createdAt }, pane: null, state, stateSince: null, reason: '', exitCode: null, exitSignal: null, lastOutputAt: null }) as unknown as SessionView;
    // A waiting child stays under its parent; a child whose parent is not shown stands alone.
    const views = [mk('lead', undefined, 'running', '1'), mk('other', undefined, 'idle', '2'), mk('kid', 'lead', 'waiting', '3'), mk('grand', 'kid', 'running', '4'), mk('orphan', 'gone', 'idle', '5')];
    const rows = buildRows(views, { filter: '', showArchived: false, grouped: false });
    const shown = rows.map((r) => (r.kind === 'session' ? `${r.depth}:${r.view.record.name}` : '-'));
    assert.deepEqual(shown, ['0:lead', '1:kid', '2:grand', '0:other', '0:orphan']);
    const kidRow = rows[1]!;
    assert.ok(kidRow.kind === 'session');
    assert.match(rowLine(kidRow.view, columnsFor(120), Date.now(), false, kidRow.depth), /└ kid/);
    assert.match(rowLine(views[0]!, columnsFor(120)), / lead /);
  });
});
