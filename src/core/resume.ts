/**
 * Resume and restart: a recorded session whose agent is gone (lost after the tmux server died or
 * the machine rebooted, hibernated, or exited) starts again in the same folder, with the same
 * agent, environment, name and tags, continuing the SAME conversation by the agent's own id
 * (never "the newest in this folder"). When the agent would not find that conversation, the
 * resume is refused (a blank conversation under the old id is the one wrong outcome) and
 * `fresh` starts a new conversation instead.
 */
import { existsSync } from 'node:fs';
import type { CoreContext } from './context.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { isLive, viewJson, type SessionView } from '../state/model.js';
import type { ConversationRef, SessionRecord } from '../session/types.js';
import type { SessionInfo } from './sessions.js';

export interface ResumeInput {
  /** Sessions to resume (references); or `all` / `lost`. */
  sessions?: string[];
  /** Every lost or hibernated session of this server (archived ones are left alone). */
  all?: boolean;
  /** Every lost session of this server. */
  lost?: boolean;
  /** Start a new conversation when the old one cannot be continued (never under the old id). */
  fresh?: boolean;
}

/** How one session came back. */
export interface Resumed {
  session: string;
  id: string;
  /** `resumed`: its conversation continues; `fresh`: a new conversation; `relaunched`: an agent with no conversation to continue, started again. */
  how: 'resumed' | 'fresh' | 'relaunched';
  conversation: string | null;
  /** The conversation file the agent reads, when it has one. */
  file: string | null;
}

export interface ResumeOutput {
  resumed: (Resumed & { info: SessionInfo })[];
  failed: { session: string; message: string; code: string; hint?: string }[];
}

/** The argv and conversation of a relaunch, or why there is none. */
export interface Plan {
  argv: string[];
  conversation: ConversationRef | null;
  how: Resumed['how'];
  file: string | null;
}

/**
 * What a relaunch of `rec` runs. `fallback` `fresh` starts a new conversation when the old one
 * cannot be continued; `refuse` says why not (the default of resume).
 */
export async function planRelaunch(rec: SessionRecord, env: NodeJS.ProcessEnv, fallback: 'fresh' | 'refuse'): Promise<Plan> {
  const { profileFor } = await import('../agents/index.js');
  const { withAgentArgs } = await import('../agents/hooks.js');
  const { agentEnv, conversationFile, restoreConversationCopy } = await import('../session/conversation.js');
  const base = rec.baseArgv ?? rec.argv;
  const target = { agent: rec.agent, detector: rec.detector, argv: base, shellCommand: rec.shellCommand === true };
  const profile = profileFor(rec.detector);
  const conv = profile.conversation;
  if (!conv || !rec.baseArgv) return { argv: [...rec.argv], conversation: rec.conversation ?? null, how: 'relaunched', file: null };
  const words = (extra: string[]) => {
    const argv = withAgentArgs(target, extra);
    if (!argv) throw new AmuxError(`cannot add ${profile.product}'s conversation words (${extra.join(' ')}) to the command of ${rec.name}`, { code: 'failed' });
    return argv;
  };
  const fresh = (why: string): Plan => {
    if (fallback === 'refuse') {
      throw new AmuxError(`${rec.name}: ${why}; resuming would start a blank conversation under the old id, so it was not resumed`, {
        code: 'not_found',
        hint: `amux resume ${rec.name} --fresh starts it with a new conversation`,
      });
    }
    if (!conv.assignArgs) return { argv: [...base], conversation: null, how: 'fresh', file: null };
    const id = globalThis.crypto.randomUUID();
    return { argv: words(conv.assignArgs(id)), conversation: { id, source: 'assigned', at: new Date().toISOString() }, how: 'fresh', file: null };
  };
  const ref = rec.conversation;
  if (!ref) return fresh(`amux does not know which ${profile.product} conversation it was in (the agent never reported one)`);
  let where = conversationFile(rec, ref, agentEnv(rec, env));
  // The agent deleted its file (Claude Code cleans up old transcripts): amux's copy goes back.
  if (!where.exists && where.file && restoreConversationCopy(rec, ref, where.file)) where = conversationFile(rec, ref, agentEnv(rec, env));
  if (!where.exists) {
    return fresh(`its ${profile.product} conversation ${ref.id} is not where the agent will look (${where.file ?? 'no file'}): the file is gone, or its config folder (CLAUDE_CONFIG_DIR / CODEX_HOME) differs`);
  }
  return { argv: words(conv.resumeArgs(ref.id)), conversation: ref, how: 'resumed', file: where.file };
}

