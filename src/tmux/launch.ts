/**
 * The launch recipe: one tmux client call that creates a session and readies its pane before
 * the program starts, so nothing the program does is missed.
 */
import type { Server } from './server.js';
import type { TmuxCommand } from './engine.js';
import { formatLiteral } from './formats.js';
import { exactSession } from './names.js';
import type { PaneOption, SessionOption } from './options.js';
import { AmuxError } from '../util/errors.js';
import { duplicateAsTaken } from './errors.js';

export interface SessionLaunch {
  /** The tmux session name (taken: the call fails with a DuplicateSessionError). */
  tmuxName: string;
  windowName: string;
  /** The pane's folder: taken as text, never as a format. */
  cwd: string;
  /** Size of the detached session until someone attaches. */
  width: number;
  height: number;
  /** Stamped on the pane before the program starts. */
  paneOptions: Partial<Record<PaneOption, string>>;
  sessionOptions: Partial<Record<SessionOption, string>>;
  /** Shell command (run by /bin/sh) that receives the pane's output from its first byte; taken as text. */
  pipeTo: string;
  /** The program, as argv (never through a shell). */
  argv: string[];
}

/** The ids tmux gave the new session, its window and its pane. */
export interface LaunchedSession {
  sessionId: string;
  windowId: string;
  paneId: string;
}

const IDS = '#{session_id} #{window_id} #{pane_id}';

/**
 * Creates the session running a quiet placeholder, sets `remain-on-exit` (the exit status is
 * kept) and the options, starts the pipe, and only then respawns the pane with the program, so
 * the pipe holds its very first byte. The ids come from the creating command itself (`-P -F`).
 */
export async function launchSession(server: Server, l: SessionLaunch): Promise<LaunchedSession> {
  let out: string;
  try {
    out = await createWithRetry(server, recipe(l), l.tmuxName, l.paneOptions['@amux_id']);
  } catch (e) {
    throw duplicateAsTaken(e, l.tmuxName);
  }
  const ids = parseIds(out.trim());
  if (!ids) {
    await server.killSessionNamed(l.tmuxName).catch(() => undefined);
    throw new AmuxError(`tmux did not report the new session's ids (got "${out.trim()}")`);
  }
  return ids;
}

function recipe(l: SessionLaunch): TmuxCommand[] {
  const target = exactSession(l.tmuxName);
  return [
    [
      'new-session', '-d', '-P', '-F', IDS,
      '-s', l.tmuxName, '-n', l.windowName, '-c', formatLiteral(l.cwd),
      '-x', String(l.width), '-y', String(l.height),
      // A placeholder that waits quietly until respawn-pane replaces it.
      'exec sleep 2147483647',
    ],
    ['set-option', '-p', '-t', target, 'remain-on-exit', 'on'],
    ...Object.entries(l.paneOptions).map(([name, value]) => ['set-option', '-p', '-t', target, name, value]),
    ...Object.entries(l.sessionOptions).map(([name, value]) => ['set-option', '-t', target, name, value]),
    ['pipe-pane', '-t', target, formatLiteral(l.pipeTo)],
    ['respawn-pane', '-k', '-t', target, '-c', formatLiteral(l.cwd), ...l.argv],
  ];
}

function parseIds(line: string | undefined): LaunchedSession | null {
  const [sessionId, windowId, paneId] = (line ?? '').trim().split(/\s+/);
  return sessionId && windowId && paneId ? { sessionId, windowId, paneId } : null;
}

/**
 * Several launches in one tmux client (a batch of a thousand spends most of its time starting
 * clients otherwise): their recipes run in order, and tmux stops at the first command that
 * fails. Each result is the launched ids, or null for a launch to be made on its own with
 * `launchSession` (which says exactly why it fails): the one whose command failed and those
 * after it. A launch whose session was made but whose recipe did not finish is removed first.
 */
export async function launchSessions(server: Server, ls: readonly SessionLaunch[]): Promise<(LaunchedSession | null)[]> {
  if (ls.length === 0) return [];
  try {
    const lines = (await server.runBatch(ls.flatMap(recipe))).split('\n').filter((x) => x.trim() !== '');
    const ids = ls.map((_, i) => parseIds(lines[i]));
    if (ids.every((x) => x !== null)) return ids;
  } catch {
    /* which were made is read back below */
  }
  // What tmux made, by the id stamped on each pane: all but the last made are whole (tmux ran
  // their recipes before the one that failed); the last may have stopped half-way.
  const made = new Map<string, LaunchedSession>();
  try {
    for (const p of await server.panes()) if (p.opts.id) made.set(`${p.sessionName}\0${p.opts.id}`, { sessionId: p.sessionId, windowId: p.windowId, paneId: p.paneId });
  } catch {
    /* no server: nothing was made */
  }
  const ids = ls.map((l) => made.get(`${l.tmuxName}\0${l.paneOptions['@amux_id'] ?? ''}`) ?? null);
  let last = -1;
  ids.forEach((x, i) => {
    if (x) last = i;
  });
  if (last >= 0) {
    await removeOwn(server, ls[last]!.tmuxName, ls[last]!.paneOptions['@amux_id'] ?? '');
    ids[last] = null;
  }
  return ids;
}

/**
 * When several amux processes start the first session of a server at once, tmux clients can
 * race the server's start-up ("server exited unexpectedly", a refused connection): those are
 * retried; anything else (a duplicate name) is not. A client that failed that way may still
 * have had its commands run: a session of the name stamped with this launch's id is its own
 * half-made one, removed before the retry (a retry would otherwise fail as a duplicate and leave
 * it behind, an orphan holding a name amux does not know).
 */
async function createWithRetry(server: Server, commands: readonly TmuxCommand[], tmuxName: string, id: string | undefined): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await server.runBatch(commands);
    } catch (e) {
      const msg = (e as Error).message;
      const racy = /server exited unexpectedly|lost server|error connecting|no server running|Connection refused/i.test(msg);
      if (!racy || attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100 * (attempt + 1)));
      if (id !== undefined) await removeOwn(server, tmuxName, id);
    }
  }
}

async function removeOwn(server: Server, tmuxName: string, id: string): Promise<void> {
  try {
    const stamped = await server.run(['display-message', '-p', '-t', exactSession(tmuxName), '#{@amux_id}']);
    if (stamped.trim() === id) await server.killSessionNamed(tmuxName);
  } catch {
    /* no such session (or no server): nothing to remove */
  }
}
