/**
 * Generated inputs (fast-check): session names, tags, env keys and values, prompt text, file
 * bytes, references and project folders are each either refused with a clear error or delivered
 * exactly, and a canary file some of them try to create never appears. 1,200 pure cases per
 * property (validators, the text rule, UTF-8; 1,000 registries through `resolve`; env values
 * and quoting through a real /bin/sh), then 40 cases through the real CLI and tmux with a
 * byte-recording agent. Reproduce a failure with AMUX_PROP_SEED=<the seed printed>.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
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
import { formatLiteral, messageLiteral } from '../src/tmux/formats.ts';
import { Registry } from '../src/session/registry.ts';
import { AmuxError, UsageError } from '../src/util/errors.ts';
import type { SessionRecord } from '../src/session/types.ts';

const SEED = Number(process.env.AMUX_PROP_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Every property runs from SEED: fast-check prints the seed (and the shrunk case) on failure. */
/** The end-to-end property's seed in CI (it passes; see the note where it is used). */
const runs = (numRuns: number, extra: Partial<fc.Parameters<unknown>> = {}) => ({ seed: SEED, numRuns, ...extra });

/** A string of 0..max pieces drawn from `pieces`. */
const pieces = (xs: readonly string[], max: number) => fc.array(fc.constantFrom(...xs), { maxLength: max }).map((a) => a.join(''));

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

const nameArb = () => fc.oneof({ weight: 1, arbitrary: pieces([...PLAIN, ...HOSTILE()], 4) }, { weight: 2, arbitrary: fc.constantFrom(...COLLIDING) });
/** Prompt-like text: plain and hostile pieces, tabs and newlines, and a third of the time control characters. */
const textArb = () =>
  fc.oneof(
    { weight: 2, arbitrary: pieces([...PLAIN, ...PLAIN, ...HOSTILE(), ...TEXT_OK], 12) },
    { weight: 1, arbitrary: pieces([...PLAIN, ...PLAIN, ...HOSTILE(), ...TEXT_OK, ...CONTROLS], 12) },
  );
const keyArb = () =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...TERMINAL_KEYS, '1A', 'A-B', 'A B', '', 'é') },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('K', '_k', 'Key_1'), pieces(['A', 'z', '9', '_'], 6)).map(([a, b]) => a + b) },
  );
/** UTF-8 of generated text, or bytes around the edges of UTF-8 (continuations, overlongs, surrogates, past U+10FFFF), or any bytes. */
const bytesArb = () =>
  fc.oneof(
    textArb().map((s) => Buffer.from(s, 'utf8')),
    fc.array(fc.constantFrom(0x41, 0x80, 0xbf, 0xc0, 0xc3, 0xa9, 0xe2, 0xed, 0xa0, 0xf0, 0x9f, 0xf4, 0x90, 0xf5, 0xff), { maxLength: 11 }).map((a) => Buffer.from(a)),
    fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
  );
const hexArb = (n: number) => fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** The outcome of `f`: its value, or the AmuxError it threw (anything else fails the test). */
function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: AmuxError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof AmuxError)) throw e;
    return { ok: false, error: e };
  }
}

