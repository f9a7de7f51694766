/**
 * `npm run bench`: runs every benchmark on private tmux servers and writes bench/RESULTS.md.
 * `npm run bench -- core` (or state, tui, stress) runs one group; `npm run bench -- scale` runs the
 * 1,000-session bench (issue 14), which the default run leaves out.
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, machine } from './lib.ts';
import { benchPs, benchLaunch, type Row } from './core.ts';

const groups: Record<string, () => Promise<Row[]>> = {
  'core: ps and launch': async () => [...(await benchPs()), ...(await benchLaunch())],
};

async function optional(name: string, file: string, fn: string): Promise<void> {
  if (!existsSync(join(ROOT, 'bench', file))) return;
  groups[name] = async () => {
    const mod = (await import(`./${file}`)) as Record<string, () => Promise<Row[] | Record<string, number | string>>>;
    const out = await mod[fn]!();
    return Array.isArray(out) ? out : Object.entries(out).map(([what, value]) => ({ what, value: String(value) }));
  };
}

await optional('state: daemon and latency', 'state.ts', 'benchState');
await optional('tui', 'tui.ts', 'benchTui');
await optional('stress: 100 sessions, 20 printing', 'stress.ts', 'benchStress');
await optional('web: terminals', 'web.ts', 'benchWeb');
await optional('hosts: ps --all-hosts over ssh', 'hosts.ts', 'benchHosts');
await optional('transcript: rendering', 'transcript.ts', 'benchTranscript');
/** Selected only by name (`npm run bench -- scale`): it takes minutes, the default run stays short. */
const onDemand: Record<string, () => Promise<Row[]>> = {};
if (existsSync(join(ROOT, 'bench', 'scale.ts'))) onDemand[`scale: ${process.env.BENCH_SCALE_N ?? 1000} sessions`] = async () => (await import('./scale.ts')).benchScale();

const only = process.argv[2];
if (only) for (const [name, fn] of Object.entries(onDemand)) if (name.startsWith(only)) groups[name] = fn;
const sections: string[] = [];
for (const [name, fn] of Object.entries(groups)) {
  if (only && !name.startsWith(only)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  const rows = await fn();
  const lines = ['| measure | value | goal | met |', '| --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.what} | ${r.value} | ${r.goal ?? ''} | ${r.ok === undefined ? '' : r.ok ? 'yes' : 'no'} |`);
  sections.push(`## ${name}\n\n${lines.join('\n')}\n`);
  process.stdout.write(`\n## ${name}\n${lines.join('\n')}\n`);
}
const header = `# Benchmark results\n\nRun with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; machine: ${machine()}.\n\n`;
const file = join(ROOT, 'bench', 'RESULTS.md');
if (!only) writeFileSync(file, header + sections.join('\n'));
else {
  // A partial run replaces only its own sections.
  let text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  for (const s of sections) {
    const title = s.split('\n')[0]!;
    const i = text.indexOf(title);
    if (i >= 0) {
      const j = text.indexOf('\n## ', i + 1);
      text = text.slice(0, i) + s + (j >= 0 ? '\n' + text.slice(j + 1) : '');
    } else text += '\n' + s;
  }
  writeFileSync(file, text.replace(/Run with `npm run bench` on [0-9-]+/, `Run with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}`));
}
