/**
 * A scripted model API on 127.0.0.1 for the real agent CLIs (test:agents): Anthropic Messages
 * (`POST /v1/messages`, streaming SSE) for Claude Code and OpenAI Responses (`POST
 * /v1/responses`, streaming SSE) for Codex. The script, not amux, decides each turn, so the
 * truth of every moment comes from here: `truth()` is the timeline of what the agent is doing.
 *
 * A user turn is recognised by a marker in the last user message (`scenario:NAME`); every other
 * request (titles, quota probes, summaries) is a side request answered at once and never part of
 * the truth. Steps of a scenario:
 *   fast      answer one line at once                        running → idle
 *   slow      stream an answer for `slowMs`                  running → idle
 *   approval  ask for a tool that needs approval; after its result, answer
 *                                                            running → waiting → running → idle
 *   hang      accept the request, send nothing, never end    running → stuck (after stuckAfter)
 *   esc       stream slowly until the client hangs up        running → idle (when it closes)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync } from 'node:fs';

export type Truth = 'running' | 'waiting' | 'idle' | 'stuck';
export interface TruthEvent {
  at: number;
  state: Truth;
  why: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ModelApiOptions {
  /** How long a slow answer streams. */
  slowMs?: number;
  /** Appends one JSON line per request here (debugging). */
  logFile?: string;
}

export class ModelApi {
  private server: Server | null = null;
  readonly events: TruthEvent[] = [];
  private open = new Set<ServerResponse>();
  private seq = 0;
  constructor(private readonly opts: ModelApiOptions = {}) {}

