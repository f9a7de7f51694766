/**
 * Generated inputs (a seeded PRNG: fast-check is not a dependency): session names, tags, env
 * keys and values, prompt text, file bytes, references and project folders are each either
 * refused with a clear error or delivered exactly, and a canary file some of them try to create
 * never appears. 1,200 pure cases (validators, quoting, the text rule, UTF-8, `resolve`), then
 * a few dozen through the real CLI and tmux with a byte-recording agent.
 * Reproduce a failure with AMUX_PROP_SEED=<the seed printed>.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, TestEnv, waitFor } from './helpers.ts';
import { validateName, tmuxSessionName } from '../src/tmux/names.ts';
import { validateTag } from '../src/session/edit.ts';
import { envFileText, validateEnvKey } from '../src/session/envfile.ts';
import { literalText } from '../src/session/text.ts';
import { typeText } from '../src/session/deliver.ts';
import { Server } from '../src/tmux/server.ts';
import { invalidUtf8Offset } from '../src/util/utf8.ts';
import { decodePrompt } from '../src/commands/prompt-input.ts';
import { shQuote } from '../src/util/quote.ts';
import { Registry } from '../src/session/registry.ts';
import { AmuxError, UsageError } from '../src/util/errors.ts';
import type { SessionRecord } from '../src/session/types.ts';

const SEED = Number(process.env.AMUX_PROP_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly rand: () => number;
  constructor(seed: number) {
    this.rand = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** A string of 0..max pieces drawn from `pieces`. */
  string(pieces: readonly string[], max: number): string {
    let s = '';
    for (let i = this.int(max + 1); i > 0; i--) s += this.pick(pieces);
    return s;
  }
}

const CANARY_DIR = { path: '' };
const canary = () => join(CANARY_DIR.path, 'CANARY');
/** Pieces that mean something to a shell, tmux, a terminal or a parser. */
const HOSTILE = () => [
  `$(touch ${canary()})`, `\`touch ${canary()}\``, `#(touch ${canary()})`, `'; touch ${canary()}; '`, `"; touch ${canary()}; "`,
  '#{session_name}', '#S', '##', '%1', '$1', '@1', '=a', 'a:1', 'a.0', ';', '\\', '\\;', '~', '*', '?', '[', '!', '&&', '|',
];
const PLAIN = ['a', 'b', 'Z', '0', '7', '_', '-', '.', ':', '/', ' ', 'é', '中', '🙂', '\u0301', '\u2028', 'cafe', 'dead'];
const CONTROLS = ['\x00', '\x03', '\x04', '\x07', '\x08', '\x0b', '\r', '\x1b', '\x1b[201~', '\x1b[200~', '\x7f', '\x85', '\x9b', '\r\n'];
const TEXT_OK = ['\t', '\n'];

const NAME_SPEC = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const TAG_SPEC = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,39}$/;
const KEY_SPEC = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TERMINAL_KEYS = ['TMUX', 'TMUX_PANE', 'PWD', 'OLDPWD', 'SHLVL', '_', 'COLUMNS', 'LINES', 'TERM', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'AMUX_SESSION', 'AMUX_SESSION_ID'];
/** What the text rule refuses, stated independently of its implementation. */
const FORBIDDEN = (c: number) => (c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f);

/** Names meant to collide with each other, with ids, or with tmux's target syntax. */
const COLLIDING = ['a', 'a-1', 'A', 'a.0', 'a:1', '=a', '%1', '$1', '@1', 'cafe', 'deadbeef', '0123', 'a_b', '-a', 'a b', '', 'x'.repeat(63), 'x'.repeat(64)];

function genName(g: Gen): string {
  return g.int(3) === 0 ? g.string([...PLAIN, ...HOSTILE()], 4) : g.pick(COLLIDING);
}
function genText(g: Gen): string {
  const pieces = [...PLAIN, ...PLAIN, ...HOSTILE(), ...TEXT_OK, ...(g.int(3) === 0 ? CONTROLS : [])];
  return g.string(pieces, 12);
}
function genKey(g: Gen): string {
  return g.int(4) === 0 ? g.pick([...TERMINAL_KEYS, '1A', 'A-B', 'A B', '', 'é']) : g.pick(['K', '_k', 'Key_1']) + g.string(['A', 'z', '9', '_'], 6);
}

