/**
 * Gemini CLI (Google), binary `gemini`, npm `@google/gemini-cli`.
 *
 * What the product draws (see ../shared/design/TMUX-FACTS.md and test/fixtures/screens):
 *   idle        a box with `│ >   Type your message or @path/to/file │`
 *   busy        a braille spinner `⠼ Reticulating splines... (esc to cancel, 7s)`
 *   approval    a box `Allow execution of: 'rm'?` / `● 1. Yes, allow once` / `2. Yes, allow
 *               always …` / `3. No, suggest changes (esc)`, under `⠏ Waiting for user
 *               confirmation...`; `1` says yes, Esc says no
 *
 * Hooks: none amux uses; the screen alone tells its state.
 */
import { BRAILLE, type AgentProfile } from './types.js';

export const gemini: AgentProfile = {
  id: 'gemini',
  product: 'Gemini CLI',
  programs: ['gemini', '@google/gemini-cli', 'gemini-cli'],
  preset: { id: 'gemini', description: 'Gemini CLI (Google)', command: () => ['gemini'], canBeStuck: true },
  screen: {
    waiting: [
      'Allow execution',
      'Waiting for user confirmation',
      'Apply this change\\?',
      'Do you want to proceed\\?',
      '\\bAllow (?:once|always)\\b',
      '^\\s*[●❯›]\\s*1\\.\\s+(?:Yes|Allow)\\b',
    ],
    busy: ['\\besc to cancel\\b', `^\\s*[${BRAILLE}]\\s+\\S`],
    idle: ['Type your message', '^\\s*│\\s*>\\s', '^\\s*>\\s{2,}\\S'],
    status: `^\\s*[${BRAILLE}]\\s+[^\\n]*$`,
    tailLines: 30,
  },
  hooks: null,
  approveKeys: ['1'],
  rejectKeys: ['Escape'],
  replyChrome: [/^\s*>\s*$/, /esc to (?:interrupt|cancel)/i],
};