  get url(): string {
    const a = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${a.port}`;
  }

  mark(state: Truth, why: string): void {
    this.events.push({ at: Date.now(), state, why });
  }

  /** The truth at `t`: the last event at or before it (idle before any). */
  truthAt(t: number): Truth {
    let s: Truth = 'idle';
    for (const e of this.events) if (e.at <= t) s = e.state;
    return s;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    for (const r of this.open) r.destroy();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private async body(req: IncomingMessage): Promise<any> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      return { raw: text };
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.body(req);
    const path = (req.url ?? '').split('?')[0]!;
    if (this.opts.logFile) appendFileSync(this.opts.logFile, JSON.stringify({ at: Date.now(), method: req.method, path, body }) + '\n');
    if (req.method === 'POST' && path.endsWith('/messages/count_tokens')) return json(res, { input_tokens: 100 });
    if (req.method === 'POST' && path.endsWith('/messages')) return this.anthropic(body, res);
    if (req.method === 'POST' && path.endsWith('/responses')) return this.openai(body, res);
    if (req.method === 'GET' && path.endsWith('/models')) return json(res, { data: [], object: 'list' });
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { type: 'not_found', message: `no ${path}` } }));
  }

  // --- the script -------------------------------------------------------------------------

  /** What this request is: a step of a user turn, or a side request. */
  private step(lastUser: string, isToolResult: boolean, toolResultOf: string | null): { kind: 'side' } | { kind: 'fast' | 'slow' | 'approval' | 'hang' | 'esc' | 'after-tool'; text: string } {
    if (isToolResult && toolResultOf) return { kind: 'after-tool', text: 'The command ran. Done.' };
    // The last marker: after an interrupt, the agent may send the interrupted prompt and the new
    // one in one user message.
    const all = [...lastUser.matchAll(/scenario:(fast|slow|approval|hang|esc)\b/g)];
    const m = all[all.length - 1];
    if (!m) return { kind: 'side' };
    return { kind: m[1] as 'fast', text: '' };
  }

  private async anthropic(body: any, res: ServerResponse): Promise<void> {
    const msgs: any[] = body.messages ?? [];
    // The last user message (Claude Code may append a system-role message after it).
    const last = [...msgs].reverse().find((m) => m?.role === 'user');
    const parts: any[] = typeof last?.content === 'string' ? [{ type: 'text', text: last.content }] : (last?.content ?? []);
    const toolResult = parts.find((p) => p.type === 'tool_result');
    const userText = parts.filter((p) => p.type === 'text').map((p) => p.text).join('\n');
    const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
    const st = hasTools ? this.step(userText, !!toolResult, toolResult ? String(toolResult.tool_use_id ?? '') : null) : { kind: 'side' as const };
    const id = `msg_${++this.seq}`;
    if (!body.stream) {
      return json(res, { id, type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: 'Side answer' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 3 } });
    }
    sse(res);
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const ev = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const start = () => ev('message_start', { message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 50, output_tokens: 1 } } });
    const text = async (chunks: string[], gap: number): Promise<boolean> => {
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      for (const c of chunks) {
        if (res.destroyed || res.writableEnded) return false;
        ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: c } });
        if (gap) await sleep(gap);
      }
      ev('content_block_stop', { index: 0 });
      return true;
    };
    const end = (reason: string, tokens: number) => {
      ev('message_delta', { delta: { stop_reason: reason, stop_sequence: null }, usage: { output_tokens: tokens } });
      ev('message_stop', {});
      res.end();
    };
    if (st.kind === 'side') {
      start();
      await text(['Side answer'], 0);
      return end('end_turn', 3);
    }
    await this.run(st.kind, res, {
      start,
      text,
      end,
      tool: async () => {
        ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_${this.seq}`, name: 'Bash', input: {} } });
        ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify({ command: 'touch approved.txt', description: 'Create a file' }) } });
        ev('content_block_stop', { index: 0 });
        end('tool_use', 20);
      },
    });
  }

  private async openai(body: any, res: ServerResponse): Promise<void> {
    const input: any[] = Array.isArray(body.input) ? body.input : [];
    const last = input[input.length - 1];
    const isToolResult = last?.type === 'function_call_output' || last?.type === 'custom_tool_call_output';
    let userText = '';
    for (let i = input.length - 1; i >= 0; i--) {
      const it = input[i];
      if (it?.role === 'user' && it.type === 'message') {
        userText = (it.content ?? []).map((c: any) => c.text ?? '').join('\n');
        break;
      }
    }
    const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
    // A side request (the title) has no tools; only the last user message of a turn counts.
    const st = hasTools ? this.step(isToolResult ? '' : userText, isToolResult, isToolResult ? String(last.call_id ?? '') : null) : { kind: 'side' as const };
    const rid = `resp_${++this.seq}`;
    sse(res);
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const ev = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const usage = (n: number) => ({ input_tokens: 50, input_tokens_details: { cached_tokens: 0 }, output_tokens: n, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 50 + n });
    const start = () => ev('response.created', { response: { id: rid, object: 'response', status: 'in_progress', output: [] } });
    let outIndex = 0;
    const text = async (chunks: string[], gap: number): Promise<boolean> => {
      const item = `msg_${this.seq}_${outIndex}`;
      ev('response.output_item.added', { output_index: outIndex, item: { type: 'message', id: item, role: 'assistant', status: 'in_progress', content: [] } });
      ev('response.content_part.added', { item_id: item, output_index: outIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      for (const c of chunks) {
        if (res.destroyed || res.writableEnded) return false;
        ev('response.output_text.delta', { item_id: item, output_index: outIndex, content_index: 0, delta: c });
        if (gap) await sleep(gap);
      }
      const all = chunks.join('');
      ev('response.output_text.done', { item_id: item, output_index: outIndex, content_index: 0, text: all });
      ev('response.output_item.done', { output_index: outIndex, item: { type: 'message', id: item, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: all, annotations: [] }] } });
      outIndex++;
      return true;
    };
    const end = (_reason: string, tokens: number) => {
      ev('response.completed', { response: { id: rid, object: 'response', status: 'completed', output: [], usage: usage(tokens) } });
      res.end();
    };
    if (st.kind === 'side') {
      start();
      await text(['Side answer'], 0);
      return end('', 3);
    }
    const toolNames: string[] = (body.tools ?? []).map((t: any) => t.name ?? t.function?.name).filter(Boolean);
    await this.run(st.kind, res, {
      start,
      text,
      end,
      tool: async () => {
        const call = `call_${this.seq}`;
        const name = toolNames.includes('shell') ? 'shell' : toolNames.includes('exec_command') ? 'exec_command' : (toolNames.find((n) => /shell/.test(n)) ?? 'shell');
        const args =
          name === 'exec_command'
            ? { cmd: 'touch approved.txt', sandbox_permissions: 'require_escalated', justification: 'create a file' }
            : { command: ['bash', '-lc', 'touch approved.txt'], with_escalated_permissions: true, sandbox_permissions: 'require_escalated', justification: 'create a file' };
        const item = { type: 'function_call', id: `fc_${this.seq}`, call_id: call, name, arguments: JSON.stringify(args), status: 'completed' };
        ev('response.output_item.added', { output_index: outIndex, item: { ...item, arguments: '', status: 'in_progress' } });
        ev('response.output_item.done', { output_index: outIndex, item });
        end('', 20);
      },
    });
  }

  /** Plays one step of a user turn and records its truth. */
  private async run(
    kind: 'fast' | 'slow' | 'approval' | 'hang' | 'esc' | 'after-tool',
    res: ServerResponse,
    w: { start: () => void; text: (chunks: string[], gap: number) => Promise<boolean>; end: (reason: string, tokens: number) => void; tool: () => Promise<void> },
  ): Promise<void> {
    const slowMs = this.opts.slowMs ?? 10_000;
    this.mark('running', `${kind} request arrived`);
    if (kind === 'hang') {
      // Headers sent, nothing else: the request never ends until the client gives up.
      res.on('close', () => this.mark('idle', 'hung request closed by the client'));
      return;
    }
    w.start();
    if (kind === 'fast' || kind === 'after-tool') {
      await w.text(['Done', `: all good (reply ${this.seq}).`], 0);
      w.end('end_turn', 5);
      this.mark('idle', `${kind} answer complete`);
      return;
    }
    if (kind === 'approval') {
      await w.text(['I will create the file.'], 0);
      await w.tool();
      this.mark('waiting', 'tool call sent: the CLI asks for approval');
      return;
    }
    const n = Math.max(1, Math.round(slowMs / 250));
    const words = Array.from({ length: n }, (_, i) => `word${i}${i % 8 === 7 ? '\n\n' : ' '}`);
    if (kind === 'esc') {
      let closed = false;
      res.on('close', () => {
        if (!closed) this.mark('idle', 'client closed the stream (Esc)');
        closed = true;
      });
      const ok = await w.text(Array.from({ length: 400 }, (_, i) => `line${i}${i % 6 === 5 ? '\n\n' : ' '}`), 250);
      if (ok && !closed) {
        closed = true;
        w.end('end_turn', 400);
        this.mark('idle', 'esc answer complete');
      }
      return;
    }
    if (await w.text(words, 250)) {
      w.end('end_turn', n);
      this.mark('idle', 'slow answer complete');
    }
  }
}

function sse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
}

function json(res: ServerResponse, body: object): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
