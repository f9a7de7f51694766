/**
 * The tmux layer is sealed: only src/tmux/ knows tmux's argv. Anywhere else under src/, no code
 * spawns `tmux` and no string names a tmux command; comments may.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const SEALED = join(SRC, 'tmux');

const VERBS = [
  'send-keys', 'capture-pane', 'list-panes', 'list-sessions', 'list-windows', 'list-clients', 'new-session',
  'kill-session', 'kill-server', 'kill-pane', 'set-option', 'show-options', 'display-message', 'respawn-pane',
  'pipe-pane', 'attach-session', 'switch-client', 'display-popup', 'run-shell', 'refresh-client', 'resize-window',
  'new-window', 'has-session', 'rename-session', 'detach-client', 'load-buffer', 'paste-buffer', 'set-hook',
];
const VERB_RE = new RegExp(`(?<![\\w-])(${VERBS.join('|')})(?![\\w-])`);
/** Functions that start a process (child_process, execa, blessed's screen.exec/spawn). */
const SPAWNERS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'execa', 'execaSync', 'fork']);

/** Known breaches waiting for their owners, by file (none today). Each entry must still be needed (see the last test). */
const PENDING: Record<string, string[]> = {};

interface Breach {
  file: string;
  line: number;
  what: string;
}

/** Every breach in one file's text: tmux verbs in string literals, `tmux` given to a spawner. */
function breaches(file: string, text: string): Breach[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Breach[] = [];
  const at = (n: ts.Node, what: string) => out.push({ file, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, what });
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
      const m = VERB_RE.exec(n.text);
      if (m) at(n, `tmux verb "${m[1]}" in a string`);
    }
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const first = n.arguments[0];
      if (SPAWNERS.has(name) && first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) && /^tmux(\s|$)/.test(first.text)) {
        at(n, `${name}('tmux', …)`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p === SEALED ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function allBreaches(): Breach[] {
  return sourceFiles(SRC).flatMap((p) => breaches(relative(ROOT, p), readFileSync(p, 'utf8')));
}

const pending = (b: Breach) => (PENDING[b.file] ?? []).some((v) => b.what.includes(`"${v}"`));

test('outside src/tmux nothing spawns tmux or names a tmux command', () => {
  const found = allBreaches().filter((b) => !pending(b));
  assert.deepEqual(
    found.map((b) => `${b.file}:${b.line}: ${b.what}`),
    [],
    'move the tmux argv into a typed function of src/tmux',
  );
});

test('the check finds verbs in strings and templates and tmux spawns, and ignores comments', () => {
  const text = [
    "// a comment may say send-keys and list-panes",
    '/** and capture-pane -e here */',
    "server.run(['set-option', '-g', x, y]);",
    'const s = `tmux rename-session -t ${t}`;',
    "execFile('tmux', ['-V']);",
    "this.screen.exec('tmux', args, {}, cb);",
    "spawn('git', ['set-options-are-not-verbs']);",
    "const t = 'tmux';",
  ].join('\n');
  assert.deepEqual(
    breaches('x.ts', text).map((b) => `${b.line}: ${b.what}`),
    ['3: tmux verb "set-option" in a string', '4: tmux verb "rename-session" in a string', "5: execFile('tmux', …)", "6: exec('tmux', …)"],
  );
});

test('every pending breach is still there (remove its entry once it moved)', () => {
  const all = allBreaches();
  for (const [file, verbs] of Object.entries(PENDING)) {
    for (const v of verbs) assert.ok(all.some((b) => b.file === file && b.what.includes(`"${v}"`)), `${file} no longer names ${v}: drop it from PENDING`);
  }
});
