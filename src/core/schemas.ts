/**
 * JSON Schemas (draft 2020-12) of every core operation's input and output: the contract the web
 * API and the MCP tools will publish. One entry per operation exported by the core (a test keeps
 * the two lists equal).
 */
type Schema = Record<string, unknown>;

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const bool = (description?: string): Schema => ({ type: 'boolean', ...(description ? { description } : {}) });
const int = (description?: string, minimum = 0): Schema => ({ type: 'integer', minimum, ...(description ? { description } : {}) });
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, required, additionalProperties: false });
const arr = (items: Schema): Schema => ({ type: 'array', items });
/**
 * An object schema with more properties. (Not `allOf`: two parts that each forbid unknown
 * properties would together accept nothing.)
 */
const extend = (base: Schema, properties: Record<string, Schema>, required: string[]): Schema => ({
  ...base,
  properties: { ...(base.properties as Record<string, Schema>), ...properties },
  required: [...(base.required as string[]), ...required],
});

const STATE = { type: 'string', enum: ['starting', 'running', 'waiting', 'idle', 'stuck', 'exited', 'lost', 'hibernated', 'unknown'], description: 'unknown: the monitor has not ticked for a few seconds (it is being restarted); hibernated: the agent was stopped to free memory, a resume (send, attach) wakes it' };
const SESSION_REF = str('a session: its full id, its name, or a unique id prefix of at least 4 characters; HOST:SESSION for one on a host');
const REF = obj({ session: SESSION_REF }, ['session']);
const UNTIL = { type: 'string', enum: ['idle', 'waiting', 'exited', 'running', 'stuck', 'any'], description: 'idle: the turn is over; waiting: it asks a person; any: anything but working' };

/** A bounded wait's result: how far it got, and a cursor to continue. */
export const WAIT_OUTPUT: Schema = obj(
  {
    session: str('the session name'),
    id: str('UUID'),
    state: STATE,
    done: bool('the wait is over (the turn ended, or the state was reached): nothing more to wait for'),
    output: nullable(str("what the agent wrote in the turn (so far, while not done); null for a wait on a state")),
    timedOut: bool('the bound ran out first: call again with the cursor'),
    cursor: str('continues this wait; the same reply comes back once it is done'),
  },
  ['session', 'id', 'state', 'done', 'output', 'timedOut', 'cursor'],
);

/** A session handed to a person (amux handoff): scripts are refused until control returns. */
const HANDOFF: Schema = obj(
  {
    reason: nullable(str()),
    at: str('when it was handed off (ISO time)'),
    holder: nullable(str('who holds control; null until a person opened the takeover link')),
    heldAt: nullable(str('ISO time')),
    base: nullable(str('a commit of the worktree at the handoff, for the diff on return')),
  },
  ['reason', 'at', 'holder', 'heldAt', 'base'],
);

/** A session as every surface shows it (the read model's JSON form). */
export const SESSION: Schema = obj(
  {
    id: str('UUID'),
    name: str(),
    agent: str(),
    project: str('the project root folder'),
    projectName: str(),
    workspace: nullable(str()),
    cwd: str(),
    state: STATE,
    stateSince: nullable(str('ISO time')),
    reason: str('which rule decided the state, on what evidence'),
    exitCode: nullable({ type: 'integer' }),
    exitSignal: nullable({ type: 'integer' }),
    createdAt: str('ISO time'),
    lastOutputAt: nullable(str('ISO time')),
    tags: arr(str()),
    parent: nullable(str('the id of the session that started this one through amux mcp')),
    archived: bool('hidden from lists unless all are asked for'),
    handoff: nullable(HANDOFF),
    detector: str(),
    command: arr(str()),
    logFile: str(),
    tmux: obj({ socket: str(), session: str(), sessionId: str(), window: str(), pane: str() }, ['socket', 'session', 'sessionId', 'window', 'pane']),
    conversation: nullable(str("the agent's own conversation id (Claude Code session id, Codex thread id): what a resume continues")),
  },
  ['id', 'name', 'agent', 'project', 'workspace', 'cwd', 'state', 'reason', 'createdAt', 'tags', 'tmux'],
);

