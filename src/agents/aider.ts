/**
 * aider, binary `aider`, PyPI `aider-chat`. A line-oriented program, not a full-screen UI.
 *
 * What the product prints (see ../shared/design/TMUX-FACTS.md and test/fixtures/screens):
 *   idle        the prompt `> ` (or `architect> `, `ask> ` …) as the last line
 *   busy        a block-glyph bar `░█        Waiting for gpt-4o` (or a braille spinner)
 *   question    `Add file to the chat? (Y)es/(N)o/(A)ll/(S)kip all/(D)on't ask again [Yes]:`; `y` Enter says
 *               yes, `n` Enter says no. Answered questions scroll away and stay on screen, so
 *               only a question on the LAST line is pending.
 *
 * Hooks: none; the screen alone tells its state.
 */
import { BRAILLE, type AgentProfile } from './types.js';

export const aider: AgentProfile = {
  id: 'aider',
  product: 'aider',
  programs: ['aider', 'aider-chat'],
  preset: { id: 'aider', description: 'aider', command: () => ['aider'], canBeStuck: true },
  screen: {
    waiting: ['\\(Y\\)es/\\(N\\)o[^\\n]*(?![\\s\\S])', '\\[(?:Yes|No)\\]:\\s*(?![\\s\\S])', '\\(y/n\\)[^\\n]*(?![\\s\\S])'],
    busy: ['^\\s*[░▒▓█]{2,}\\s+\\S', '\\bWaiting for \\S+', `^\\s*[${BRAILLE}]\\s+\\S`],
    // The prompt `> ` (or `architect> `, `ask> ` …) as the last non-blank line.
    idle: ['^(?:[a-z-]+)?>(?:[ \\u00a0][^\\n]*)?(?![\\s\\S])'],
    status: '^\\s*[░▒▓█]{2,}\\s+[^\\n]*$',
    tailLines: 20,
  },
  hooks: null,
  approveKeys: ['y', 'Enter'],
  rejectKeys: ['n', 'Enter'],
  replyChrome: [/^\s*>\s*$/],
};
