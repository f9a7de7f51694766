/**
 * The MCP server: amux's tools and resources over the SDK's McpServer. Every call gets its own
 * core context (config read fresh, progress to the caller); a waiting call sends progress
 * notifications while it waits when the client gave a progressToken. Every failure comes back
 * as a tool error carrying the core's code and message, never a crash.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { openContext, type CoreContext } from '../core/context.js';
import { AmuxError } from '../util/errors.js';
import { version } from '../version.js';
import { TOOLS, type Tool } from './tools.js';

/** How often a waiting call tells the client it is still at it. */
const PROGRESS_EVERY_MS = 1000;

/** A zod schema for the SDK from one of the core's JSON Schemas (the JSON the client sees). */
export function zodOf(schema: Record<string, unknown>): z.ZodObject {
  const s = z.fromJSONSchema(schema);
  if (!(s instanceof z.ZodObject)) throw new Error('an MCP tool schema must be an object schema');
  return s;
}

export interface ServerOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Tool calls under way (for a host that reports them, and for tests): kept up to date here. */
  calls?: { active: number };
}

type Extra = { signal?: AbortSignal; _meta?: { progressToken?: string | number }; sendNotification: (n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number; message?: string } }) => Promise<void> };

/** The failure as the caller's model should read it: code, message, what to do. */
function toolError(e: unknown): CallToolResult {
  const err = e instanceof AmuxError ? e : new AmuxError(e instanceof Error ? e.message : String(e));
  return { isError: true, content: [{ type: 'text', text: `${err.code}: ${err.message}${err.hint ? ` (${err.hint})` : ''}` }], _meta: { amux: err.toJSON() } };
}

export function createServer(opts: ServerOptions): McpServer {
  const server = new McpServer({ name: 'amux', version }, { capabilities: { logging: {} } });
  const context = (progress?: (m: string) => void, signal?: AbortSignal): Promise<CoreContext> =>
    openContext({ cwd: opts.cwd, env: opts.env, skipVersionCheck: true, observer: { progress }, signal });
  /** The session this server runs in: re-read per call (it may be removed meanwhile). */
  const callerOf = async (ctx: CoreContext) => (await import('../core/lineage.js')).callerSession(ctx);

  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: zodOf(tool.input), outputSchema: zodOf(tool.output), annotations: tool.annotations },
      (args: Record<string, unknown>, extra: unknown) => callTool(tool, args, extra as Extra),
    );
  }

  async function callTool(tool: Tool, args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> {
    let last = '';
    const token = extra._meta?.progressToken;
    const started = Date.now();
    if (opts.calls) opts.calls.active++;
    const timer =
      tool.waits && token !== undefined
        ? setInterval(() => {
            const secs = Math.round((Date.now() - started) / 1000);
            extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: secs, message: last || `still waiting (${secs}s)` } }).catch(() => undefined);
          }, PROGRESS_EVERY_MS)
        : null;
    try {
      // A client that cancels the call (notifications/cancelled) ends its waits.
      const ctx = await context((m) => (last = m), extra.signal);
      const r = await tool.run(ctx, args, await callerOf(ctx));
      return { structuredContent: r.structured, content: [{ type: 'text', text: r.text }] };
    } catch (e) {
      return toolError(e);
    } finally {
      if (timer) clearInterval(timer);
      if (opts.calls) opts.calls.active--;
    }
  }

  registerResources(server, context);
  return server;
}

/** Read-only views of what the read tools return, as JSON documents. */
function registerResources(server: McpServer, context: () => Promise<CoreContext>): void {
  const core = () => import('../core/index.js');
  const doc = (uri: string, value: unknown) => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });
  server.registerResource('sessions', 'amux://sessions', { title: 'Sessions', description: 'Every session of this tmux server with its state (as list_sessions).', mimeType: 'application/json' }, async (uri) =>
    doc(uri.href, await (await core()).listSessions(await context(), {})),
  );
  const list = async () => {
    const r = await (await core()).listSessions(await context(), {});
    return { resources: r.sessions.map((s) => ({ uri: `amux://sessions/${s.id}`, name: s.name, description: `${s.agent}, ${s.state}`, mimeType: 'application/json' })) };
  };
  server.registerResource('session', new ResourceTemplate('amux://sessions/{id}', { list }), { title: 'A session', description: 'One session with its state and why.', mimeType: 'application/json' }, async (uri, v) =>
    doc(uri.href, await (await core()).getSession(await context(), { session: String(v.id) })),
  );
  server.registerResource('screen', new ResourceTemplate('amux://sessions/{id}/screen', { list: undefined }), { title: "A session's screen", description: 'The visible screen as text (as capture).', mimeType: 'text/plain' }, async (uri, v) => {
    const r = await (await core()).captureSession(await context(), { session: String(v.id) });
    return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: r.text }] };
  });
  server.registerResource('workspaces', 'amux://workspaces', { title: 'Workspaces', description: "The project's workspaces with their status (as workspace_list).", mimeType: 'application/json' }, async (uri) =>
    doc(uri.href, await (await core()).listWorkspaces(await context())),
  );
}
