/**
 * Any other program: a shell, a dev server, a script, or an agent behind a wrapper amux cannot
 * see through. Nothing it draws is known, so only prompts on the LAST non-blank line count (a
 * question left on screen long ago is history); everything else comes from output activity
 * (STATES.md). Its preset is the interactive shell: `$SHELL` when absolute, else /bin/sh.
 */
import { isAbsolute } from 'node:path';
import { BRAILLE, type AgentProfile } from './types.js';

export const generic: AgentProfile = {
  id: 'generic',
  product: 'a program',
  programs: [],
  preset: {
    id: 'shell',
    description: 'An interactive shell',
    command: (env) => [env.SHELL && isAbsolute(env.SHELL) ? env.SHELL : '/bin/sh'],
    canBeStuck: false,
  },
  screen: {
    waiting: [
      '(?:\\[y/n\\]|\\(y/n\\)|\\[yes/no\\]|\\(yes/no\\))[^\\n]*(?![\\s\\S])',
      '(?:password|passphrase)[^\\n]*:\\s*(?![\\s\\S])',
      'press (?:any key|enter|return) to continue[^\\n]*(?![\\s\\S])',
    ],
    busy: [],
    idle: [],
    status: `^\\s*[${BRAILLE}]\\s+[^\\n]*$`,
    tailLines: 15,
  },
  hooks: null,
  approveKeys: ['y', 'Enter'],
  rejectKeys: ['n', 'Enter'],
  // Behind a wrapper it may be any known agent: `amux send` drops every agent's chrome (turn.ts).
  replyChrome: [],
};
