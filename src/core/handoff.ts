/**
 * Handoff: an agent (or its person) hands a session to a person — "pause → takeover URL → adopt →
 * return control". The hold lives in the session's record, so every process sees it: while it
 * is there, the core's `sendPrompt` and `sendKeys` (and so `amux send`, `amux keys`, the MCP
 * server and the dashboard's buttons) refuse with code `forbidden`; the person types in the
 * browser terminal. Returning control types a short message to the agent with what changed in
 * its worktree meanwhile (`git diff --stat` against a snapshot taken at the handoff).
 */
import type { CoreContext } from './context.js';
import { AmuxError } from '../util/errors.js';
import type { SessionRecord } from '../session/types.js';

export interface HandoffInfo {
  reason: string | null;
  /** When the session was handed off (ISO time). */
  at: string;
  /** Who holds control once a person opened the takeover link; null until then. */
  holder: string | null;
  heldAt: string | null;
  /** A commit of the worktree as it was at the handoff (`git stash create`, else HEAD); null outside git. */
  base: string | null;
}

/** Refuses scripts while a person holds (or was asked to take) a session. */
export function checkNotHeld(rec: SessionRecord): void {
  const h = rec.handoff;
  if (!h) return;
  const who = h.holder ? `${h.holder} holds control since ${h.heldAt}` : `it waits for a person since ${h.at}`;
  throw new AmuxError(`${rec.name} is handed off to a person (${who}${h.reason ? `: ${h.reason}` : ''}); scripts may not type into it`, {
    code: 'forbidden',
    hint: `the person returns control from the dashboard, or: amux handoff --return ${rec.name}`,
  });
}

async function snapshot(cwd: string): Promise<string | null> {
  const { gitLine } = await import('../workspace/git.js');
  const stash = await gitLine(cwd, ['stash', 'create']).catch(() => null);
  if (stash) return stash;
  return gitLine(cwd, ['rev-parse', '--verify', 'HEAD']).catch(() => null);
}

export interface HandoffOutput {
  session: string;
  id: string;
  handoff: HandoffInfo;
}

/** Marks a live session as waiting for a person: scripts are refused until control returns. */
export async function handoffSession(ctx: CoreContext, input: { session: string; reason?: string }): Promise<HandoffOutput> {
  const { resolveView } = await import('./sessions.js');
  const v = await resolveView(ctx, input.session);
  if (!v.pane || v.pane.paneDead) throw new AmuxError(`${v.record.name} is not live: there is nothing to hand off`, { code: 'not_live' });
  const base = await snapshot(v.record.cwd);
  const rec = await ctx.registry.update(v.record.id, (r) => {
    // A second handoff keeps the first snapshot: the diff covers the whole time away.
    r.handoff = r.handoff ?? { reason: input.reason ?? null, at: new Date().toISOString(), holder: null, heldAt: null, base };
    if (input.reason) r.handoff.reason = input.reason;
  });
  if (!rec?.handoff) throw new AmuxError(`${v.record.name} was removed meanwhile`, { code: 'not_found' });
  await invalidate(ctx);
  return { session: rec.name, id: rec.id, handoff: rec.handoff };
}

/** A person takes control of a handed-off session (the takeover link was opened). */
export async function takeoverSession(ctx: CoreContext, input: { session: string; by: string }): Promise<HandoffOutput> {
  const { resolveView } = await import('./sessions.js');
  const v = await resolveView(ctx, input.session);
  let rec = v.record;
  if (!rec.handoff) rec = (await handoffSession(ctx, { session: rec.id })) && ctx.registry.get(rec.id)!;
  const next = await ctx.registry.update(rec.id, (r) => {
    const h = r.handoff ?? { reason: null, at: new Date().toISOString(), holder: null, heldAt: null, base: null };
    r.handoff = { ...h, holder: input.by, heldAt: new Date().toISOString() };
  });
  if (!next?.handoff) throw new AmuxError(`${v.record.name} was removed meanwhile`, { code: 'not_found' });
  await invalidate(ctx);
  return { session: next.name, id: next.id, handoff: next.handoff };
}

export interface ReturnOutput {
  session: string;
  id: string;
  /** `git diff --stat` of the worktree against the snapshot taken at the handoff ('' when nothing changed or outside git). */
  diffStat: string;
  /** What was typed to the agent. */
  message: string;
  /** Whether the message reached a live pane. */
  delivered: boolean;
}

/** Gives control back to the agent: the hold goes and the agent is told, with what changed meanwhile. */
export async function returnControl(ctx: CoreContext, input: { session: string; note?: string }): Promise<ReturnOutput> {
  const { resolveView } = await import('./sessions.js');
  const v = await resolveView(ctx, input.session);
  const h = v.record.handoff;
  if (!h) throw new AmuxError(`${v.record.name} is not handed off`, { code: 'conflict', hint: `amux handoff (inside the session) hands it to a person` });
  let diffStat = '';
  if (h.base) {
    const { git } = await import('../workspace/git.js');
    const r = await git(v.record.cwd, ['diff', '--stat', h.base]).catch(() => null);
    if (r && r.code === 0) diffStat = r.stdout.trimEnd();
  }
  await ctx.registry.update(v.record.id, (r) => {
    delete r.handoff;
  });
  await invalidate(ctx);
  const who = h.holder ?? 'the person';
  const changes = diffStat ? ` Changes in your worktree since the handoff (git diff --stat):\n${diffStat}` : ' Nothing changed in your worktree meanwhile.';
  const message = `[amux] Control is back with you (${who} is done).${input.note ? ` Note: ${input.note}.` : ''}${changes}`;
  let delivered = false;
  if (v.pane && !v.pane.paneDead) {
    const { typeText } = await import('../session/deliver.js');
    await typeText(ctx.server, v.pane.paneId, message);
    delivered = true;
  }
  return { session: v.record.name, id: v.record.id, diffStat, message, delivered };
}

async function invalidate(ctx: CoreContext): Promise<void> {
  const { invalidateSnapshot } = await import('../state/snapshot.js');
  invalidateSnapshot(ctx.server.socket);
}
