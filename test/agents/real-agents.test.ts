/**
 * State truth on the REAL Claude Code and Codex CLIs (`npm run test:agents`; not part of
 * `npm test`: the CLIs are ~600 MB). Pinned releases from the npm registry, installed into a
 * cache dir (AMUX_AGENT_CACHE, default /work/.agent-cache or ~/.cache/amux-agents) by
 * scripts/agents-install.sh, run offline against the scripted model API of ./model-api.ts on
 * 127.0.0.1 with scratch HOME / CODEX_HOME. The API decides each turn, so the truth never comes
 * from amux.
 *
 * Per agent and scenario (idle prompt, slow streaming, approval dialog, Esc interrupt, hung
 * request) it samples `amux ps --json` every 250 ms and reports the share of samples that agree
 * with the truth (samples within 2 s after a change of the truth are grace) and the latency of
 * each change (p95). With AMUX_RECORD_SCREENS=1 it writes each phase's screen and pane title to
 * test/fixtures/screens/real/ for the detector table tests of `npm test`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TestEnv, CLI, ROOT, waitFor } from '../helpers.ts';
import { ModelApi, type Truth } from './model-api.ts';

const CACHE = process.env.AMUX_AGENT_CACHE ?? (existsSync('/work/.agent-cache') ? '/work/.agent-cache' : join(homedir(), '.cache', 'amux-agents'));
const BIN = join(CACHE, 'node_modules', '.bin');
const STUCK_AFTER_MS = 12_000;
const GRACE_MS = 2000;
const RECORD = process.env.AMUX_RECORD_SCREENS === '1';
const SCREENS = join(ROOT, 'test', 'fixtures', 'screens', 'real');
const API_KEY = 'sk-ant-api03-amuxscriptedkey00000000000000000000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  at: number;
  state: string;
  rule: string;
}

interface Ctx {
  env: TestEnv;
  api: ModelApi;
  pane: string;
  agent: 'claude' | 'codex';
  type: (text: string) => Promise<void>;
  record: (what: string, verdict: string) => void;
}

interface Result {
  agent: string;
  scenario: string;
  samples: number;
  agree: number;
  latencies: number[];
  transients: number[];
  misses: string[];
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

/** The truth at t, with a hung request turning `stuck` after STUCK_AFTER_MS. */
function truthAt(api: ModelApi, t: number): Truth {
  let s: Truth = 'idle';
  let hungAt: number | null = null;
  for (const e of api.events) {
    if (e.at > t) break;
    s = e.state;
    // A hung turn's last progress is its submission (the prompt drawn): stuck stuckAfter later.
    if (e.state !== 'running') hungAt = null;
    else if (hungAt === null && /scenario:hang|^hang/.test(e.why)) hungAt = e.at;
  }
  if (s === 'running' && hungAt !== null && t >= hungAt + STUCK_AFTER_MS) return 'stuck';
  return s;
}

/** Changes of the truth in [from, to]. */
function changes(api: ModelApi, from: number, to: number): { at: number; state: Truth }[] {
  const out: { at: number; state: Truth }[] = [];
  let last = truthAt(api, from);
  const points = [...api.events.map((e) => e.at), ...api.events.filter((e) => /scenario:hang|^hang/.test(e.why)).map((e) => e.at + STUCK_AFTER_MS)].filter((t) => t > from && t <= to).sort((a, b) => a - b);
  for (const t of points) {
    const s = truthAt(api, t);
    if (s !== last) out.push({ at: t, state: s });
    last = s;
  }
  return out;
}

/**
 * One sample of the published state: what `amux ps --json` prints (model.ts reads the pane's
 * `@amux_state`, weighed by the monitor's heartbeat). Read with one tmux client call, because a
 * whole `amux ps` costs about a second of CPU here (2 shared cores) and could not keep 250 ms.
 */
function published(env: TestEnv, pane: string): Promise<Sample | null> {
  return new Promise((resolve) => {
    execFile('tmux', ['-L', env.socket, 'display-message', '-p', '-t', pane, '#{@amux_state}\t#{@amux_daemon_tick}\t#{@amux_reason}'], { env: env.env, encoding: 'utf8', timeout: 5000 }, (err, stdout) => {
      const at = Date.now();
      if (err) return resolve(null);
      const [state, tick, reason] = stdout.replace(/\n$/, '').split('\t');
      // model.ts: a heartbeat older than a few seconds shows `unknown`.
      const stale = !tick || at - Number(tick) > 5000;
      resolve({ at, state: stale ? 'unknown' : state!, rule: reason ?? '' });
    });
  });
}

function ps(env: TestEnv, cwd: string): Promise<Sample | null> {
  const at = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'ps', '--json'], { cwd, env: env.env, encoding: 'utf8', timeout: 10_000 }, (err, stdout) => {
      if (err) return resolve(null);
      try {
        const rows = JSON.parse(stdout) as Array<{ name: string; state: string; reason?: string; rule?: string }>;
        const r = rows.find((x) => x.name === 'agent');
        resolve(r ? { at, state: r.state, rule: r.rule ?? r.reason ?? '' } : null);
      } catch {
        resolve(null);
      }
    });
  });
}

