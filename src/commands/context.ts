import { Server } from '../tmux/server.js';
import { resolveSocket, checkTmuxVersion } from '../tmux/exec.js';
import type { AmuxConfig } from '../config/types.js';

/** The tmux server amux talks to (checks tmux is present and new enough). */
export async function getServer(config?: Pick<AmuxConfig, 'tmux'> | null): Promise<Server> {
  await checkTmuxVersion();
  return new Server(resolveSocket(process.env, config?.tmux.socket));
}

import { Registry } from '../session/registry.js';
import { buildViews, type SessionView } from '../session/view.js';

/**
 * Resolves a session reference (name, full id or unique id prefix) on the current server and
 * joins it with its live pane in one whole-server read.
 */
export async function resolveSession(ref: string): Promise<{ server: Server; registry: Registry; view: SessionView }> {
  const server = await getServer();
  const registry = new Registry();
  const records = registry.list().filter((r) => r.tmux.socket === server.label);
  const rec = registry.resolve(ref, records);
  const [view] = buildViews([rec], await server.listPanes());
  return { server, registry, view: view! };
}
