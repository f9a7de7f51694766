/**
 * Relaunching a recorded session (resume, restart, wake from hibernation): the same id, name,
 * tags, folder, agent and environment, in a new tmux session made by the launch recipe, with
 * the argv the caller chose (the agent's words to continue its conversation, or a fresh one).
 * The record keeps its id; its tmux ids, argv and conversation are updated.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from '../tmux/server.js';
import { tmuxSessionName } from '../tmux/names.js';
import { launchSession } from '../tmux/launch.js';
import { AmuxError } from '../util/errors.js';
import { Registry } from './registry.js';
import type { ConversationRef, SessionRecord } from './types.js';
import { launcherArgv, writeEnvFile } from './envfile.js';
import { logWriterCommand } from './logwriter.js';
import { logSettings } from './rotation.js';
import { readLaunchEnv, rewriteHookSettings, runDirOf } from './launcher.js';
import { cleanBase } from './spec.js';
import { stampedWith } from './identity.js';
import { homeDir } from '../util/paths.js';

export interface RelaunchPlan {
  /** The agent's argv (before the launcher): baseArgv plus the conversation words. */
  argv: string[];
  /** The conversation it continues or starts (null: none known). */
  conversation: ConversationRef | null;
  /** The environment of whoever relaunches: used only for a record that kept no environment of its own. */
  callerEnv: NodeJS.ProcessEnv;
}

/**
 * Starts the session again. Its old tmux session (a dead pane of this very record) is replaced;
 * a tmux session of that name that is not this record's is a conflict, never killed.
 */
export async function relaunch(server: Server, rec: SessionRecord, plan: RelaunchPlan, registry = new Registry()): Promise<SessionRecord> {
  const tmuxName = tmuxSessionName(rec.name);
  const rows = await server.listPanes().catch(() => []);
  const holder = rows.filter((r) => r.sessionName === tmuxName);
  if (holder.length > 0) {
    if (!holder.every((r) => stampedWith(r, rec.id) && r.paneDead)) {
      throw new AmuxError(`tmux already has a session "${tmuxName}" that is not the exited ${rec.name}`, { code: 'conflict', hint: `rename or end that tmux session, or amux rename ${rec.name} first` });
    }
    await server.session(holder[0]!.sessionId).kill().catch(() => undefined);
  }
  const runDir = runDirOf(rec.id);
  homeDir('run', rec.id);
  rewriteHookSettings(rec.detector, rec.id);
  const envFile = join(runDir, 'env');
  // The environment it was launched with; for a record without one, the caller's.
  const env = readLaunchEnv(rec.id) ?? (rec.cleanEnv ? cleanBase(plan.callerEnv) : plan.callerEnv);
  writeEnvFile(envFile, { ...env, AMUX_SESSION: rec.name, AMUX_SESSION_ID: rec.id });
  const ids = await launchSession(server, {
    tmuxName,
    windowName: rec.windowName ?? rec.agent,
    cwd: rec.cwd,
    width: 200,
    height: 50,
    paneOptions: { '@amux_id': rec.id, '@amux_agent': rec.agent },
    sessionOptions: { '@amux_session': rec.name },
    // The project's `logs:` is read again by the monitor; the writer starts with the defaults (and AMUX_LOG_*).
    pipeTo: logWriterCommand(rec.logFile, logSettings(null).maxBytes, logSettings(null).keep),
    argv: launcherArgv(envFile, plan.argv),
  }).catch((e: unknown) => {
    rmSync(envFile, { force: true }); // the agent never sourced it: its values go now
    throw e;
  });
  const now = new Date().toISOString();
  const next = await registry.update(rec.id, (r) => {
    r.tmux = { socket: server.label, session: tmuxName, sessionId: ids.sessionId, window: ids.windowId, pane: ids.paneId };
    r.argv = plan.argv;
    if (plan.conversation && plan.conversation.id !== r.conversation?.id) {
      if (r.conversation) r.conversations = [...(r.conversations ?? []), r.conversation];
      r.conversation = plan.conversation;
    }
    delete r.hibernated;
    r.relaunches = (r.relaunches ?? 0) + 1;
    r.relaunchedAt = now;
  });
  if (!next) {
    await server.killSessionNamed(tmuxName).catch(() => undefined);
    throw new AmuxError(`session ${rec.name} was removed meanwhile`, { code: 'not_found' });
  }
  return next;
}
