/**
 * Which conversation a session's agent is in, and where the agent keeps it. The agent reports it
 * (Claude Code's SessionStart hook, Codex's notify: `@amux_conv` on its pane, see
 * state/hook-record.ts); the monitor copies each change to the record here. A resume continues
 * the recorded id, and only when the agent will find its file (src/agents/<agent>.ts says where).
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { profileFor } from '../agents/index.js';
import { Registry } from './registry.js';
import { readLaunchEnv, runDirOf } from './launcher.js';
import type { ConversationRef, SessionRecord } from './types.js';

/** `TIME SOURCE ID [FILE]` as the hooks write it; null when it is not one. */
export function parseConversationReport(text: string | undefined): ConversationRef | null {
  const m = /^(\d+) (\S+) ([A-Za-z0-9_.:-]+)(?: (.*))?$/.exec((text ?? '').trim());
  if (!m) return null;
  let t = Number(m[1]);
  if (t < 1e11) t *= 1000;
  return { id: m[3]!, source: m[2]!, at: new Date(t).toISOString(), ...(m[4] ? { file: m[4] } : {}) };
}

/** The environment the agent of `rec` sees (the one it was launched with, else `base`): where its config dir is. */
export function agentEnv(rec: SessionRecord, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return readLaunchEnv(rec.id) ?? base;
}

/**
 * Where the agent will look for conversation `id` (its profile's rule, with the environment it
 * gets), or, when the agent itself reported a file in the same config folder (a long folder name
 * can be shortened), that one. `exists` says whether the file is there.
 */
export function conversationFile(rec: SessionRecord, ref: ConversationRef, env: NodeJS.ProcessEnv): { file: string | null; exists: boolean } {
  const conv = profileFor(rec.detector).conversation;
  if (!conv) return { file: null, exists: false };
  const file = conv.file(ref.id, rec.cwd, env);
  if (file && existsSync(file)) return { file, exists: true };
  if (file && ref.file && dirname(dirname(ref.file)) === dirname(dirname(file)) && existsSync(ref.file)) return { file: ref.file, exists: true };
  return { file, exists: false };
}

/**
 * Whether a reported conversation is the agent's main one: a Codex notify for a side request
 * (title generation) carries a thread id with no rollout file, and is not taken.
 */
export function isMainConversation(rec: SessionRecord, ref: ConversationRef, env: NodeJS.ProcessEnv): boolean {
  if (ref.source !== 'notify') return true;
  return conversationFile(rec, ref, env).exists;
}

/** Records `ref` as the session's conversation (the previous one goes to its history). */
export async function recordConversation(registry: Registry, id: string, ref: ConversationRef): Promise<SessionRecord | null> {
  return registry.update(id, (r) => {
    if (r.conversation?.id === ref.id) return;
    if (r.conversation) r.conversations = [...(r.conversations ?? []), r.conversation];
    r.conversation = ref;
  });
}

/**
 * Takes a pane's report when it names a conversation the record does not have yet (and is the
 * agent's main one): the monitor calls this every tick the option changes; hibernate and resume
 * call it once more before they act.
 */
export async function syncConversation(registry: Registry, rec: SessionRecord, report: string | undefined): Promise<SessionRecord | null> {
  const ref = parseConversationReport(report);
  if (!ref || ref.id === rec.conversation?.id) return null;
  if (!isMainConversation(rec, ref, agentEnv(rec))) return null;
  return recordConversation(registry, rec.id, ref);
}

/**
 * amux's own copy of a session's conversation file (beside its other run files, removed with
 * the session): the agent may delete its transcripts (Claude Code after 30 days by default), and
 * a resume needs the file where the agent looks.
 */
export function conversationCopy(rec: SessionRecord, ref: ConversationRef): string {
  return join(runDirOf(rec.id), 'conversation', `${basename(ref.id)}.jsonl`);
}

/** Refreshes amux's copy of the conversation when the agent's file is newer (the monitor calls it as a turn ends). */
export function keepConversationCopy(rec: SessionRecord, env: NodeJS.ProcessEnv = agentEnv(rec)): boolean {
  const ref = rec.conversation;
  if (!ref) return false;
  const { file, exists } = conversationFile(rec, ref, env);
  if (!file || !exists) return false;
  const copy = conversationCopy(rec, ref);
  try {
    const src = statSync(file);
    let old: { mtimeMs: number; size: number } | null = null;
    try {
      old = statSync(copy);
    } catch {
      /* no copy yet */
    }
    if (old && old.size === src.size && old.mtimeMs >= src.mtimeMs) return false;
    mkdirSync(dirname(copy), { recursive: true, mode: 0o700 });
    copyFileSync(file, copy);
    return true;
  } catch {
    return false; // the agent is rewriting it, or it went: the next turn's end tries again
  }
}

/** Puts amux's copy back where the agent will look, when the agent's own file is gone; whether it did. */
export function restoreConversationCopy(rec: SessionRecord, ref: ConversationRef, file: string): boolean {
  const copy = conversationCopy(rec, ref);
  if (existsSync(file) || !existsSync(copy)) return false;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  copyFileSync(copy, file);
  return true;
}
