/**
 * One-shot delegation: an agent in a fresh workspace does one task; the reply comes back and
 * nothing is left behind unless asked (or unless the agent changed files: work is never thrown
 * away). What `amux delegate` and a lead agent's tools call.
 */
import type { CoreContext } from './context.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { startSessions } from './start.js';
import { captureSession, removeSession, sendPrompt } from './sessions.js';
import { createWorkspace, diffWorkspace, removeWorkspace } from './workspaces.js';
import type { State } from '../state/model.js';

export interface DelegateInput {
  agent: string;
  task: string;
  /** Commit, branch or tag the fresh workspace starts from. */
  base?: string;
  /** Keep the session and its workspace afterwards. */
  keep?: boolean;
  timeoutMs?: number;
}

export interface DelegateOutput {
  /** How the turn ended: idle (done), waiting (a dialog needs a person: nothing is answered on the agent's behalf), or another state. */
  state: State;
  timedOut: boolean;
  reply: string | null;
  /** The dialog's text when the turn ended waiting for a person. */
  dialog: string | null;
  session: string;
  workspace: string;
  /** `git diff --stat` of what the agent changed (empty when nothing). */
  diffStat: string;
  /** What is left behind: the session and the workspace are removed unless kept or changed. */
  kept: { session: boolean; workspace: boolean };
}

export async function delegate(ctx: CoreContext, input: DelegateInput): Promise<DelegateOutput> {
  if (!input.task.trim()) throw new UsageError('the task is empty');
  const workspace = `delegate-${input.agent.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 20)}-${Date.now().toString(36)}`;
  ctx.observer.progress?.(`creating workspace ${workspace}…`);
  await createWorkspace(ctx, { name: workspace, base: input.base });
  let session: string | null = null;
  try {
    const started = await startSessions(ctx, { agents: [input.agent], workspace });
    if (!started.started[0]) throw new AmuxError(started.failed[0]?.message ?? `${input.agent} did not start`, { code: 'failed' });
    session = started.started[0].id;
    ctx.observer.progress?.(`${started.started[0].name}: sending the task…`);
    const res = await sendPrompt(ctx, { session, text: input.task, wait: true, timeoutMs: input.timeoutMs });
    const dialog = res.state === 'waiting' ? (await captureSession(ctx, { session, lines: 20 })).text.trim() : null;
    const diff = await diffWorkspace(ctx, { name: workspace, stat: true });
    const diffStat = [diff.diff.trim(), ...diff.untracked.map((f) => ` ${f} (new, untracked)`)].filter(Boolean).join('\n');
    const changed = diffStat !== '';
    const keepSession = input.keep === true || res.state === 'waiting' || res.timedOut;
    const out: DelegateOutput = {
      state: res.state as State,
      timedOut: res.timedOut,
      reply: res.output,
      dialog,
      session: res.session,
      workspace,
      diffStat,
      kept: { session: keepSession, workspace: keepSession || changed },
    };
    if (!keepSession) {
      await removeSession(ctx, { session, force: true, keepWorkspace: true });
      session = null;
      if (!changed) await removeWorkspace(ctx, { name: workspace });
    }
    return out;
  } catch (e) {
    // A failed delegation leaves nothing of its own behind either.
    if (!input.keep) {
      if (session) await removeSession(ctx, { session, force: true, keepWorkspace: true }).catch(() => undefined);
      await removeWorkspace(ctx, { name: workspace }).catch(() => undefined);
    }
    throw e;
  }
}
