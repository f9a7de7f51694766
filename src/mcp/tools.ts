/**
 * The MCP tools: the core's operations under names an agent reads well, their input and output
 * schemas taken from the core's own SCHEMAS (so the MCP contract is the core's), each with a
 * short text for the caller's model beside the structured result. Who calls matters: a session
 * that reaches amux through MCP starts children, and may not stop, remove or drive the
 * sessions above it (core/lineage.ts).
 */
import type { CoreContext } from '../core/context.js';
import { SCHEMAS, SESSION } from '../core/schemas.js';
import { AmuxError, UsageError, type ErrorCode } from '../util/errors.js';
import type { SessionRecord } from '../session/types.js';

type Schema = Record<string, unknown>;
type Args = Record<string, unknown>;

/** How long a waiting tool call may take by default: under the ~60 s many MCP clients allow. */
export const DEFAULT_BOUND_MS = 45_000;

export interface ToolResult {
  structured: Record<string, unknown>;
  text: string;
}

export interface Tool {
  name: string;
  title: string;
  description: string;
  input: Schema;
  output: Schema;
  annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
  /** Calls that wait report progress while they do. */
  waits?: boolean;
  run(ctx: CoreContext, args: Args, caller: SessionRecord | null): Promise<ToolResult>;
}

const props = (op: string): Record<string, Schema> => SCHEMAS[op]!.input.properties as Record<string, Schema>;
const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, required, additionalProperties: false });

const BOUND: Schema = {
  type: 'integer',
  minimum: 0,
  description: `the most this call waits, in ms (default ${DEFAULT_BOUND_MS}); when it runs out the result says so and carries a cursor to continue`,
};

const core = () => import('../core/index.js');

/** Refuses a caller acting on itself or its ancestors. */
async function guard(ctx: CoreContext, caller: SessionRecord | null, ref: string, what: string): Promise<void> {
  if (!caller) return;
  const { resolveView } = await import('../core/sessions.js');
  const target = (await resolveView(ctx, ref)).record;
  const { checkMayTouch } = await import('../core/lineage.js');
  checkMayTouch(ctx, caller, target, what);
}

/** The text of a wait's result: where it stands, then the reply. */
function waitText(r: { session: string; state: string; done: boolean; output: string | null; timedOut: boolean }): string {
  const head = r.done ? `${r.session} is ${r.state}.` : `${r.session} is still ${r.state}: call await with the cursor to keep waiting.`;
  return r.output ? `${head}\n\n${r.output}` : head;
}

const json = (x: unknown) => x as Record<string, unknown>;