/** One session back: planned, refused, or relaunched. */
async function relaunchOne(ctx: CoreContext, v: SessionView, fallback: 'fresh' | 'refuse', verb: string): Promise<Resumed & { record: SessionRecord }> {
  const rec = v.record;
  if (isLive(v.state)) throw new AmuxError(`${rec.name} is ${v.state}: there is nothing to ${verb}`, { code: 'conflict', hint: `amux attach ${rec.name}` });
  if (rec.adopted) throw new AmuxError(`${rec.name} was adopted from a pane amux did not start: amux does not know how to start it again`, { code: 'conflict', hint: `amux rm ${rec.name} forgets it` });
  if (!existsSync(rec.cwd)) {
    throw new AmuxError(`${rec.name}: its folder ${rec.cwd} is gone${rec.workspace ? ` (workspace ${rec.workspace})` : ''}`, { code: 'not_found', hint: rec.workspace ? `amux ws create ${rec.workspace} makes the workspace again` : undefined });
  }
  const plan = await planRelaunch(rec, ctx.env, fallback);
  const { relaunch } = await import('../session/relaunch.js');
  ctx.observer.progress?.(`${verb === 'wake' ? 'waking' : `${verb.replace(/e$/, '')}ing`} ${rec.name}${plan.conversation && plan.how === 'resumed' ? ` (conversation ${plan.conversation.id})` : ''}…`);
  const record = await relaunch(ctx.server, rec, { argv: plan.argv, conversation: plan.conversation, callerEnv: ctx.env }, ctx.registry);
  return { session: record.name, id: record.id, how: plan.how, conversation: plan.conversation?.id ?? null, file: plan.file, record };
}

/** After relaunches: the monitor watches them from their first second; `ps` reads tmux afresh. */
async function afterRelaunch(ctx: CoreContext): Promise<void> {
  const { invalidateSnapshot } = await import('../state/snapshot.js');
  invalidateSnapshot(ctx.server.socket);
  const { ensureDaemon } = await import('../state/daemon-client.js');
  await ensureDaemon(ctx.server.socket);
}

/** The views of this server's sessions, joined with one read (no monitor needed: tmux may be down). */
async function views(ctx: CoreContext): Promise<SessionView[]> {
  const { buildViews } = await import('../state/model.js');
  const recs = ctx.registry.list().filter((r) => r.tmux.socket === ctx.server.label);
  return buildViews(recs, await ctx.server.listPanes());
}

export async function resumeSessions(ctx: CoreContext, input: ResumeInput): Promise<ResumeOutput> {
  const refs = input.sessions ?? [];
  if (refs.length > 0 && (input.all || input.lost)) throw new UsageError('give sessions, or --all / --lost, not both');
  if (refs.length === 0 && !input.all && !input.lost) throw new UsageError('which sessions? e.g. amux resume NAME, amux resume --lost (see amux ps --all)');
  const all = await views(ctx);
  let chosen: SessionView[];
  if (refs.length > 0) {
    const recs = all.map((v) => v.record);
    chosen = refs.map((r) => {
      const rec = ctx.registry.resolve(r, recs);
      return all.find((v) => v.record.id === rec.id)!;
    });
  } else {
    const wanted = input.lost ? ['lost'] : ['lost', 'hibernated'];
    chosen = all.filter((v) => wanted.includes(v.state) && !v.record.archived);
  }
  const results = await Promise.allSettled(chosen.map((v) => relaunchOne(ctx, v, input.fresh ? 'fresh' : 'refuse', 'resume')));
  const out: ResumeOutput = { resumed: [], failed: [] };
  const ok: (Resumed & { record: SessionRecord })[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') ok.push(r.value);
    else {
      const e = r.reason as AmuxError;
      out.failed.push({ session: chosen[i]!.record.name, message: e.message, code: e.code ?? 'failed', ...(e.hint ? { hint: e.hint } : {}) });
    }
  });
  if (ok.length > 0) await afterRelaunch(ctx);
  const { readViews } = await import('./sessions.js');
  const fresh = await readViews(ctx, ok.map((x) => x.record));
  out.resumed = ok.map(({ record: _r, ...x }, i) => ({ ...x, info: viewJson(fresh[i]!) }));
  return out;
}

/**
 * Starts an exited (or lost) session again with the same spec, continuing its conversation where
 * the agent still has it, else with a new one (said in `how`).
 */
export async function restartSession(ctx: CoreContext, input: { session: string; fresh?: boolean }): Promise<Resumed & { info: SessionInfo }> {
  const all = await views(ctx);
  const rec = ctx.registry.resolve(input.session, all.map((v) => v.record));
  const v = all.find((x) => x.record.id === rec.id)!;
  if (input.fresh && rec.conversation) rec.conversation = undefined;
  const r = await relaunchOne(ctx, v, 'fresh', 'restart');
  await afterRelaunch(ctx);
  const { readViews } = await import('./sessions.js');
  const [view] = await readViews(ctx, [r.record]);
  const { record: _r, ...x } = r;
  return { ...x, info: viewJson(view!) };
}

/**
 * Wakes a hibernated session (send, attach, the TUI's Enter): resumes its conversation and returns
 * its new view. Any other view comes back as it is.
 */
export async function wakeView(ctx: CoreContext, v: SessionView): Promise<SessionView> {
  if (v.state !== 'hibernated') return v;
  const r = await relaunchOne(ctx, v, 'refuse', 'wake');
  await afterRelaunch(ctx);
  const { readViews } = await import('./sessions.js');
  return (await readViews(ctx, [r.record]))[0]!;
}