async function scenario(ctx: Ctx, cwd: string, name: string, body: () => Promise<void>): Promise<Result> {
  const samples: Sample[] = [];
  const start = Date.now();
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const t0 = Date.now();
      const s = await published(ctx.env, ctx.pane);
      if (s) samples.push(s);
      await sleep(Math.max(0, 250 - (Date.now() - t0)));
    }
  })();
  await body();
  done = true;
  await sampler;
  const end = Date.now();
  const ch = changes(ctx.api, start, end);
  let agree = 0;
  let counted = 0;
  const misses: string[] = [];
  const lastChangeBefore = (t: number) => {
    let c = start - GRACE_MS; // the start of a scenario is not a change
    for (const x of ch) if (x.at <= t) c = x.at;
    return c;
  };
  for (const s of samples) {
    if (s.at - lastChangeBefore(s.at) < GRACE_MS) continue;
    counted++;
    const truth = truthAt(ctx.api, s.at);
    if (s.state === truth) agree++;
    else misses.push(`+${s.at - start}ms ps=${s.state} truth=${truth} (${s.rule.slice(0, 90)})`);
  }
  // The latency of each change: the first sample showing it. A truth shorter than a second (the
  // approved command running for a few ms before the fast answer) is a transient, not counted.
  const latencies: number[] = [];
  const transients: number[] = [];
  ch.forEach((c, i) => {
    const until = ch[i + 1]?.at ?? end;
    if (until - c.at < 1000) return void transients.push(until - c.at);
    const seen = samples.find((s) => s.at >= c.at && s.state === c.state);
    latencies.push(seen ? seen.at - c.at : Number.POSITIVE_INFINITY);
  });
  return { agent: ctx.agent, scenario: name, samples: counted, agree, latencies, transients, misses: misses.slice(0, 8) };
}

function setupClaude(env: TestEnv, project: string, api: ModelApi): Record<string, string> {
  const home = join(env.dir, 'agent-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      lastOnboardingVersion: '2.1.197',
      theme: 'dark',
      autoUpdates: false,
      customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] },
      projects: { [project]: { hasTrustDialogAccepted: true, allowedTools: [], hasCompletedProjectOnboarding: true } },
    }),
  );
  return { HOME: home, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: API_KEY, DISABLE_AUTOUPDATER: '1' };
}

function setupCodex(env: TestEnv, project: string, api: ModelApi): Record<string, string> {
  const home = join(env.dir, 'agent-home');
  const codexHome = join(env.dir, 'codex-home');
  mkdirSync(home, { recursive: true });
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      'model = "gpt-scripted"',
      'model_provider = "scripted"',
      'approval_policy = "on-request"',
      'sandbox_mode = "read-only"',
      'check_for_update_on_startup = false',
      '',
      '[model_providers.scripted]',
      'name = "scripted"',
      `base_url = "${api.url}/v1"`,
      'env_key = "SCRIPTED_API_KEY"',
      'wire_api = "responses"',
      '',
      `[projects."${project}"]`,
      'trust_level = "trusted"',
      '',
    ].join('\n'),
  );
  return { HOME: home, CODEX_HOME: codexHome, SCRIPTED_API_KEY: 'scripted' };
}

const results: Result[] = [];
const sends: string[] = [];

