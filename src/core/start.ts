/**
 * Starting sessions: one or more agents (or one command), `count` of each, in the project's
 * folder or a workspace (a git worktree, created when missing), optionally with a first prompt.
 * Every launch in a batch either starts or says why; the monitor is started for them once.
 */
import type { CoreContext } from './context.js';
import { UsageError } from '../util/errors.js';
import { validateName } from '../tmux/names.js';
import { literalText } from '../session/text.js';
import { validateTag } from '../session/edit.js';
import { validateEnvKey } from '../session/envfile.js';
import { viewJson } from '../state/model.js';
import type { SessionRecord } from '../session/types.js';
import type { LaunchSpec } from '../session/launcher.js';
import type { SessionInfo } from './sessions.js';

/** The most sessions of one agent a launch starts (a thousand sessions fit one machine: issue 14). */
export const MAX_COUNT = 1000;

/** Launches made by one tmux client, and how many such clients run at once. */
const LAUNCHES_PER_CLIENT = 10;
const CLIENTS_AT_ONCE = 4;

/** `Promise.allSettled` of `fn` over `items`, at most `width` at a time, results in order. */
async function settledPool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i]!) };
      } catch (e) {
        out[i] = { status: 'rejected', reason: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

export interface StartInput {
  /** Agent ids from the config (presets included). Give agents or `command`, not both. */
  agents?: string[];
  /** A shell command to run instead of an agent. */
  command?: string;
  /** Sessions of each agent (1 to MAX_COUNT; default 1). */
  count?: number;
  /** Run in this workspace (a git worktree), created when missing. */
  workspace?: string;
  /** Session name, for a single session. */
  name?: string;
  tags?: string[];
  /** Extra environment for the agents (never on a command line). */
  env?: Record<string, string>;
  /** Typed once each agent is ready for input. */
  prompt?: string;
  /** Extra arguments for the agent's program. */
  passthrough?: string[];
  /** A worktree per session: WORKSPACE-1, WORKSPACE-2, … (the usual way to run agents side by side). */
  each?: boolean;
  /**
   * The session asking (a reference): the new sessions are its children, within the config's
   * `mcp` limits.
   */
  parent?: string;
  /** Launch on a clean base environment, without the asking agent's own variables. */
  cleanEnv?: boolean;
}

export interface StartOutput {
  started: SessionInfo[];
  /** Launches that failed, with why (the others still started). */
  failed: { message: string; code: string }[];
}

export async function startSessions(ctx: CoreContext, input: StartInput): Promise<StartOutput & { records: SessionRecord[] }> {
  const agentsIn = input.agents ?? [];
  if (input.command !== undefined && agentsIn.length > 0) throw new UsageError('give either agents or a command, not both');
  if (input.command === undefined && agentsIn.length === 0) throw new UsageError('which agent? e.g. amux run claude (see amux config show)');
  const count = input.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw new UsageError(`count must be a whole number from 1 to ${MAX_COUNT}, got "${input.count}"`);
  for (const k of Object.keys(input.env ?? {})) validateEnvKey(k);
  const total = (input.command !== undefined ? 1 : agentsIn.length) * count;
  if (input.name !== undefined && total > 1) throw new UsageError('a name names one session; drop it when launching several');
  if (input.name !== undefined) validateName(input.name);
  for (const t of input.tags ?? []) validateTag(t);
  // Refused before anything starts (typeText enforces the same rule at the pane).
  const prompt = input.prompt === undefined ? undefined : literalText(input.prompt);

  const config = await ctx.config();
  let parent: SessionRecord | undefined;
  if (input.parent !== undefined) {
    const { resolveView } = await import('./sessions.js');
    parent = (await resolveView(ctx, input.parent)).record;
    const { checkChildLimits } = await import('./lineage.js');
    await checkChildLimits(ctx, parent, total);
  }
  const { resolveAgent, expandEnvironment } = await import('../config/load.js');
  // Resolve every agent before creating anything: an unknown agent is an error, never a command.
  const agents = input.command !== undefined ? [null] : agentsIn.map((a) => resolveAgent(config, a));

  if (input.each && input.workspace === undefined) throw new UsageError('each needs a workspace: one worktree per session, named WORKSPACE-1, WORKSPACE-2, …');
  /** Where launch number `n` runs: the project, the workspace, or with `each` a worktree of its own. */
  const places: { cwd: string; workspace: string | null }[] = [];
  if (input.workspace === undefined) for (let n = 0; n < total; n++) places.push({ cwd: ctx.cwd, workspace: null });
  else {
    const { createWorkspace } = await import('./workspaces.js');
    const names = input.each ? Array.from({ length: total }, (_, n) => `${input.workspace}-${n + 1}`) : [input.workspace];
    for (const name of names) {
      ctx.observer.progress?.(`preparing workspace ${name}…`);
      const { workspace: ws } = await createWorkspace(ctx, { name, reuse: true });
      // The project's own folder inside the worktree.
      places.push({ cwd: ws.dir, workspace: name });
    }
    while (places.length < total) places.push(places[0]!);
  }

  const { buildLaunchSpec } = await import('../session/spec.js');
  const { launchMany } = await import('../session/launcher.js');
  const specs: LaunchSpec[] = [];
  for (const agent of agents) {
    for (let i = 0; i < count; i++) {
      const { cwd, workspace } = places[specs.length]!;
      specs.push(
        buildLaunchSpec({
          config,
          agent,
          command: input.command,
          passthrough: input.passthrough ?? [],
          extraEnv: input.env ?? {},
          expandEnvironment,
          cwd,
          workspace,
          name: input.name,
          tags: input.tags ?? [],
          processEnv: ctx.env,
          cleanEnv: input.cleanEnv,
          parent: parent?.id,
        }),
      );
      specs[specs.length - 1]!.logs = config.logs;
    }
  }
  // The parent's places are taken atomically just before the launches (the check above fails early).
  const { reserveChildren } = await import('./lineage.js');
  const held = parent ? await reserveChildren(ctx, parent, specs.length) : null;
  // Launches go LAUNCHES_PER_CLIENT to a tmux client, a few clients at a time: a thousand
  // clients at once overrun the server's socket (refused connections) and the machine.
  const taken = new Set<string>();
  const groups: LaunchSpec[][] = [];
  for (let i = 0; i < specs.length; i += LAUNCHES_PER_CLIENT) groups.push(specs.slice(i, i + LAUNCHES_PER_CLIENT));
  let results: PromiseSettledResult<SessionRecord>[];
  try {
    results = (await settledPool(groups, CLIENTS_AT_ONCE, (g) => launchMany(ctx.server, g, ctx.registry, taken))).flatMap((r, k) =>
      r.status === 'fulfilled' ? r.value : groups[k]!.map((): PromiseSettledResult<SessionRecord> => ({ status: 'rejected', reason: r.reason })),
    );
  } finally {
    held?.all();
  }
  const records = results.filter((r): r is PromiseFulfilledResult<SessionRecord> => r.status === 'fulfilled').map((r) => r.value);
  const failed: StartOutput['failed'] = [];
  const fail = (e: unknown) => failed.push({ message: (e as Error).message, code: (e as { code?: string }).code ?? 'failed' });
  for (const r of results) if (r.status === 'rejected') fail(r.reason);

  if (records.length > 0) {
    const { invalidateSnapshot } = await import('../state/snapshot.js');
    invalidateSnapshot(ctx.server.socket);
    // The monitor watches every new session from its first second.
    const { ensureDaemon } = await import('../state/daemon-client.js');
    await ensureDaemon(ctx.server.socket);
  }
  if (prompt !== undefined && prompt.trim() && records.length > 0) {
    const { deliverPrompt } = await import('../state/send.js');
    const sent = await Promise.allSettled(records.map((rec) => deliverPrompt(ctx.server, rec, prompt, { onProgress: ctx.observer.progress })));
    for (const r of sent) if (r.status === 'rejected') fail(r.reason);
    const { invalidateSnapshot } = await import('../state/snapshot.js');
    invalidateSnapshot(ctx.server.socket);
  }
  const { readViews } = await import('./sessions.js');
  const views = await readViews(ctx, records);
  return { started: views.map(viewJson), failed, records };
}
