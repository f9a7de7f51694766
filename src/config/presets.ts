import { allProfiles, DEFAULT_STUCK_AFTER_MS, type AgentProfile } from '../agents/index.js';
import type { AgentSpec } from './types.js';

/** Defaults every preset shares: quiet for 2 s counts as idle (generic), 5 min without progress is stuck. */
const IDLE_AFTER = 2_000;

function presetOf(profile: AgentProfile, env: NodeJS.ProcessEnv): AgentSpec {
  const p = profile.preset;
  return {
    id: p.id,
    name: p.id,
    description: p.description,
    type: 'tmux',
    command: p.command(env),
    environment: {},
    tags: [],
    detector: profile.id,
    idleAfter: IDLE_AFTER,
    ...(p.canBeStuck ? { stuckAfter: DEFAULT_STUCK_AFTER_MS } : {}),
    params: {},
    source: 'preset',
  };
}

/**
 * The built-in agents, one per agent profile (src/agents/), so `amux run claude` works with no
 * config file. A config entry with the same id overrides these field by field. `shell` (the
 * generic profile's) runs `$SHELL` (when absolute), else /bin/sh.
 */
export function builtinPresets(env: NodeJS.ProcessEnv = process.env): Record<string, AgentSpec> {
  return Object.fromEntries(allProfiles().map((p) => [p.preset.id, presetOf(p, env)]));
}

/** The ids of the built-in presets, in display order. */
export const PRESET_IDS: readonly string[] = allProfiles().map((p) => p.preset.id);