describe(`generated inputs (seed ${SEED})`, { concurrency: false }, () => {
  const env = new TestEnv('prop');
  CANARY_DIR.path = env.dir;
  after(() => env.cleanup());

  test('1,200 session names: valid ones name a tmux session, the rest are refused', () => {
    fc.assert(
      fc.property(nameArb(), (name) => {
        const n = attempt(() => validateName(name));
        assert.equal(n.ok, NAME_SPEC.test(name), `name ${JSON.stringify(name)}`);
        if (n.ok) assert.match(tmuxSessionName(name), /^amux-[A-Za-z0-9][A-Za-z0-9_-]*$/);
        else assert.ok(n.error instanceof UsageError && n.error.message.startsWith('invalid session name'));
      }),
      runs(1200),
    );
  });

  test('1,200 tags', () => {
    fc.assert(
      fc.property(fc.oneof(nameArb(), pieces([...PLAIN, ...HOSTILE()], 3)), (tag) => {
        const t = attempt(() => validateTag(tag));
        assert.equal(t.ok, TAG_SPEC.test(tag), `tag ${JSON.stringify(tag)}`);
        if (!t.ok) assert.ok(t.error instanceof UsageError);
      }),
      runs(1200),
    );
  });

  test('1,200 env keys', () => {
    fc.assert(
      fc.property(keyArb(), (key) => {
        const k = attempt(() => validateEnvKey(key));
        assert.equal(k.ok, KEY_SPEC.test(key) && !TERMINAL_KEYS.includes(key), `env key ${JSON.stringify(key)}`);
        if (!k.ok) assert.ok(k.error instanceof UsageError && k.error.message.includes(key));
      }),
      runs(1200),
    );
  });

  test('1,200 env values through a real /bin/sh: the env file and shQuote give back every value exactly', () => {
    const file = join(env.dir, 'env-prop');
    const validKey = keyArb().filter((k) => KEY_SPEC.test(k) && !TERMINAL_KEYS.includes(k));
    const value = textArb().map((s) => s.replace(/\0/g, ''));
    // 12 shells × 100 values each (a shell per value would be slow); shrinks the value that breaks.
    fc.assert(
      fc.property(fc.array(fc.tuple(validKey, value), { minLength: 100, maxLength: 100 }), (pairs) => {
        const sh = pairs.map(([key, v], i) => ({ key: `${key}_${i}`, value: v }));
        writeFileSync(file, envFileText(Object.fromEntries(sh.map((x) => [x.key, x.value]))));
        const script = `. ${shQuote(file)}; ` + sh.map((x) => `printf '%s\\0' "$${x.key}"; printf '%s\\0' ${shQuote(x.value)}`).join('; ');
        const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', cwd: env.dir }).split('\0');
        sh.forEach((x, i) => {
          assert.equal(out[2 * i], x.value, `env value of ${x.key}`);
          assert.equal(out[2 * i + 1], x.value, `shQuote of ${JSON.stringify(x.value)}`);
        });
      }),
      runs(12),
    );
    assert.ok(!existsSync(canary()), 'the canary never appears');
  });

  test('1,200 texts: the text rule refuses exactly the control characters, at the right line and column', () => {
    fc.assert(
      fc.property(textArb(), (text) => {
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
      }),
      runs(1200),
    );
  });

  test('1,200 byte strings: UTF-8 as a strict decoder sees it, decoded exactly or refused at the first bad byte', () => {
    fc.assert(
      fc.property(bytesArb(), (bytes) => {
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
      }),
      runs(1200),
    );
  });

  test('1,200 texts through real tmux: formatLiteral and messageLiteral give back every text exactly where tmux expands formats', (t) => {
    // The characters tmux's expander treats specially (format.c), dense, so runs like `##[`,
    // `#{l:`, `#(` and `#,` come up often. One tmux call checks a batch of 100.
    const chars = fc.constantFrom('#', '#', '[', ']', '{', '}', '(', ')', ',', ':', 'l', 'S', '?', '=', ' ', "'", '"', '\\', '$', '%', 'a', '中');
    const textOf = fc.array(chars, { minLength: 1, maxLength: 16 }).map((a) => a.join(''));
    env.tmux(['new-session', '-d', '-s', 'fmt', 'sleep 600']);
    t.after(() => env.tmux(['kill-session', '-t', '=fmt']));
    fc.assert(
      fc.property(fc.array(textOf, { minLength: 100, maxLength: 100 }), (texts) => {
        // `-F` is expanded like `new-session -c` and `pipe-pane`; `display-message` adds strftime.
        const argv = texts.flatMap((t, i) => [...(i ? [';'] : []), 'list-panes', '-t', '=fmt:', '-F', formatLiteral(t), ';', 'display-message', '-p', '-t', '=fmt:', messageLiteral(t)]);
        const out = env.tmux(argv).split('\n').slice(0, -1);
        assert.deepEqual(out, texts.flatMap((t) => [t, t]));
      }),
      runs(12),
    );
  });

  test('1,000 generated registries: every reference reaches exactly its session or none', () => {
    const reg = new Registry();
    // Ids sharing prefixes with each other and with hex-looking names.
    const idArb = fc
      .oneof(hexArb(32), fc.tuple(fc.constantFrom('cafe', 'dead', 'beef', '0123'), hexArb(28)).map(([a, b]) => a + b))
      .map((h) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
    const recordsArb = fc
      .array(fc.constantFrom(...COLLIDING), { minLength: 1, maxLength: 6 })
      .map((names) => [...new Set(['r', ...names].filter((x) => NAME_SPEC.test(x)))])
      .chain((names) => fc.array(idArb, { minLength: names.length, maxLength: names.length }).map((ids) => names.map((name, i) => ({ id: ids[i]!, name, tmux: { session: tmuxSessionName(name) } }) as SessionRecord)));
    const caseArb = recordsArb.chain((records) =>
      fc.tuple(
        fc.constant(records),
        fc.oneof(
          fc.tuple(fc.constantFrom(...records), fc.integer({ min: 1, max: 12 })).map(([r, n]) => r.id.slice(0, n)),
          fc.constantFrom(...records).map((r) => r.name),
          fc.constantFrom(...COLLIDING),
        ),
      ),
    );
    fc.assert(
      fc.property(caseArb, ([records, ref]) => {
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
      }),
      runs(1000),
    );
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
    const recorder = `exec node ${shQuote(join(FIXTURES, 'recorder.mjs'))}`;
    interface Case { i: number; name: string; tag: string; key: string; value: string; prompt: string; folder: string }
    const caseArb = fc.record({
      name: fc.oneof({ weight: 1, arbitrary: nameArb() }, { weight: 3, arbitrary: fc.constantFrom('', '-x', '_y', 'cafe').map((s) => (i: number) => `e${i}${s}`) }),
      tag: fc.oneof({ weight: 1, arbitrary: pieces([...PLAIN, ...HOSTILE()], 2) }, { weight: 4, arbitrary: fc.constantFrom('', ':a', '/b', '.c').map((s) => (i: number) => `t${i}${s}`) }),
      key: fc.oneof({ weight: 1, arbitrary: keyArb() }, { weight: 4, arbitrary: fc.constant((i: number) => `K${i}`) }),
      value: textArb().map((s) => s.replace(/\0/g, '')),
      prompt: textArb().map((s) => s.replace(/\0/g, '')),
      folder: pieces([...PLAIN, ...HOSTILE(), '\t'].filter((p) => !p.includes('/') && !p.includes('\0')), 3),
    });
    const at = (x: string | ((i: number) => string), i: number) => (typeof x === 'string' ? x : x(i));
    let next = 0;
    let delivered = 0;
    const run = async (c: Case) => {
      const rec = join(env.dir, `rec-${c.i}`);
      // `--opt=VALUE`: a value may start with a dash.
      const args = ['run', '-c', recorder, `--name=${c.name}`, `--tag=${c.tag}`, '-e', `REC_FILE=${rec}`, `--env=${c.key}=${c.value}`, `--prompt=${c.prompt}`, '--json'];
      return { c, rec, r: await env.amux(args, { cwd: c.folder }) };
    };
    const check = async ({ c, rec, r }: Awaited<ReturnType<typeof run>>) => {
      const what = `case ${c.i} ${JSON.stringify(c)}`;
      const valid = NAME_SPEC.test(c.name) && TAG_SPEC.test(c.tag) && KEY_SPEC.test(c.key) && !TERMINAL_KEYS.includes(c.key) && ![...c.prompt.replace(/\r\n/g, '\n')].some((x) => FORBIDDEN(x.codePointAt(0)!));
      if (!valid) {
        assert.equal(r.code, 2, `${what}: refused as bad input: ${r.stderr}`);
        assert.match(r.stderr, /^amux: (invalid (session name|tag)|not a valid environment variable name|-e expects KEY=VALUE|\S+ cannot be set for an agent|the prompt holds a control character \(U\+[0-9A-F]{4}[^)]*\) at line \d+, column \d+)/, what);
        assert.ok(!existsSync(`${rec}.json`), `${what}: nothing started`);
        return;
      }
      if (r.code !== 0) {
        // Only a name another case took first may be refused.
        assert.match(r.stderr, /^amux: a session named "\S+" already exists/, `${what}: ${r.stderr}`);
        return;
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
    };
    // 4 runs of 10 cases started together. No shrinking: each case is a real agent, and the
    // failing case is printed whole (with the seed) by the assertion message.
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 10, maxLength: 10 }), async (gen) => {
        const cases: Case[] = gen.map((g) => {
          const i = next++;
          const folder = join(env.dir, 'p', `${i}${g.folder}`);
          mkdirSync(folder, { recursive: true });
          return { i, name: at(g.name, i), tag: at(g.tag, i), key: at(g.key, i), value: g.value, prompt: `p${i} ${g.prompt}`, folder };
        });
        for (const result of await Promise.all(cases.map(run))) await check(result);
      }),
      // Seed 1931507249 found a folder ending in `#[` started in another session's folder: tmux
      // keeps `##[` as a style (formatLiteral now gives `[` as `#{l:[}`).
      runs(4, { endOnFailure: true }),
    );
    assert.ok(delivered >= 10, `enough cases went all the way (${delivered})`);
    t.diagnostic(`${delivered} prompts delivered and checked byte for byte`);
    assert.ok(!existsSync(canary()), 'the canary never appears');
  });
});
