/**
 * amux's one API. The CLI, the TUI and (later) the web and MCP servers call these functions and
 * nothing below them: a use case lives here once. Operations take a context (`openContext`) and
 * a typed input, return typed JSON-ready output (schemas.ts), never print and never exit; errors
 * are AmuxError with a stable `code`.
 */
export { openContext, type CoreContext, type Observer, type ContextOptions } from './context.js';
export {
  listSessions,
  listViews,
  getSession,
  stopSession,
  removeSession,
  renameSession,
  tagSession,
  archiveSession,
  sendKeys,
  captureSession,
  sendPrompt,
  type SessionInfo,
} from './sessions.js';
export { startSessions, type StartInput, type StartOutput } from './start.js';
export { resumeSessions, restartSession, type ResumeInput, type ResumeOutput, type Resumed } from './resume.js';
export { hibernateSession, type HibernateInput } from './hibernate.js';
export { adoptPane, type AdoptInput } from './adopt.js';
export { awaitSession, explainSession, UNTIL_STATES, type Until, type AwaitOutput, type ExplainOutput } from './observe.js';
export { awaitTurn, type AwaitTurnInput, type WaitOutput } from './turns.js';
export { readLogs, followLogs, type FollowOutput } from './logs.js';
export {
  createWorkspace,
  listWorkspaces,
  showWorkspace,
  workspacePath,
  diffWorkspace,
  mergeWorkspace,
  removeWorkspace,
  pruneWorkspaces,
  type WorkspaceInfo,
  type CreateWorkspaceInput,
  type CreateWorkspaceOutput,
  type WorkspacePathOutput,
  type DiffWorkspaceInput,
  type DiffWorkspaceOutput,
  type MergeWorkspaceInput,
} from './workspaces.js';
export { watchSessions, type Watch, type WatchEvent } from './watch.js';
export { delegate, type DelegateInput, type DelegateOutput } from './delegate.js';
export { doctor, type Check } from './doctor.js';
export { handoffSession, takeoverSession, returnControl, type HandoffInfo, type HandoffOutput, type ReturnOutput } from './handoff.js';
export {
  listHosts,
  addHost,
  removeHost,
  checkHost,
  listHostSessions,
  startOnHost,
  type HostInfo,
  type HostCheck,
  type HostListing,
  type RemoteSessionInfo,
} from './hosts.js';
export { readTranscript, type TranscriptInput, type TranscriptOutput } from './transcript.js';
export { retagSessions, listTags, sessionInfo, findSessions, type InfoOutput, type TagCount } from './organise.js';
export { saveSession, restoreSession, backupSessions, restoreBackup } from './backup.js';
export { gcSessions, type GcInput, type GcOutput } from './gc.js';
export { SCHEMAS } from './schemas.js';
export { AmuxError, UsageError, NotFoundError, type ErrorCode } from '../util/errors.js';