const WS_NAME = str('a workspace name (A-Z a-z 0-9 _ -, up to 63 characters)');
const WS_REF = obj({ name: WS_NAME }, ['name']);
const WS_STATE = { type: 'string', enum: ['ok', 'missing', 'broken'], description: 'missing: the directory was deleted by hand; broken: the directory is not a git worktree' };
const LIVE_SESSION = obj({ id: str(), name: str(), agent: str(), pane: str('tmux pane id') }, ['id', 'name', 'agent', 'pane']);

/** A workspace with its status (`amux ws list --json`, `amux ws show --json`). */
export const WORKSPACE: Schema = obj(
  {
    name: str(),
    branch: str(),
    path: str("the worktree's top directory"),
    dir: str('the project directory inside the worktree'),
    state: WS_STATE,
    base: nullable(str('the commit the workspace started from')),
    baseRef: nullable(str('the base as named: a branch, tag or commit')),
    head: nullable(str('the commit checked out; null when the directory is missing')),
    dirty: nullable(bool('uncommitted changes, untracked files included; null when the directory is missing')),
    changes: arr(str('a git status --porcelain line')),
    ahead: nullable(int('commits since the base')),
    unmerged: nullable(int('commits on no other branch')),
    sessions: int('live amux sessions there'),
    liveSessions: arr(LIVE_SESSION),
    ownsBranch: bool('removing the workspace deletes its branch'),
    locked: bool(),
    setup: nullable({ type: 'string', enum: ['none', 'ok', 'failed'] }),
    createdAt: nullable(str('ISO time')),
  },
  ['name', 'branch', 'path', 'dir', 'state', 'base', 'baseRef', 'head', 'dirty', 'changes', 'ahead', 'unmerged', 'sessions', 'liveSessions', 'ownsBranch', 'locked', 'setup', 'createdAt'],
);

/** What became of a removed workspace's branch: deleted, or kept with why. */
const BRANCH_FATE = { branch: str(), deletedBranch: bool(), keptBranch: nullable(str('why the branch was kept')) };
const ISO = str('ISO time');
const EVENT_BASE = { seq: int('increases by one per event of this monitor'), at: str('when the tick that saw the change read the server (ISO time)') };
const ID_NAME = { id: str('UUID'), name: str() };

/** What `watchSessions` delivers: a snapshot after each (re)connection, then one event per change. */
export const WATCH_EVENT: Schema = {
  oneOf: [
    obj(
      { type: { const: 'snapshot' }, seq: int('the last event the snapshot includes'), at: ISO, pid: int('the monitor: a new pid starts a new sequence'), sessions: arr(SESSION) },
      ['type', 'seq', 'at', 'pid', 'sessions'],
    ),
    obj(
      { type: { const: 'state' }, ...ID_NAME, state: STATE, previous: STATE, since: nullable(ISO), reason: str(), session: SESSION, ...EVENT_BASE },
      ['type', 'id', 'name', 'state', 'previous', 'since', 'reason', 'session', 'seq', 'at'],
    ),
    obj({ type: { enum: ['session-added', 'session-changed'] }, ...ID_NAME, session: SESSION, ...EVENT_BASE }, ['type', 'id', 'name', 'session', 'seq', 'at']),
    obj({ type: { const: 'session-removed' }, ...ID_NAME, ...EVENT_BASE }, ['type', 'id', 'name', 'seq', 'at']),
    obj({ type: { const: 'monitor-exit' }, reason: str(), ...EVENT_BASE }, ['type', 'reason', 'seq', 'at']),
  ],
};

const HOST_NAME_S = str('a host name from the config (letters, digits, ".", "-", "_")');
/** A configured host (`amux host list --json`). */
const HOST: Schema = obj(
  {
    name: str(),
    ssh: str('user@host[:port]'),
    amux: str('the amux command there'),
    identity: nullable(str()),
    dir: nullable(str()),
    timeoutMs: int(),
    seenAt: nullable(str('when its sessions were last read (ISO time)')),
    sessions: nullable(int('how many sessions it had then')),
  },
  ['name', 'ssh', 'amux', 'identity', 'dir', 'timeoutMs', 'seenAt', 'sessions'],
);
/** How a relaunched session came back. */
const RESUMED = {
  session: str(),
  id: str(),
  how: { type: 'string', enum: ['resumed', 'fresh', 'relaunched'], description: 'resumed: its conversation continues; fresh: a new conversation; relaunched: an agent with no conversation id, started again' },
  conversation: nullable(str('the conversation id it runs in')),
  file: nullable(str('the conversation file the agent reads')),
};

