import type { Server } from '../tmux/server.js';
import type { Registry } from '../session/registry.js';
import { openContext } from '../core/context.js';
import { resolveView } from '../core/sessions.js';
import type { SessionView } from '../state/model.js';

/** The tmux server amux talks to: the same rule as every core operation (env, config, $TMUX). */
export async function getServer(): Promise<Server> {
  return (await openContext()).server;
}

/** Resolves a session reference on the current server and joins it with its live pane. */
export async function resolveSession(ref: string): Promise<{ server: Server; registry: Registry; view: SessionView }> {
  const ctx = await openContext();
  return { server: ctx.server, registry: ctx.registry, view: await resolveView(ctx, ref) };
}