for (const agent of ['claude', 'codex'] as const) {
  const bin = join(BIN, agent);
  test(`real ${agent}: states agree with the scripted API`, { skip: existsSync(bin) ? false : `no ${bin} (run npm run test:agents)`, timeout: 600_000 }, async () => {
    const env = new TestEnv(`real${agent}`);
    const api = new ModelApi({ slowMs: 10_000, logFile: process.env.AMUX_API_LOG });
    await api.start();
    try {
      const project = env.gitRepo('proj');
      const vars = agent === 'claude' ? setupClaude(env, project, api) : setupCodex(env, project, api);
      mkdirSync(join(project, '.amux'), { recursive: true });
      const envYaml = Object.entries(vars).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`).join('\n');
      writeFileSync(
        join(project, '.amux', 'config.yaml'),
        `version: 1\nagents:\n  ${agent}:\n    command: [${JSON.stringify(bin)}]\n    detector: ${agent}\n    stuckAfter: ${STUCK_AFTER_MS / 1000}s\n    environment:\n${envYaml}\n`,
      );
      const r = await env.amux(['run', agent, '--name', 'agent'], { cwd: project });
      assert.equal(r.code, 0, r.stderr);
      const rows = await env.amuxJson<Array<{ name: string; tmux: { pane: string } }>>(['ps', '--json'], { cwd: project });
      const pane = rows.find((x) => x.name === 'agent')!.tmux.pane;
      const ctx: Ctx = {
        env,
        api,
        pane,
        agent,
        type: async (text) => {
          env.tmux(['send-keys', '-t', pane, '-l', text]);
          await sleep(400);
          // The user's turn starts at the submit: the agent works from here (side requests first).
          api.mark('running', `submit ${text}`);
          env.tmux(['send-keys', '-t', pane, 'Enter']);
        },
        record: (what, verdict) => {
          if (!RECORD) return;
          mkdirSync(SCREENS, { recursive: true });
          const screen = env.tmux(['capture-pane', '-p', '-J', '-t', pane]);
          const title = env.tmux(['display-message', '-p', '-t', pane, '#{pane_title}']).replace(/\n$/, '');
          const base = join(SCREENS, `${agent}-${verdict}-${what}`);
          writeFileSync(`${base}.txt`, screen);
          writeFileSync(`${base}.title`, title + '\n');
        },
      };
      // Ready: the idle prompt (its first screens skipped by the scratch config).
      await waitFor(async () => (await ps(env, project))?.state === 'idle', 60_000, 500);
      await sleep(3000);
      ctx.record('startup', 'idle');
      const run = (name: string, body: () => Promise<void>) => scenario(ctx, project, name, body).then((r) => void results.push(r));
      const waitTruth = (s: Truth, ms = 30_000) => waitFor(() => truthAt(api, Date.now()) === s, ms, 100);

      await run('idle prompt', async () => {
        await sleep(6000);
      });
      await run('slow streaming', async () => {
        await ctx.type('scenario:slow write a long answer');
        await waitTruth('running');
        await sleep(5000);
        ctx.record('streaming', 'busy');
        await waitTruth('idle');
        await sleep(4000);
        ctx.record('after-stream', 'idle');
      });
      await run('approval dialog', async () => {
        await ctx.type('scenario:approval create a file');
        await waitTruth('waiting');
        await sleep(5000);
        ctx.record('approval', 'waiting');
        api.mark('running', 'approved by a keypress');
        env.tmux(['send-keys', '-t', pane, agent === 'claude' ? '1' : 'y']);
        await waitTruth('idle');
        await sleep(4000);
      });
      await run('Esc interrupt', async () => {
        await ctx.type('scenario:esc stream until interrupted');
        await waitTruth('running');
        await sleep(5000);
        env.tmux(['send-keys', '-t', pane, 'Escape']);
        await waitTruth('idle', 10_000).catch(() => api.mark('idle', 'Esc pressed (the stream was not closed)'));
        await sleep(5000);
        ctx.record('interrupted', 'idle');
      });
      await run('hung request', async () => {
        await ctx.type('scenario:hang never answer');
        await waitTruth('running');
        await sleep(6000);
        ctx.record('hung', 'busy');
        await sleep(STUCK_AFTER_MS + 24_000); // past Codex's ~30 s tip line
        ctx.record('hung-tip', 'busy');
        env.tmux(['send-keys', '-t', pane, 'Escape']);
        await waitTruth('idle', 10_000).catch(() => api.mark('idle', 'Esc pressed on the hung request'));
        await sleep(4000);
      });

      // send: the delivery is verified (the turn started) and the reply printed; a turn that
      // stops at a permission dialog exits 3.
      const fast = await env.amux(['send', 'agent', 'scenario:fast answer at once', '--timeout', '60s'], { cwd: project });
      sends.push(`${agent} send (fast answer): exit ${fast.code}, reply ${JSON.stringify(fast.stdout.trim().slice(0, 60))}`);
      assert.equal(fast.code, 0, fast.stderr);
      assert.match(fast.stdout, /all good/);
      const ask = await env.amux(['send', 'agent', 'scenario:approval create the file', '--timeout', '60s'], { cwd: project });
      sends.push(`${agent} send (approval): exit ${ask.code}, ${JSON.stringify(ask.stderr.trim().slice(0, 60))}`);
      assert.equal(ask.code, 3, ask.stderr);
      env.tmux(['send-keys', '-t', pane, agent === 'claude' ? '1' : 'y']);
      await waitFor(async () => (await published(env, pane))?.state === 'idle', 30_000, 200);
    } finally {
      await api.stop();
      await env.cleanup();
    }
  });
}

test('report', () => {
  const lines: string[] = [];
  let worst = 1;
  let p95all: number[] = [];
  for (const r of results) {
    const share = r.samples ? r.agree / r.samples : 1;
    worst = Math.min(worst, share);
    p95all = p95all.concat(r.latencies);
    lines.push(
      `${r.agent.padEnd(6)} ${r.scenario.padEnd(16)} agreement ${(share * 100).toFixed(1).padStart(5)}% of ${String(r.samples).padStart(3)} samples; ` +
        `changes seen after ${r.latencies.map((l) => (Number.isFinite(l) ? `${l}ms` : 'never')).join(', ') || '-'}` +
        `${r.transients.length ? ` (transient truths not counted: ${r.transients.map((t) => `${t}ms`).join(', ')})` : ''}${r.misses.length ? `\n         misses: ${r.misses.join('; ')}` : ''}`,
    );
  }
  const text = [...lines, ...sends].join('\n') + `\nchange latency p95 ${quantile(p95all, 0.95)}ms over ${p95all.length} changes`;
  console.log(text);
  if (process.env.AMUX_AGENTS_REPORT) writeFileSync(process.env.AMUX_AGENTS_REPORT, text + '\n');
});
