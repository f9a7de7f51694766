/**
 * The core's public API: every operation has a JSON Schema for its input and output (the future
 * web API and MCP tools), and the layering holds: the read model and the records do not import
 * each other both ways, and surfaces reach sessions through src/core.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.ts';

describe('core API', () => {
  test('every core operation has an input and an output schema, and every schema an operation', async () => {
    const core = await import('../src/core/index.ts');
    const { SCHEMAS } = core;
    // Operations: functions taking (ctx, input); openContext builds the context, listViews is the in-process form of listSessions.
    const ops = Object.entries(core)
      .filter(([k, v]) => typeof v === 'function' && /^[a-z]/.test(k) && !['openContext', 'listViews'].includes(k))
      .map(([k]) => k)
      .sort();
    assert.deepEqual(ops, Object.keys(SCHEMAS).sort());
    for (const [name, s] of Object.entries(SCHEMAS)) {
      assert.equal((s.input as { type: string }).type, 'object', `${name} input is an object schema`);
      assert.ok(s.output && typeof s.output === 'object', `${name} has an output schema`);
      assert.ok(s.description.length > 10, `${name} is described`);
    }
  });

  test('errors carry a stable code, a hint and a cause', async () => {
    const { AmuxError, UsageError } = await import('../src/core/index.ts');
    const cause = new Error('inner');
    const e = new AmuxError('outer', { code: 'conflict', hint: 'do this', cause });
    assert.equal(e.code, 'conflict');
    assert.equal(e.hint, 'do this');
    assert.equal(e.cause, cause);
    assert.equal(e.exitCode, 1);
    assert.equal(new UsageError('bad').exitCode, 2);
    assert.deepEqual(JSON.parse(JSON.stringify(e)), { code: 'conflict', message: 'outer', hint: 'do this' });
  });
});

describe('layering', () => {
  const files = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
  const imports = (f: string) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/^import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)].map((m) => ({ typeOnly: !!m[1], path: m[2]! }));

  test('src/session never imports src/state (state reads records; records know nothing of states)', () => {
    const bad = files('src/session').flatMap((f) => imports(f).filter((i) => i.path.startsWith('../state/')).map((i) => `${f} → ${i.path}`));
    assert.deepEqual(bad, []);
  });

  test('the read model lives in src/state alone: one State type, one pane-identity rule', () => {
    const all = files('src');
    const stateTypes = all.filter((f) => /export type State\b\s*=/.test(readFileSync(join(ROOT, f), 'utf8')));
    assert.deepEqual(stateTypes, ['src/state/engine.ts']);
    const paneRules = all.filter((f) => /\bopts\.id\s*[!=]==?|[!=]==?\s*\w+\.opts\.id\b/.test(readFileSync(join(ROOT, f), 'utf8')));
    assert.deepEqual(paneRules, ['src/session/identity.ts']);
  });

  test('commands and the TUI reach sessions through src/core (no registry, launcher or lifecycle of their own)', () => {
    const surfaces = [...files('src/commands'), ...files('src/tui')];
    const bad = surfaces.flatMap((f) =>
      imports(f)
        .filter((i) => !i.typeOnly && /\/session\/(launcher|lifecycle|edit|deliver)\.js$/.test(i.path))
        .map((i) => `${f} → ${i.path}`),
    );
    assert.deepEqual(bad, []);
  });
});