/** The outcome of `f`: its value, or the AmuxError it threw (anything else fails the test). */
function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: AmuxError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof AmuxError)) throw e;
    return { ok: false, error: e };
  }
}

function withSeed(what: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    (e as Error).message = `${(e as Error).message}\n${what} failed with AMUX_PROP_SEED=${SEED}`;
    throw e;
  }
}

describe(`generated inputs (seed ${SEED})`, { concurrency: false }, () => {
  const env = new TestEnv('prop');
  CANARY_DIR.path = env.dir;
  after(() => env.cleanup());

  test('1,200 pure cases: names, tags, env, text, bytes, quoting and references', () => {
    const g = new Gen(SEED);
    const sh: { key: string; value: string }[] = [];
    for (let i = 0; i < 1200; i++) {
      withSeed(`case ${i}`, () => {
        const name = genName(g);
        const n = attempt(() => validateName(name));
        assert.equal(n.ok, NAME_SPEC.test(name), `name ${JSON.stringify(name)}`);
        if (n.ok) assert.match(tmuxSessionName(name), /^amux-[A-Za-z0-9][A-Za-z0-9_-]*$/);
        else assert.ok(n.error instanceof UsageError && n.error.message.startsWith('invalid session name'));

        const tag = g.int(2) ? genName(g) : g.string([...PLAIN, ...HOSTILE()], 3);
        const t = attempt(() => validateTag(tag));
        assert.equal(t.ok, TAG_SPEC.test(tag), `tag ${JSON.stringify(tag)}`);

        const key = genKey(g);
        const k = attempt(() => validateEnvKey(key));
        assert.equal(k.ok, KEY_SPEC.test(key) && !TERMINAL_KEYS.includes(key), `env key ${JSON.stringify(key)}`);
        if (!k.ok) assert.ok(k.error instanceof UsageError && k.error.message.includes(key));
        if (k.ok && sh.length < 200) sh.push({ key: `${key}_${i}`, value: genText(g).replace(/\0/g, '') });

        const text = genText(g);
        const lt = attempt(() => literalText(text));
        const normalized = text.replace(/\r\n/g, '\n');
        const bad = [...normalized].findIndex((c) => FORBIDDEN(c.codePointAt(0)!));
        assert.equal(lt.ok, bad < 0, `text ${JSON.stringify(text)}`);
        if (lt.ok) assert.equal(lt.value, normalized, 'delivered exactly (CRLF as a newline)');
        else {
          const before = [...normalized].slice(0, bad).join('');
          const line = before.split('\n').length;
          const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
          assert.ok(lt.error instanceof UsageError);
          assert.ok(lt.error.message.includes(`at line ${line}, column ${column}`), lt.error.message);
        }

        const bytes = g.int(2) ? Buffer.from(text, 'utf8') : Buffer.from(Array.from({ length: g.int(12) }, () => g.pick([0x41, 0x80, 0xbf, 0xc0, 0xc3, 0xa9, 0xe2, 0xed, 0xa0, 0xf0, 0x9f, 0xf4, 0x90, 0xf5, 0xff])));
        const off = invalidUtf8Offset(bytes);
        let strict = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          strict = false;
        }
        assert.equal(off < 0, strict, `bytes ${bytes.toString('hex')}`);
        const d = attempt(() => decodePrompt(bytes, 'p.txt'));
        if (d.ok) assert.deepEqual(Buffer.from(d.value, 'utf8'), bytes, 'decoded exactly');
        else {
          assert.match(d.error.message, new RegExp(`^p\\.txt is not valid UTF-8: byte 0x[0-9a-f]{2} at byte offset ${off} `));
          new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, off)); // everything before it is valid
        }
      });
    }
    // Quoting, checked by a real shell: the env file and shQuote give back every value exactly.
    const file = join(env.dir, 'env-prop');
    writeFileSync(file, envFileText(Object.fromEntries(sh.map((x) => [x.key, x.value]))));
    const script = `. ${shQuote(file)}; ` + sh.map((x) => `printf '%s\\0' "$${x.key}"; printf '%s\\0' ${shQuote(x.value)}`).join('; ');
    const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', cwd: env.dir }).split('\0');
    sh.forEach((x, i) => {
      assert.equal(out[2 * i], x.value, `env value of ${x.key} (seed ${SEED})`);
      assert.equal(out[2 * i + 1], x.value, `shQuote of ${JSON.stringify(x.value)} (seed ${SEED})`);
    });
    assert.ok(!existsSync(canary()), 'the canary never appears');
  });

  test('1,000 generated registries: every reference reaches exactly its session or none', () => {
    const g = new Gen(SEED ^ 0x5bd1e995);
    const reg = new Registry();
    const hex = () => Array.from({ length: 32 }, () => g.pick([...'0123456789abcdef'])).join('');
    for (let i = 0; i < 1000; i++) {
      withSeed(`registry ${i}`, () => {
        const records: SessionRecord[] = [];
        for (const name of new Set(['r', ...Array.from({ length: 1 + g.int(6) }, () => g.pick(COLLIDING))].filter((x) => NAME_SPEC.test(x)))) {
          // Ids sharing prefixes with each other and with hex-looking names.
          const h = g.int(2) ? hex() : g.pick(['cafe', 'dead', 'beef', '0123']) + hex().slice(4);
          const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
          records.push({ id, name, tmux: { session: tmuxSessionName(name) } } as SessionRecord);
        }
        const ref = g.int(3) === 0 ? g.pick(records).id.slice(0, 1 + g.int(12)) : g.int(2) ? g.pick(records).name : g.pick(COLLIDING);
        const r = attempt(() => reg.resolve(ref, records));
        const byId = records.find((x) => x.id === ref.toLowerCase());
        const byName = records.find((x) => x.name === ref);
        const byPrefix = ref.length >= 4 && /^[0-9a-f-]+$/i.test(ref) ? records.filter((x) => x.id.startsWith(ref.toLowerCase())) : [];
        const expected = byId ?? byName ?? (byPrefix.length === 1 ? byPrefix[0] : undefined);
        if (expected) assert.equal(r.ok && r.value.id, expected.id, `ref ${JSON.stringify(ref)}`);
        else {
          assert.ok(!r.ok, `ref ${JSON.stringify(ref)} reaches nothing`);
          assert.equal(r.error.code, byPrefix.length > 1 ? 'ambiguous' : 'not_found');
        }
      });
    }
  });

  test('send refuses control characters, invalid UTF-8 and unreadable files in a sentence; typeText refuses before tmux', async () => {
    const ctl = await env.amux(['send', 'nosuch', 'half\x1b[201~\rrm -rf x']);
    assert.equal(ctl.code, 2);
    assert.match(ctl.stderr, /^amux: the prompt holds a control character \(U\+001B ESC\) at line 1, column 5/);
    const cc = await env.amux(['send', 'nosuch', '-'], { input: 'a\nb\x03' });
    assert.match(cc.stderr, /control character \(U\+0003 C-c\) at line 2, column 2/);
    const missing = await env.amux(['send', 'nosuch', '--file', '/nonexistent']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'amux: cannot read the prompt: there is no file /nonexistent\n');
    const f = join(env.dir, 'latin1.txt');
    writeFileSync(f, Buffer.from('caf\xe9 ok', 'latin1'));
    const bad = await env.amux(['send', 'nosuch', '--file', f]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, `amux: ${f} is not valid UTF-8: byte 0xe9 at byte offset 3 does not start a valid character (save it as UTF-8)\n`);
    // The TUI's prompts reach the pane through typeText: it refuses before any tmux call.
    await assert.rejects(typeText(new Server({ name: 'amux-test-none' }), '%0', 'x\x1by'), (e) => e instanceof UsageError && /U\+001B ESC/.test(e.message));
  });

  test('40 cases end to end: run -p with generated names, tags, env, prompt and folder', async (t) => {
    const g = new Gen(SEED ^ 0x1234567);
    const recorder = `exec node ${shQuote(join(FIXTURES, 'recorder.mjs'))}`;
    interface Case { i: number; name: string; tag: string; key: string; value: string; prompt: string; folder: string }
    const cases: Case[] = Array.from({ length: 40 }, (_, i) => {
      const folder = join(env.dir, 'p', `${i}${g.string([...PLAIN, ...HOSTILE(), '\t'].filter((p) => !p.includes('/') && !p.includes('\0')), 3)}`);
      mkdirSync(folder, { recursive: true });
      return {
        i,
        name: g.int(4) === 0 ? genName(g) : `e${i}${g.pick(['', '-x', '_y', 'cafe'])}`,
        tag: g.int(5) === 0 ? g.string([...PLAIN, ...HOSTILE()], 2) : `t${i}${g.pick(['', ':a', '/b', '.c'])}`,
        key: g.int(5) === 0 ? genKey(g) : `K${i}`,
        value: genText(g).replace(/\0/g, ''),
        prompt: `p${i} ${genText(g)}`.replace(/\0/g, ''),
        folder,
      };
    });
    const run = async (c: Case) => {
      const rec = join(env.dir, `rec-${c.i}`);
      // `--opt=VALUE`: a value may start with a dash.
      const args = ['run', '-c', recorder, `--name=${c.name}`, `--tag=${c.tag}`, '-e', `REC_FILE=${rec}`, `--env=${c.key}=${c.value}`, `--prompt=${c.prompt}`, '--json'];
      return { c, rec, r: await env.amux(args, { cwd: c.folder }) };
    };
    const results = [];
    for (let i = 0; i < cases.length; i += 10) results.push(...(await Promise.all(cases.slice(i, i + 10).map(run))));
    let delivered = 0;
    for (const { c, rec, r } of results) {
      const what = `case ${c.i} ${JSON.stringify(c)} (seed ${SEED})`;
      const valid = NAME_SPEC.test(c.name) && TAG_SPEC.test(c.tag) && KEY_SPEC.test(c.key) && !TERMINAL_KEYS.includes(c.key) && ![...c.prompt.replace(/\r\n/g, '\n')].some((x) => FORBIDDEN(x.codePointAt(0)!));
      if (!valid) {
        assert.equal(r.code, 2, `${what}: refused as bad input: ${r.stderr}`);
        assert.match(r.stderr, /^amux: (invalid (session name|tag)|not a valid environment variable name|-e expects KEY=VALUE|\S+ cannot be set for an agent|the prompt holds a control character \(U\+[0-9A-F]{4}[^)]*\) at line \d+, column \d+)/, what);
        assert.ok(!existsSync(`${rec}.json`), `${what}: nothing started`);
        continue;
      }
      if (r.code !== 0) {
        // Only a name another case took first may be refused.
        assert.match(r.stderr, /^amux: a session named "\S+" already exists/, `${what}: ${r.stderr}`);
        continue;
      }
      const row = JSON.parse(r.stdout) as { name: string; tags: string[]; cwd: string };
      assert.equal(row.name, c.name, what);
      assert.deepEqual(row.tags, [c.tag], what);
      const seen = JSON.parse(readFileSync(`${rec}.json`, 'utf8')) as { cwd: string; env: Record<string, string> };
      assert.equal(seen.cwd, c.folder, `${what}: runs in its folder`);
      assert.equal(row.cwd, c.folder, what);
      assert.equal(seen.env[c.key], c.value, `${what}: env value exactly`);
      const want = `\x1b[200~${c.prompt.replace(/\r\n/g, '\n')}\x1b[201~\r`;
      const got = await waitFor(() => (existsSync(rec) ? readFileSync(rec, 'utf8') : ''), 5000, 50).then(() => waitFor(() => readFileSync(rec, 'utf8').endsWith('\r') && readFileSync(rec, 'utf8'), 3000, 50));
      assert.equal(got, want, `${what}: the prompt arrived exactly, in one paste, then Enter`);
      delivered++;
    }
    assert.ok(delivered >= 10, `enough cases went all the way (${delivered})`);
    t.diagnostic(`${delivered} prompts delivered and checked byte for byte`);
    assert.ok(!existsSync(canary()), 'the canary never appears');
  });
});
