/**
 * Which command module serves each verb (nested verbs by their second word). Data only: the CLI
 * router (src/cli.ts) reads it to load one bundle per command line, and the build
 * (scripts/build.mjs) reads it to know which bundles to make. A module is a file under
 * src/commands that exports `commands`.
 */
const WS = { create: 'ws/create', list: 'ws/list', ls: 'ws/list', show: 'ws/show', path: 'ws/path', rm: 'ws/rm', remove: 'ws/rm', prune: 'ws/prune', diff: 'ws/diff', merge: 'ws/merge' };

export const ROUTES: Record<string, string | Record<string, string>> = {
  run: 'run',
  ps: 'ps',
  ls: 'ps',
  attach: 'attach',
  a: 'attach',
  stop: 'stop',
  rm: 'rm',
  logs: 'logs',
  tail: 'tail',
  doctor: 'doctor',
  demo: 'demo',
  init: 'init',
  daemon: 'daemon',
  explain: 'explain',
  send: 'send',
  await: 'await',
  capture: 'capture',
  keys: 'keys',
  statusline: 'statusline',
  tui: 'tui',
  connect: 'connect',
  mcp: 'mcp',
  rename: 'rename',
  tag: 'tag',
  archive: 'archive',
  unarchive: 'archive',
  untag: 'untag',
  retag: 'retag',
  tags: 'tags',
  info: 'info',
  find: 'find',
  transcript: 'transcript',
  save: 'save',
  restore: 'restore',
  backup: 'backup',
  'restore-backup': 'restore-backup',
  gc: 'gc',
  delegate: 'delegate',
  resume: 'resume',
  restart: 'resume',
  hibernate: 'hibernate',
  adopt: 'adopt',
  serve: 'serve',
  token: { create: 'token', list: 'token', ls: 'token', revoke: 'token' },
  share: 'share',
  handoff: 'handoff',
  service: 'service',
  ws: WS,
  workspace: WS,
  config: { show: 'config/show', validate: 'config/validate', edit: 'config/edit' },
  host: { add: 'host', rm: 'host', remove: 'host', list: 'host', ls: 'host', check: 'host', serve: 'host', attach: 'host' },
};

/** The module for a command line's leading words; null when they name none (help, typos). */
export function moduleFor(words: string[]): string | null {
  const [verb, sub] = words;
  const r = verb !== undefined ? ROUTES[verb] : undefined;
  if (typeof r === 'string') return r;
  if (r && sub !== undefined && r[sub]) return r[sub]!;
  return null;
}

/** Every module, once. */
export function allModules(): string[] {
  return [...new Set(Object.values(ROUTES).flatMap((r) => (typeof r === 'string' ? [r] : Object.values(r))))].sort();
}

/** The bundle file name of a module (`ws/create` → `ws-create`). */
export function bundleName(module: string): string {
  return module.replace(/\//g, '-');
}