export const TOOLS: Tool[] = [
  {
    name: 'list_sessions',
    title: 'List sessions',
    description: `${SCHEMAS.listSessions!.description} Each session has its state (idle: its turn is over; waiting: it asks a person; running: working) and, when an agent started it through this server, its parent.`,
    input: SCHEMAS.listSessions!.input,
    output: SCHEMAS.listSessions!.output,
    annotations: { readOnlyHint: true },
    async run(ctx, args) {
      const r = await (await core()).listSessions(ctx, args);
      const lines = r.sessions.map((s) => `${s.name}  ${s.agent}  ${s.state}${s.workspace ? `  ws:${s.workspace}` : ''}${s.parent ? `  parent:${s.parent.slice(0, 8)}` : ''}`);
      return { structured: json(r), text: lines.length ? lines.join('\n') : 'no sessions' };
    },
  },
  {
    name: 'run_agent',
    title: 'Start an agent',
    description:
      "Start an agent in its own tmux session, in the project's folder, a named workspace (a git worktree, created when missing) or a fresh workspace; optionally type a first prompt once it is ready. It gets its configured environment on a clean base (none of your own agent's variables). When you are an amux session yourself, it is your child: the config's mcp limits bound how many you may run and how deep. Returns the session; follow it with send, await and capture.",
    input: object(
      {
        agent: { type: 'string', description: 'an agent id from the config or a preset: claude, codex, gemini, aider, shell' },
        workspace: props('startSessions').workspace!,
        newWorkspace: { type: 'boolean', description: 'run in a fresh workspace named after the session (not with workspace)' },
        name: { ...props('startSessions').name!, description: 'the session name (default: from the agent and workspace)' },
        prompt: props('startSessions').prompt!,
        environment: { ...props('startSessions').env!, description: 'extra environment variables for the agent' },
      },
      ['agent'],
    ),
    output: SESSION,
    annotations: { openWorldHint: true },
    async run(ctx, args, caller) {
      const a = args as { agent: string; workspace?: string; newWorkspace?: boolean; name?: string; prompt?: string; environment?: Record<string, string> };
      if (a.workspace !== undefined && a.newWorkspace) throw new UsageError('give workspace or newWorkspace, not both');
      const workspace = a.newWorkspace ? freshWorkspaceName(a.name ?? a.agent) : a.workspace;
      const r = await (await core()).startSessions(ctx, {
        agents: [a.agent],
        workspace,
        name: a.name,
        env: a.environment,
        prompt: a.prompt,
        parent: caller?.id,
        cleanEnv: true,
      });
      const s = r.started[0];
      const failed = r.failed[0];
      if (!s) throw new AmuxError(failed?.message ?? 'the agent did not start', { code: (failed?.code ?? 'failed') as ErrorCode });
      return { structured: json(s), text: `started ${s.name} (${s.agent}, ${s.state})${s.workspace ? ` in workspace ${s.workspace}` : ''}${r.failed.length ? `; but: ${r.failed[0]!.message}` : ''}` };
    },
  },
  {
    name: 'send',
    title: 'Send a prompt',
    description:
      "Type a prompt into an agent once it is ready for input and confirm it started working. With wait (the default) it then waits, at most timeoutMs, for the turn to end and returns the reply; when the bound runs out first (done false) it returns the reply so far and a cursor: call await with that cursor to keep waiting. The reply is never lost between calls. A turn that ends in a question to a person has state waiting: read it with capture, answer with keys.",
    input: object(
      {
        session: props('sendPrompt').session!,
        text: { type: 'string', description: 'the prompt, typed literally' },
        wait: { type: 'boolean', description: 'wait for the reply (default true); false returns once the agent started working' },
        timeoutMs: BOUND,
      },
      ['session', 'text'],
    ),
    output: SCHEMAS.sendPrompt!.output,
    annotations: { openWorldHint: true },
    waits: true,
    async run(ctx, args, caller) {
      const a = args as { session: string; text: string; wait?: boolean; timeoutMs?: number };
      await guard(ctx, caller, a.session, 'send to');
      const r = await (await core()).sendPrompt(ctx, { session: a.session, text: a.text, wait: a.wait ?? true, timeoutMs: a.timeoutMs ?? DEFAULT_BOUND_MS });
      const text = a.wait === false ? `sent to ${r.session}; it is ${r.state}. Call await with the cursor for the reply.` : waitText(r);
      return { structured: json(r), text };
    },
  },
  {
    name: 'await',
    title: 'Wait for a turn or a state',
    description:
      'Keep waiting, at most timeoutMs: with a cursor from send (or an earlier await), for that turn to end, returning its reply; with a session, until it reaches a state (until: idle, waiting, exited, running, stuck, or any: anything but working). Returns done false and a cursor when the bound runs out first: call again with the cursor.',
    input: object({ cursor: props('awaitTurn').cursor!, session: props('awaitTurn').session!, until: props('awaitTurn').until!, timeoutMs: BOUND }),
    output: SCHEMAS.awaitTurn!.output,
    annotations: { readOnlyHint: true },
    waits: true,
    async run(ctx, args) {
      const a = args as { cursor?: string; session?: string; until?: 'idle'; timeoutMs?: number };
      const r = await (await core()).awaitTurn(ctx, { ...a, timeoutMs: a.timeoutMs ?? DEFAULT_BOUND_MS });
      return { structured: json(r), text: waitText(r) };
    },
  },
  {
    name: 'capture',
    title: 'Read the screen',
    description: `${SCHEMAS.captureSession!.description} Use it to read a question the agent asks (state waiting) or to look at work in progress.`,
    input: SCHEMAS.captureSession!.input,
    output: SCHEMAS.captureSession!.output,
    annotations: { readOnlyHint: true },
    async run(ctx, args) {
      const r = await (await core()).captureSession(ctx, args as { session: string });
      return { structured: json(r), text: r.text };
    },
  },
  {
    name: 'transcript',
    title: 'Read the history',
    description: `${SCHEMAS.readTranscript!.description} Use it to read what a helper did over its whole run (capture shows only the screen).`,
    input: SCHEMAS.readTranscript!.input,
    output: SCHEMAS.readTranscript!.output,
    annotations: { readOnlyHint: true },
    async run(ctx, args) {
      const r = await (await core()).readTranscript(ctx, args as { session: string; since?: string; format?: 'text' | 'ansi' | 'html' });
      return { structured: json(r), text: r.text };
    },
  },
  {
    name: 'keys',
    title: 'Press keys',
    description: `${SCHEMAS.sendKeys!.description} For answering a question on screen (e.g. 1 or Enter to allow, Escape to refuse); use send for prompts.`,
    input: SCHEMAS.sendKeys!.input,
    output: SCHEMAS.sendKeys!.output,
    annotations: { openWorldHint: true },
    async run(ctx, args, caller) {
      const a = args as { session: string; keys: string[] };
      await guard(ctx, caller, a.session, 'press keys in');
      const r = await (await core()).sendKeys(ctx, a);
      return { structured: json(r), text: `pressed ${r.keys.join(' ')} in ${r.session}` };
    },
  },
  {
    name: 'explain',
    title: 'Why this state',
    description: SCHEMAS.explainSession!.description,
    input: SCHEMAS.explainSession!.input,
    output: SCHEMAS.explainSession!.output,
    annotations: { readOnlyHint: true },
    async run(ctx, args) {
      const r = await (await core()).explainSession(ctx, args as { session: string });
      return { structured: json(r), text: `${r.name} is ${r.state}: ${r.reason}` };
    },
  },
  {
    name: 'stop',
    title: 'Stop a session',
    description: `${SCHEMAS.stopSession!.description} You may not stop yourself or the session that started you.`,
    input: SCHEMAS.stopSession!.input,
    output: SCHEMAS.stopSession!.output,
    annotations: { destructiveHint: true, idempotentHint: true },
    async run(ctx, args, caller) {
      const a = args as { session: string; graceMs?: number };
      await guard(ctx, caller, a.session, 'stop');
      const r = await (await core()).stopSession(ctx, a);
      return { structured: json(r), text: `${r.session}: ${r.outcome}` };
    },
  },
  {
    name: 'remove',
    title: 'Remove a session',
    description: `${SCHEMAS.removeSession!.description} A workspace with changes is kept. You may not remove yourself or the session that started you.`,
    input: SCHEMAS.removeSession!.input,
    output: SCHEMAS.removeSession!.output,
    annotations: { destructiveHint: true },
    async run(ctx, args, caller) {
      const a = args as { session: string; force?: boolean };
      await guard(ctx, caller, a.session, 'remove');
      const r = await (await core()).removeSession(ctx, a);
      const ws = r.workspace ? (r.workspace.removed ? `; workspace ${r.workspace.name} removed` : `; workspace ${r.workspace.name} kept: ${r.workspace.reason}`) : '';
      return { structured: json(r), text: `removed ${r.session}${ws}` };
    },
  },
  {
    name: 'workspace_create',
    title: 'Create a workspace',
    description: SCHEMAS.createWorkspace!.description,
    input: SCHEMAS.createWorkspace!.input,
    output: SCHEMAS.createWorkspace!.output,
    annotations: {},
    async run(ctx, args) {
      const r = await (await core()).createWorkspace(ctx, args as { name: string });
      return { structured: json(r), text: `${r.created ? 'created' : 'reused'} workspace ${r.workspace.name} on ${r.workspace.branch} at ${r.workspace.path}` };
    },
  },
  {
    name: 'workspace_list',
    title: 'List workspaces',
    description: SCHEMAS.listWorkspaces!.description,
    input: SCHEMAS.listWorkspaces!.input,
    output: SCHEMAS.listWorkspaces!.output,
    annotations: { readOnlyHint: true },
    async run(ctx) {
      const r = await (await core()).listWorkspaces(ctx);
      const lines = r.workspaces.map((w) => `${w.name}  ${w.branch}  ${w.state}${w.dirty ? '  dirty' : ''}  ahead:${w.ahead ?? '?'}  sessions:${w.sessions}`);
      return { structured: json(r), text: lines.length ? lines.join('\n') : 'no workspaces' };
    },
  },
  {
    name: 'workspace_diff',
    title: "A workspace's changes",
    description: SCHEMAS.diffWorkspace!.description,
    input: SCHEMAS.diffWorkspace!.input,
    output: SCHEMAS.diffWorkspace!.output,
    annotations: { readOnlyHint: true },
    async run(ctx, args) {
      const r = await (await core()).diffWorkspace(ctx, args as { name: string });
      const untracked = r.untracked.length ? `\nuntracked: ${r.untracked.join(', ')}` : '';
      return { structured: json(r), text: (r.diff || '(no changes to tracked files)') + untracked };
    },
  },
  {
    name: 'workspace_merge',
    title: 'Merge a workspace',
    description: SCHEMAS.mergeWorkspace!.description,
    input: SCHEMAS.mergeWorkspace!.input,
    output: SCHEMAS.mergeWorkspace!.output,
    annotations: { destructiveHint: false },
    async run(ctx, args) {
      const r = await (await core()).mergeWorkspace(ctx, args as { name: string });
      return { structured: json(r), text: `${r.branch} into ${r.into}: ${r.how} (${r.commit.slice(0, 12)})` };
    },
  },
  {
    name: 'workspace_remove',
    title: 'Remove a workspace',
    description: SCHEMAS.removeWorkspace!.description,
    input: SCHEMAS.removeWorkspace!.input,
    output: SCHEMAS.removeWorkspace!.output,
    annotations: { destructiveHint: true },
    async run(ctx, args) {
      const r = await (await core()).removeWorkspace(ctx, args as { name: string });
      return { structured: json(r), text: `removed workspace ${r.name}${r.deletedBranch ? ` and branch ${r.branch}` : ''}${r.keptBranch ? `; branch ${r.branch} kept: ${r.keptBranch}` : ''}` };
    },
  },
];

/** A workspace name no other has: the session's base and a short random tail. */
function freshWorkspaceName(base: string): string {
  return `${base.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${Math.random().toString(36).slice(2, 8)}`;
}
