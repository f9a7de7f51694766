/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): log in with the
 * one-time link, watch states change live and answer a dialog with one tap, drive a terminal
 * (typed text reaches xterm's buffer and tmux's pane), a read-only view cannot type, a phone-sized
 * viewer leaves the person's own 200x50 client alone, and a takeover link holds control until
 * it is returned.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TestEnv, waitFor } from './helpers.ts';
import { serve, type Served } from './web-helpers.ts';

const pty = createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('the dashboard in a browser', { skip: CHROMIUM ? false : 'chromium is not installed (.ci/run installs it)' }, () => {
  const env = new TestEnv('webui');
  let s: Served;
  let browser: Browser;
  let page: Page;
  let repo = '';
  const pane = () => env.tmux(['capture-pane', '-p', '-t', 'amux-sh']);
  const rowState = (p: Page, name: string) => p.evaluate((n) => [...(globalThis as any).document.querySelectorAll('#sessions tbody tr')].find((r) => r.firstElementChild?.textContent === n)?.getAttribute('data-state') ?? null, name);
  const xtermText = (p: Page) =>
    p.evaluate(() => {
      const t = (globalThis as any).amux.term;
      if (!t) return '';
      const b = t.buffer.active;
      const out: string[] = [];
      for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
      return out.join('\n');
    });
  const termReady = (p: Page) => p.evaluate(() => !!(globalThis as any).amux.termInfo?.ready);
  const until = async (f: () => Promise<unknown> | unknown, what: string, ms = 15_000) => assert.ok(await waitFor(f, ms, 100), what);

  before(async () => {
    repo = env.gitRepo('repo', { 'a.txt': 'one\n' });
    const r = await env.amux(['run', '-c', 'PS1="$ " exec bash --norc --noprofile', '--name', 'sh'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    await until(() => pane().includes('$'), 'the shell prompt shows');
    s = await serve(env);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
    await env.cleanup();
  });

  test('the one-time link logs in and shows the sessions', async () => {
    await page.goto(s.login);
    await page.waitForSelector('#sessions tbody tr[data-id]', { timeout: 15_000 });
    assert.equal(await rowState(page, 'sh') !== null, true);
    assert.equal(new URL(page.url()).hash, '', 'the secret leaves the address bar');
    const again = await browser.newPage();
    await again.goto(s.login);
    await again.waitForSelector('#login:not([hidden])', { timeout: 15_000 });
    assert.match((await again.textContent('#login-msg')) ?? '', /used already/);
    await again.close();
  });

  test('states change live; a waiting session comes first, counts in the title, and one tap answers it', async () => {
    const r = await env.amux(['run', 'claude', '--name', 'cl', '-e', 'FAKE_START=turn', '-e', 'FAKE_SCRIPT=busy:2,permission,busy:1,done'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    // Every state the row shows, as the page receives it (no reload).
    const seen: string[] = [];
    const watchRow = async () => {
      const st = await rowState(page, 'cl');
      if (st && seen.at(-1) !== st) seen.push(st);
      return st;
    };
    await until(async () => (await watchRow()) === 'waiting', 'the new session appears, then waits for an answer', 30_000);
    assert.ok(seen.length >= 2, `the row changed state in place: ${seen.join(' → ')}`);
    const first = await page.evaluate(() => (globalThis as any).document.querySelector('#sessions tbody tr')?.firstElementChild?.textContent);
    assert.equal(first, 'cl', 'waiting first');
    assert.match(await page.title(), /^\(1\) amux/);
    await page.click('#sessions tr[data-state="waiting"] button[data-act="approve"]');
    await until(async () => (await watchRow()) === 'idle', 'the answer ended the turn', 30_000);
    assert.equal(await page.title(), 'amux');
  });

  test('a drive terminal: typed text reaches the xterm buffer and the pane; the key bar reports', async () => {
    await page.click('#sessions tr:has(td:text-is("sh")) button[data-act="drive"]');
    await until(() => termReady(page), 'the terminal is attached');
    await page.click('#xterm');
    await page.keyboard.type('echo hello');
    await page.keyboard.press('Enter');
    await until(async () => /^hello\s*$/m.test(await xtermText(page)), 'hello in the xterm buffer');
    await until(() => /^hello$/m.test(pane()), 'hello in tmux capture-pane');
    await page.click('#keys button[data-key="C-c"]');
    await until(async () => /C-c ✓ applied/.test((await page.textContent('#key-status')) ?? ''), 'the key bar says C-c was applied');
    await page.click('#term-history');
    await until(async () => ((await page.textContent('#history')) ?? '').includes('hello'), 'scrollback from the log');
  });

  test("a read-only view cannot type, and a phone-sized viewer leaves the person's 200x50 client alone", async () => {
    const user = pty.spawn('tmux', ['-L', env.socket, 'attach-session', '-t', 'amux-sh'], { name: 'xterm-256color', cols: 200, rows: 50, env: env.env as Record<string, string> });
    try {
      const size = () => env.tmux(['display-message', '-p', '-t', 'amux-sh', '#{window_width}x#{window_height}']).trim();
      await until(() => size().startsWith('200x'), "the person's client sizes the window");
      const userSize = size();
      await page.setViewportSize({ width: 360, height: 640 });
      await page.click('#term-close');
      await page.click('#sessions tr:has(td:text-is("sh")) button[data-act="view"]');
      await until(() => termReady(page), 'the viewer is attached');
      assert.equal(await page.evaluate(() => (globalThis as any).amux.termInfo.readOnly), true);
      const cols = await page.evaluate(() => (globalThis as any).amux.term.cols);
      assert.ok(cols < 60, `a small terminal (${cols} columns)`);
      const before = pane();
      await page.click('#xterm');
      await page.keyboard.type('echo nope');
      await page.keyboard.press('Enter');
      await page.click('#keys button[data-key="Enter"]');
      await until(async () => /not applied \(read-only\)/.test((await page.textContent('#key-status')) ?? ''), 'the key bar says it was not applied');
      assert.equal(pane(), before, 'the pane is unchanged');
      assert.equal(size(), userSize, "the person's window kept its size");
      await page.click('#term-close');
      await page.setViewportSize({ width: 1100, height: 800 });
    } finally {
      user.kill();
    }
  });

  test('handoff: the takeover link holds control; scripts are refused until it is returned', async () => {
    const h = await env.amux(['handoff', 'sh', '--reason', 'captcha', '--json']);
    assert.equal(h.code, 0, h.stderr);
    const url = (JSON.parse(h.stdout) as { url: string }).url;
    await until(async () => ((await page.textContent('#sessions')) ?? '').includes('handed off'), 'the dashboard shows the handoff');
    const ctx = await browser.newContext();
    const p2 = await ctx.newPage();
    await p2.goto(url);
    await until(() => termReady(p2), 'the takeover link opens a drive terminal');
    await until(async () => ((await page.textContent('#sessions')) ?? '').includes('held by takeover link'), 'the dashboard shows who holds it');
    const refused = await env.amux(['send', 'sh', 'echo scripted', '--no-wait']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /handed off to a person/);
    await p2.click('#xterm');
    await p2.keyboard.type('echo person-typed');
    await p2.keyboard.press('Enter');
    await until(() => /^person-typed$/m.test(pane()), 'the person types');
    await until(async () => p2.isVisible('#term-return'), 'a return button');
    await p2.click('#term-return');
    await until(() => pane().includes('Control is back'), 'the agent is told control is back');
    await until(async () => !((await page.textContent('#sessions')) ?? '').includes('handed off'), 'the dashboard shows it released');
    const keys = await env.amux(['keys', 'sh', 'C-c']);
    assert.equal(keys.code, 0, keys.stderr);
    await ctx.close();
  });
});
