import { isAbsolute } from 'node:path';
import type { AgentSpec } from './types.js';

/** Detector kinds the state engine knows (see design/STATES.md). */
export const DETECTOR_KINDS = ['claude', 'codex', 'gemini', 'aider', 'generic'] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

/** Defaults every preset shares: quiet for 2 s counts as idle (generic), 5 min without progress is stuck. */
const IDLE_AFTER = 2_000;
const STUCK_AFTER = 5 * 60_000;

function agentPreset(id: string, description: string, command: string[], detector: string): AgentSpec {
  return {
    id,
    name: id,
    description,
    type: 'tmux',
    command,
    environment: {},
    tags: [],
    detector,
    idleAfter: IDLE_AFTER,
    stuckAfter: STUCK_AFTER,
    params: {},
    source: 'preset',
  };
}

/**
 * The built-in agents, so `amux run claude` works with no config file. A config entry with the
 * same id overrides these field by field. `shell` runs `$SHELL` (when absolute), else /bin/sh.
 */
export function builtinPresets(env: NodeJS.ProcessEnv = process.env): Record<string, AgentSpec> {
  const shell = env.SHELL && isAbsolute(env.SHELL) ? env.SHELL : '/bin/sh';
  return {
    claude: agentPreset('claude', 'Claude Code (Anthropic)', ['claude'], 'claude'),
    codex: agentPreset('codex', 'Codex CLI (OpenAI)', ['codex'], 'codex'),
    gemini: agentPreset('gemini', 'Gemini CLI (Google)', ['gemini'], 'gemini'),
    aider: agentPreset('aider', 'aider', ['aider'], 'aider'),
    shell: {
      id: 'shell',
      name: 'shell',
      description: 'An interactive shell',
      type: 'tmux',
      command: [shell],
      environment: {},
      tags: [],
      detector: 'generic',
      idleAfter: IDLE_AFTER,
      // A shell is never "stuck": stuck needs a claim of work (STATES.md).
      params: {},
      source: 'preset',
    },
  };
}

/** The ids of the built-in presets, in display order. */
export const PRESET_IDS: readonly string[] = ['claude', 'codex', 'gemini', 'aider', 'shell'];
