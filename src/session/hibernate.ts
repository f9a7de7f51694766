/**
 * Hibernation: an idle agent's process is stopped to free its memory (a Claude Code session
 * holds ~300 MB) while the session stays recorded, with the conversation a resume continues.
 * The record is marked first, so no reader ever sees the session as lost in between; then the
 * agent is asked to quit (C-c, as a person would) and its tmux session goes.
 */
import type { Server, PaneRow } from '../tmux/server.js';
import { profileFor } from '../agents/index.js';
import { Registry } from './registry.js';
import type { SessionRecord } from './types.js';
import { agentEnv, conversationFile, syncConversation } from './conversation.js';
import { stopSession } from './lifecycle.js';

/**
 * Why `rec` cannot be hibernated (null when it can): only an agent amux can resume by its
 * conversation id, whose conversation file is where the agent will look.
 */
export function cannotHibernate(rec: SessionRecord, env: NodeJS.ProcessEnv = process.env): string | null {
  const p = profileFor(rec.detector);
  if (rec.adopted) return 'it was adopted from a pane amux did not start (amux cannot start it again)';
  if (!p.conversation || !rec.baseArgv) return `${rec.agent} cannot be resumed by a conversation id: stopping it would lose its state`;
  if (!rec.conversation) return `amux does not know its ${p.product} conversation yet (it is learned from the agent's hooks)`;
  const where = conversationFile(rec, rec.conversation, agentEnv(rec, env));
  if (!where.exists) return `its conversation ${rec.conversation.id} has no file where ${p.product} will look (${where.file ?? 'none'}): a wake could not continue it`;
  return null;
}

/**
 * Hibernates the session of `pane`: takes the pane's latest conversation report, checks it can
 * be resumed, marks the record, stops the agent and removes its tmux session. Returns the
 * record, or throws with why not.
 */
export async function hibernate(server: Server, rec: SessionRecord, pane: PaneRow, reason: string, registry = new Registry(), env: NodeJS.ProcessEnv = process.env): Promise<SessionRecord> {
  const synced = await syncConversation(registry, rec, pane.opts.conv);
  const current = synced ?? rec;
  const why = cannotHibernate(current, env);
  if (why) throw new Error(why);
  const marked = await registry.update(rec.id, (r) => {
    r.hibernated = { at: new Date().toISOString(), reason };
  });
  if (!marked) throw new Error('it was removed meanwhile');
  try {
    await stopSession(server, { record: marked, pane, state: 'idle' }, 3000);
    await server.session(pane.sessionId).kill().catch(() => undefined);
  } catch (e) {
    await registry.update(rec.id, (r) => void delete r.hibernated);
    throw e;
  }
  return marked;
}
