/**
 * `amux transcript` rendering cost: a full-screen agent's log at the default rotation size
 * (16 MB of in-place redraws of a 4-line frame, plus a line of history every 50 frames),
 * rendered through the terminal emulator in-process.
 */
import { renderTranscript } from '../src/session/transcript.ts';

export async function benchTranscript(): Promise<{ what: string; value: string; goal?: string; ok?: boolean }[]> {
  const parts: string[] = [];
  let size = 0;
  let i = 0;
  parts.push('header\r\n');
  while (size < 16 * 1024 * 1024) {
    let s = i ? '\x1b[4A\r' : '';
    if (i % 50 === 49) s += `\x1b[J history line ${i}\r\n`;
    for (const l of [`╭── frame ${i} ──╮`, `│ working ${'.'.repeat(i % 7)}`, '╰──────────────╯', '? for shortcuts']) s += `\x1b[2K${l}\r\n`;
    parts.push(s);
    size += Buffer.byteLength(s);
    i++;
  }
  const bytes = Buffer.from(parts.join(''));
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const text = await renderTranscript(bytes, { cols: 200, rows: 50 });
  const ms = performance.now() - t0;
  const rss = (process.memoryUsage().rss - rss0) / 1024 / 1024;
  const lines = text.split('\n').length - 1;
  return [
    { what: `render a 16 MB full-screen log (${i} frames) as text`, value: `${Math.round(ms)} ms`, goal: '< 10 s', ok: ms < 10_000 },
    { what: 'lines in the transcript (history + last frame)', value: String(lines) },
    { what: 'memory added while rendering', value: `${Math.round(rss)} MB` },
    { what: 'render throughput', value: `${Math.round(bytes.length / 1024 / 1024 / (ms / 1000))} MB/s` },
  ];
}