export const SCHEMAS: Record<string, { description: string; input: Schema; output: Schema }> = {
  listSessions: {
    description: 'List the sessions of this tmux server, those that need a person first.',
    input: obj({
      all: bool('include exited, lost and archived sessions'),
      states: arr(STATE),
      here: bool("only the current project's"),
      project: str(),
      workspace: str(),
      agent: str(),
      tag: str(),
      archived: bool('include archived sessions (whatever their state)'),
    }),
    output: obj(
      {
        sessions: arr(SESSION),
        hidden: int('sessions the filter left out'),
        damaged: arr(obj({ id: str(), file: str(), problem: str() }, ['id', 'file', 'problem'])),
      },
      ['sessions', 'hidden', 'damaged'],
    ),
  },
  getSession: { description: 'One session, with its state and why.', input: REF, output: SESSION },
  startSessions: {
    description: "Start agents (or one command), each in its own tmux session, optionally in a workspace and with a first prompt. The agent's configured command and environment apply.",
    input: obj({
      agents: arr(str('an agent id from the config or a preset: claude, codex, gemini, aider, shell')),
      command: str('a shell command instead of an agent'),
      count: int('sessions of each agent', 1),
      workspace: str('a git worktree, created when missing'),
      name: str(),
      tags: arr(str()),
      env: { type: 'object', additionalProperties: { type: 'string' } },
      prompt: str('typed once the agent is ready for input'),
      passthrough: arr(str()),
      parent: str('the session asking: the new ones are its children, within the mcp limits'),
      cleanEnv: bool("a clean base environment, without the asking agent's own variables"),
      each: bool('a worktree per session: WORKSPACE-1, WORKSPACE-2, …'),
    }),
    output: obj({ started: arr(SESSION), failed: arr(obj({ message: str(), code: str() }, ['message', 'code'])) }, ['started', 'failed']),
  },
  resumeSessions: {
    description:
      "Relaunch lost or hibernated sessions (after the tmux server died or a reboot) in the same folder, with the same agent, environment, name and tags, continuing each agent's own conversation by id. Refused for a session whose conversation file is not where the agent will look, unless fresh.",
    input: obj({ sessions: arr(SESSION_REF), all: bool('every lost or hibernated session (not archived)'), lost: bool('every lost session (not archived)'), fresh: bool('start a new conversation when the old one cannot be continued') }),
    output: obj(
      {
        resumed: arr(obj({ ...RESUMED, info: SESSION }, ['session', 'id', 'how', 'conversation', 'file', 'info'])),
        failed: arr(obj({ session: str(), message: str(), code: str(), hint: str() }, ['session', 'message', 'code'])),
      },
      ['resumed', 'failed'],
    ),
  },
  restartSession: {
    description: 'Start an exited (or lost) session again with the same spec, continuing its conversation where the agent still has it, else a new one (fresh: always a new one).',
    input: obj({ session: SESSION_REF, fresh: bool() }, ['session']),
    output: obj({ ...RESUMED, info: SESSION }, ['session', 'id', 'how', 'conversation', 'file', 'info']),
  },
  hibernateSession: {
    description: "Stop an idle agent's process to free its memory; the session stays listed as hibernated with its conversation id, and send, attach or resume wakes it in the same conversation.",
    input: obj({ session: SESSION_REF, force: bool('even when it is not idle') }, ['session']),
    output: SESSION,
  },
  adoptPane: {
    description: 'Register an agent already running in a tmux pane of the server (not started by amux): state tracking and logs from then on.',
    input: obj({ pane: str('%ID, SESSION:WINDOW.PANE, or a session with one pane'), agent: str('agent id (default: found from the pane processes)'), name: str(), tags: arr(str()) }, ['pane']),
    output: SESSION,
  },
  stopSession: {
    description: 'Stop a session: C-c, then kill after the grace period. Its pane, log and exit code stay until removed.',
    input: obj({ session: SESSION_REF, graceMs: int('0 kills at once') }, ['session']),
    output: obj({ session: str(), id: str(), outcome: str() }, ['session', 'id', 'outcome']),
  },
  removeSession: {
    description: 'Remove a session (its tmux session, record and logs) and its workspace when nothing else needs it.',
    input: obj({ session: SESSION_REF, force: bool('remove a live session too'), keepWorkspace: bool(), keepLogs: bool() }, ['session']),
    output: obj({ session: str(), id: str(), workspace: nullable(obj({ name: str(), removed: bool(), reason: str() }, ['name', 'removed'])) }, ['session', 'id', 'workspace']),
  },
  renameSession: { description: 'Rename a session.', input: obj({ session: SESSION_REF, name: str() }, ['session', 'name']), output: SESSION },
  tagSession: { description: 'Add and remove tags.', input: obj({ session: SESSION_REF, add: arr(str()), remove: arr(str()) }, ['session']), output: SESSION },
  archiveSession: { description: 'Archive (hide from lists) or unarchive a session.', input: obj({ session: SESSION_REF, archived: bool() }, ['session', 'archived']), output: SESSION },
  sendKeys: {
    description: 'Press keys in a live session (tmux key names: Enter, Escape, C-c, Up, y, 1).',
    input: obj({ session: SESSION_REF, keys: arr(str()) }, ['session', 'keys']),
    output: obj({ session: str(), id: str(), keys: arr(str()) }, ['session', 'id', 'keys']),
  },
  captureSession: {
    description: "A session's screen as text.",
    input: obj({ session: SESSION_REF, lines: int('the last N lines, scrollback included', 1), ansi: bool('keep colours') }, ['session']),
    output: obj({ session: str(), id: str(), text: str() }, ['session', 'id', 'text']),
  },
  watchSessions: {
    description:
      "Follow the sessions of this tmux server: a snapshot of every session, then one event per change pushed by the monitor (a state entered, a session added, changed or removed, the monitor exiting). A new snapshot follows every reconnection. The output schema is one item of the stream.",
    input: obj({}),
    output: WATCH_EVENT,
  },
  sendPrompt: {
    description: 'Type a prompt into an agent once it is ready for input, confirm the turn started, and (unless wait is false) wait for the reply.',
    input: obj({ session: SESSION_REF, text: str(), wait: bool(), timeoutMs: int() }, ['session', 'text']),
    output: extend(WAIT_OUTPUT, { delivered: bool('the text was typed and the agent reacted') }, ['delivered']),
  },
  awaitTurn: {
    description:
      "Wait, at most timeoutMs, for the end of a prompt's turn (the cursor of a sendPrompt) or for a session to reach a state. Returns how far it got and a cursor to continue; the reply of a turn is kept, so a reply that came between two calls is not lost.",
    input: obj({ cursor: str('from a sendPrompt or awaitTurn result, unchanged'), session: SESSION_REF, until: UNTIL, timeoutMs: int() }),
    output: WAIT_OUTPUT,
  },
  awaitSession: {
    description: 'Wait until a session reaches a state: idle (the turn is over), waiting (it asks a person), exited, running, stuck, or any (anything but working).',
    input: obj({ session: SESSION_REF, until: UNTIL, timeoutMs: int() }, ['session']),
    output: extend(SESSION, { matched: bool(), timedOut: bool() }, ['matched', 'timedOut']),
  },
  explainSession: {
    description: 'Why a session is in its state: the rule that fired and the evidence behind it, with ages.',
    input: REF,
    output: extend(
      SESSION,
      { rule: nullable(str()), signals: arr(obj({ name: str(), value: str(), at: nullable(str()), ageMs: nullable({ type: 'integer' }) }, ['name', 'value', 'at', 'ageMs'])) },
      ['rule', 'signals'],
    ),
  },
  readLogs: {
    description: "The last lines of a session's output log (ANSI stripped unless raw).",
    input: obj({ session: SESSION_REF, lines: int(), raw: bool() }, ['session']),
    output: obj({ session: str(), id: str(), lines: arr(str()) }, ['session', 'id', 'lines']),
  },
  followLogs: {
    description: "A session's output as it is written, until the program ends; then how it ended.",
    input: obj({ session: SESSION_REF, lines: int('lines of history first (default 10)'), raw: bool() }, ['session']),
    output: obj(
      { session: str(), id: str(), ended: { type: 'string', enum: ['exited', 'lost', 'stopped'] }, exitCode: nullable({ type: 'integer' }), exitSignal: nullable({ type: 'integer' }) },
      ['session', 'id', 'ended', 'exitCode', 'exitSignal'],
    ),
  },
  createWorkspace: {
    description: 'Create a workspace: a git worktree on its own branch, with the configured files copied in and setup commands run.',
    input: obj(
      {
        name: WS_NAME,
        base: str('commit, branch or tag to start from (default: workspaces.baseBranch, else HEAD)'),
        branch: str('branch for the worktree (default: amux/NAME); an existing one is checked out as it is'),
        reuse: bool('return an existing workspace (restoring a deleted directory) instead of refusing'),
      },
      ['name'],
    ),
    output: obj({ workspace: WORKSPACE, created: bool('false when reuse found it') }, ['workspace', 'created']),
  },
  listWorkspaces: {
    description: "List the project's workspaces with their status: branch, changes, commits ahead, live sessions.",
    input: obj({}),
    output: obj({ workspaces: arr(WORKSPACE) }, ['workspaces']),
  },
  showWorkspace: { description: 'One workspace with its status.', input: WS_REF, output: WORKSPACE },
  workspacePath: {
    description: "Where a workspace lives: its worktree and the project's directory inside it.",
    input: WS_REF,
    output: obj({ name: str(), path: str(), dir: str(), state: WS_STATE }, ['name', 'path', 'dir', 'state']),
  },
  diffWorkspace: {
    description: 'What a workspace changed against its base, committed or not, plus its untracked files.',
    input: obj({ name: WS_NAME, stat: bool('a diffstat instead of the patch'), color: bool('colour escapes in the diff') }, ['name']),
    output: obj(
      { workspace: str(), against: str('the merge base the diff is taken against'), diff: str('git diff output'), untracked: arr(str()) },
      ['workspace', 'against', 'diff', 'untracked'],
    ),
  },
  mergeWorkspace: {
    description: "Merge a workspace's branch into the main checkout's branch (or another). Refused with uncommitted changes on either side; a conflict is aborted and reported (code conflict).",
    input: obj({ name: WS_NAME, into: str('branch to merge into'), squash: bool(), noFf: bool('always a merge commit') }, ['name']),
    output: obj(
      {
        workspace: str(),
        branch: str(),
        into: str(),
        checkout: nullable(str('where the merge ran; null when the target is checked out nowhere')),
        how: { type: 'string', enum: ['up-to-date', 'fast-forward', 'merge', 'squash'] },
        commit: str("the target's commit after the merge"),
      },
      ['workspace', 'branch', 'into', 'checkout', 'how', 'commit'],
    ),
  },
  removeWorkspace: {
    description: 'Remove a workspace (worktree, own branch, record). Refused (code conflict) with live sessions, uncommitted changes or unmerged commits unless force.',
    input: obj({ name: WS_NAME, force: bool('remove despite live sessions, uncommitted changes or unmerged commits') }, ['name']),
    output: obj(
      { name: str(), path: str(), removedDir: bool('false when the directory was already gone'), ...BRANCH_FATE, warnings: arr(str()) },
      ['name', 'path', 'removedDir', 'branch', 'deletedBranch', 'keptBranch', 'warnings'],
    ),
  },
  pruneWorkspaces: {
    description: 'Run git worktree prune, then forget workspaces whose directories were deleted (their branches kept when they hold unmerged commits).',
    input: obj({}),
    output: obj(
      {
        forgotten: arr(obj({ worktree: str('its name under .git/worktrees'), reason: str('why git forgot it') }, ['worktree', 'reason'])),
        removed: arr(obj({ name: str(), path: str(), ...BRANCH_FATE }, ['name', 'path', 'branch', 'deletedBranch', 'keptBranch'])),
        broken: arr(str('a workspace left alone: its directory is not a git worktree')),
      },
      ['forgotten', 'removed', 'broken'],
    ),
  },
  delegate: {
    description: 'Run an agent in a fresh workspace on one task, wait for the turn to end (answering nothing on its behalf), return the reply and the diff stat, then remove the session and an unchanged workspace unless keep.',
    input: obj({ agent: str(), task: str(), base: str('commit, branch or tag to start from'), keep: bool(), timeoutMs: int() }, ['agent', 'task']),
    output: obj(
      {
        state: STATE,
        timedOut: bool(),
        reply: nullable(str()),
        dialog: nullable(str('the dialog that ended the turn waiting for a person')),
        session: str(),
        workspace: str(),
        diffStat: str(),
        kept: obj({ session: bool(), workspace: bool() }, ['session', 'workspace']),
      },
      ['state', 'timedOut', 'reply', 'dialog', 'session', 'workspace', 'diffStat', 'kept'],
    ),
  },
  handoffSession: {
    description: 'Hand a live session to a person: it waits for them, and sendPrompt/sendKeys refuse (code forbidden) until control is returned.',
    input: obj({ session: SESSION_REF, reason: str('why a person is needed') }, ['session']),
    output: obj({ session: str(), id: str(), handoff: HANDOFF }, ['session', 'id', 'handoff']),
  },
  takeoverSession: {
    description: 'A person takes control of a session (handing it off first when it was not).',
    input: obj({ session: SESSION_REF, by: str('who holds control') }, ['session', 'by']),
    output: obj({ session: str(), id: str(), handoff: HANDOFF }, ['session', 'id', 'handoff']),
  },
  returnControl: {
    description: "Give a handed-off session back to its agent: the hold goes and the agent is told, with git diff --stat of its worktree since the handoff.",
    input: obj({ session: SESSION_REF, note: str('a short note for the agent') }, ['session']),
    output: obj({ session: str(), id: str(), diffStat: str(), message: str(), delivered: bool() }, ['session', 'id', 'diffStat', 'message', 'delivered']),
  },
  readTranscript: {
    description: "A session's readable history: its log (across rotations) rendered through a terminal emulator, so a full-screen agent's redraws become the lines a person saw. Works after the session ended.",
    input: obj({ session: SESSION_REF, since: str('only what was drawn since: an ISO time or a duration ago (10m, 2h)'), format: { type: 'string', enum: ['text', 'ansi', 'html'] } }, ['session']),
    output: obj({ session: str(), id: str(), format: { type: 'string', enum: ['text', 'ansi', 'html'] }, text: str() }, ['session', 'id', 'format', 'text']),
  },
  retagSessions: {
    description: 'Rename a tag on every session (or on one): OLD becomes NEW.',
    input: obj({ from: str('the tag to rename'), to: str('its new name'), session: SESSION_REF }, ['from', 'to']),
    output: obj({ from: str(), to: str(), sessions: arr(str('a session renamed')) }, ['from', 'to', 'sessions']),
  },
  listTags: {
    description: 'Every tag in use, with the sessions that carry it (archived, exited and lost included).',
    input: obj({}),
    output: arr(obj({ tag: str(), count: int(), sessions: arr(str()) }, ['tag', 'count', 'sessions'])),
  },
  sessionInfo: {
    description: 'The full record of a session: agent, argv, cwd, workspace, branch, conversation id, env names (no values), tags, times, exit code, log files, tmux ids.',
    input: REF,
    output: extend(SESSION, { branch: nullable(str()), conversationId: nullable(str()), envNames: arr(str()), logFiles: arr(str('oldest first')) }, ['branch', 'conversationId', 'envNames', 'logFiles']),
  },
  findSessions: {
    description: 'Sessions whose name or id starts with a prefix, archived, exited and lost ones included.',
    input: obj({ prefix: str() }, ['prefix']),
    output: arr(SESSION),
  },
  saveSession: {
    description: 'Save one session to a file: its record, conversation id and the last lines of its transcript.',
    input: obj({ session: SESSION_REF, to: str('the file to write (0600)'), lines: int('how many transcript lines (default 500)') }, ['session', 'to']),
    output: obj({ session: str(), id: str(), file: str(), lines: int(), conversationId: nullable(str()) }, ['session', 'id', 'file', 'lines', 'conversationId']),
  },
  restoreSession: {
    description: 'Restore a saved session (its record and saved lines; listed as lost), or with relaunch start the same agent again with its name and tags.',
    input: obj({ from: str('a file written by saveSession'), relaunch: bool() }, ['from']),
    output: obj({ session: str(), id: str(), restored: bool('false: a session with this id is here already'), conversationId: nullable(str()), relaunched: nullable(SESSION) }, ['session', 'id', 'restored', 'conversationId', 'relaunched']),
  },
  backupSessions: {
    description: 'Write every session record with its whole log to one file (gzip, 0600).',
    input: obj({ to: str() }, ['to']),
    output: obj({ file: str(), sessions: int(), bytes: int() }, ['file', 'sessions', 'bytes']),
  },
  restoreBackup: {
    description: 'Restore a backup: sessions not already here (by id) come back with their logs. Idempotent.',
    input: obj({ file: str() }, ['file']),
    output: obj({ restored: arr(str()), skipped: arr(str()) }, ['restored', 'skipped']),
  },
  gcSessions: {
    description: 'Stop and remove sessions idle or exited longer than a time to live (default the config ttl); archived and keep-tagged ones are spared; removals are logged.',
    input: obj({ idle: str('a duration: 24h, 90m, 7d'), dryRun: bool() }),
    output: obj(
      { dryRun: bool(), ttlMs: int(), removed: arr(obj({ session: str(), id: str(), why: str() }, ['session', 'id', 'why'])), failed: arr(obj({ session: str(), message: str() }, ['session', 'message'])) },
      ['dryRun', 'ttlMs', 'removed', 'failed'],
    ),
  },
  doctor: {
    description: 'Check what amux needs: tmux and the server it would use, git, perl, the state folder, the config, the agent programs, and live sessions without a log writer.',
    input: obj({}),
    output: obj(
      { ok: bool(), checks: arr(obj({ name: str(), ok: bool(), detail: str(), warn: bool(), session: str() }, ['name', 'ok', 'detail'])) },
      ['ok', 'checks'],
    ),
  },
  listHosts: {
    description: 'The machines reached over SSH (the config\'s hosts:), with when each was last seen. Does not connect.',
    input: obj({}),
    output: obj({ hosts: arr(HOST) }, ['hosts']),
  },
  addHost: {
    description: 'Add (or replace) a host in the user config: NAME reached as ssh user@host[:port], running amux there.',
    input: obj({ name: HOST_NAME_S, ssh: str('user@host or user@host:port'), amux: str('the amux command there'), identity: str('a private key file'), dir: str('the folder remote operations run in'), timeoutMs: int('how long a listing may take', 100) }, ['name', 'ssh']),
    output: extend(HOST, { file: str('the config file written') }, ['file']),
  },
  removeHost: {
    description: 'Remove a host from the user config (its sessions there keep running).',
    input: obj({ name: HOST_NAME_S }, ['name']),
    output: obj({ name: str(), file: str() }, ['name', 'file']),
  },
  checkHost: {
    description: 'Reach a host and its amux once: its version and the round-trip time, or what is wrong and what to do.',
    input: obj({ name: HOST_NAME_S, timeoutMs: int(undefined, 100) }, ['name']),
    output: obj(
      { name: str(), ssh: str(), ok: bool(), version: nullable(str()), node: nullable(str()), latencyMs: int(), error: nullable(str()), hint: nullable(str()) },
      ['name', 'ssh', 'ok', 'version', 'node', 'latencyMs', 'error', 'hint'],
    ),
  },
  listHostSessions: {
    description: "The sessions of every host (or the named ones), asked in parallel, each within its timeout. A host that does not answer is listed offline with its last good listing and when it was seen. Sessions are named HOST:NAME in every other operation.",
    input: obj({ hosts: arr(HOST_NAME_S), timeoutMs: int(undefined, 100), all: bool(), states: arr(STATE), project: str(), workspace: str(), agent: str(), tag: str() }),
    output: obj(
      {
        hosts: arr(
          obj(
            { host: str(), ssh: str(), online: bool(), seenAt: nullable(ISO), error: nullable(str()), sessions: arr(extend(SESSION, { host: str() }, ['host'])), hidden: int() },
            ['host', 'ssh', 'online', 'seenAt', 'error', 'sessions', 'hidden'],
          ),
        ),
      },
      ['hosts'],
    ),
  },
  startOnHost: {
    description: "Start agents on a host, with that host's own config and presets (as startSessions there). The new sessions are named HOST:NAME.",
    input: obj({
      host: HOST_NAME_S,
      agents: arr(str()),
      command: str(),
      count: int(undefined, 1),
      workspace: str(),
      name: str(),
      tags: arr(str()),
      env: { type: 'object', additionalProperties: { type: 'string' }, description: 'sent in the request, never on a command line' },
      prompt: str(),
      passthrough: arr(str()),
      each: bool(),
    }, ['host']),
    output: obj({ started: arr(SESSION), failed: arr(obj({ message: str(), code: str() }, ['message', 'code'])) }, ['started', 'failed']),
  },
};
