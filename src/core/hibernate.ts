/**
 * `amux hibernate S` (and the monitor's `hibernate:` setting, src/state/monitor.ts): an idle
 * agent's process is stopped to free memory; the session stays listed as `hibernated` with its
 * conversation id, and send, attach or resume wakes it in the same conversation (core/resume.ts).
 */
import type { CoreContext } from './context.js';
import { AmuxError } from '../util/errors.js';
import { viewJson } from '../state/model.js';
import type { SessionInfo } from './sessions.js';

export interface HibernateInput {
  session: string;
  /** Hibernate even when the agent is not idle (its turn is lost; the conversation so far stays). */
  force?: boolean;
}

export async function hibernateSession(ctx: CoreContext, input: HibernateInput): Promise<SessionInfo> {
  const { resolveView, readViews } = await import('./sessions.js');
  const v = await resolveView(ctx, input.session);
  if (v.state === 'hibernated') return viewJson(v);
  if (!v.pane || v.pane.paneDead || v.state === 'lost' || v.state === 'exited') {
    throw new AmuxError(`${v.record.name} is ${v.state}: it has no process to stop`, { code: 'not_live', hint: `amux resume ${v.record.name} (or restart) starts it again` });
  }
  if (v.state !== 'idle' && !input.force) {
    throw new AmuxError(`${v.record.name} is ${v.state}, not idle: hibernating now would cut its work short`, { code: 'conflict', hint: `wait for it (amux await ${v.record.name}), or --force` });
  }
  const { hibernate } = await import('../session/hibernate.js');
  try {
    await hibernate(ctx.server, v.record, v.pane, 'asked (amux hibernate)', ctx.registry, ctx.env);
  } catch (e) {
    if (e instanceof AmuxError) throw e;
    throw new AmuxError(`${v.record.name} was not hibernated: ${(e as Error).message}`, { code: 'conflict' });
  }
  const { invalidateSnapshot } = await import('../state/snapshot.js');
  invalidateSnapshot(ctx.server.socket);
  const rec = ctx.registry.get(v.record.id) ?? v.record;
  return viewJson((await readViews(ctx, [rec]))[0]!);
}
