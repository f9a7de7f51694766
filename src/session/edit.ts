/**
 * Editing a session's durable record: rename, tags, archive. Shared by `amux rename`, `amux tag`
 * and the TUI, so every path keeps the name reservation, the tmux session name and the record in
 * step.
 */
import type { Server, PaneRow } from '../tmux/server.js';
import { matchPane } from './identity.js';
import { tmuxSessionName, validateName } from '../tmux/names.js';
import { AmuxError, NotFoundError, UsageError } from '../util/errors.js';
import { Registry } from './registry.js';
import type { SessionRecord } from './types.js';

/** Tags are short words: letters, digits, `_ - . : /`, no spaces or commas. */
export const TAG_RE = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,39}$/;

export function validateTag(tag: string): string {
  if (!TAG_RE.test(tag)) {
    throw new UsageError(`invalid tag ${JSON.stringify(tag)}: use 1-40 characters of A-Z a-z 0-9 _ - . : /, starting with a letter or digit`);
  }
  return tag;
}

/**
 * Renames a session, all under the record's lock so concurrent renames, tags and removals see
 * one another: re-reads the record, reserves the new name (refused when another session holds
 * it), renames the tmux session to `amux-<new>` (when it still exists; refused when tmux has a
 * session of that name), writes the record, then frees the old name. With `from` (the name the
 * caller resolved), a record renamed meanwhile is a conflict, so of several renames of one
 * session exactly one wins. On failure nothing changes and the new name is free again.
 */
export async function renameSession(server: Server, id: string, newName: string, registry = new Registry(), from?: string): Promise<SessionRecord> {
  validateName(newName);
  return registry.locked(id, async () => {
    const rec = registry.get(id);
    if (!rec) throw new NotFoundError(`session ${from ?? id} was removed`);
    if (from !== undefined && rec.name !== from) {
      throw new AmuxError(`session ${from} was renamed to ${rec.name} meanwhile: not renamed`, { code: 'conflict' });
    }
    const oldName = rec.name;
    if (oldName === newName) return rec;
    registry.reserveExplicit(newName, id);
    const newTmux = tmuxSessionName(newName);
    let renamed: string | null = null;
    try {
      // Only the pane stamped with this record's id is this session: tmux reuses `$N` ids after a
      // server restart, so an id alone may name someone else's session.
      const live = await livePane(server, rec);
      if (live) {
        const session = server.session(live.sessionId);
        await session.rename(newTmux);
        renamed = live.sessionId;
        await session.setOption('@amux_session', newName).catch(() => undefined);
      }
      const next: SessionRecord = { ...rec, name: newName, tmux: { ...rec.tmux, session: newTmux } };
      registry.put(next);
      registry.releaseName(oldName, id);
      return next;
    } catch (e) {
      if (renamed) await server.session(renamed).rename(rec.tmux.session).catch(() => undefined);
      registry.releaseName(newName, id);
      throw e;
    }
  });
}

/** The record's live pane, when tmux still has the pane stamped with its id. */
async function livePane(server: Server, rec: SessionRecord): Promise<PaneRow | null> {
  if (rec.tmux.socket !== server.label) return null;
  return matchPane(rec, new Map((await server.listPanes()).map((p) => [p.paneId, p])));
}

/** Adds and removes tags (order kept, no duplicates). Returns the updated record. */
export async function tagSession(id: string, change: { add?: string[]; remove?: string[] }, registry = new Registry()): Promise<SessionRecord> {
  const add = (change.add ?? []).map(validateTag);
  const remove = new Set(change.remove ?? []);
  const next = await registry.update(id, (r) => {
    const tags = (r.tags ?? []).filter((t) => !remove.has(t));
    for (const t of add) if (!tags.includes(t)) tags.push(t);
    r.tags = tags;
  });
  if (!next) throw new NotFoundError(`no session with id ${id}`);
  return next;
}

/** Archives (hides from `ps` and the TUI unless asked) or unarchives a session. */
export async function archiveSession(id: string, archived: boolean, registry = new Registry()): Promise<SessionRecord> {
  const next = await registry.update(id, (r) => {
    if (archived) r.archived = true;
    else delete r.archived;
  });
  if (!next) throw new NotFoundError(`no session with id ${id}`);
  return next;
}
