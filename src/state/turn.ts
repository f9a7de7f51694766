/**
 * What an agent wrote during one turn, from two captures of its pane (history + screen) taken
 * before the prompt was sent and after the turn ended. Inline TUIs (Claude Code, Codex) append
 * to history: the new part is what follows the common prefix. Full-screen redraws fall back to
 * the lines that are on the final screen but were not on the first. Input chrome at the bottom
 * (rules, the empty prompt line, footer hints) is dropped: each agent's own from its profile.
 */
import { allProfiles, profileFor } from '../agents/index.js';

/** Horizontal rules are chrome in every agent's UI. */
const RULE = /^[\s─━═—-]{3,}$/;

/**
 * The chrome of a kind. A generic session may run any known agent behind a wrapper, so its
 * reply loses every agent's chrome.
 */
function chromeOf(kind: string): readonly RegExp[] {
  const p = profileFor(kind);
  return p.id === 'generic' ? allProfiles().flatMap((x) => x.replyChrome) : p.replyChrome;
}

/** What the agent of `kind` wrote between the captures `before` and `after`; `sent` is the prompt it was given. */
export function turnOutput(before: string, after: string, kind: string, sent?: string): string {
  const chrome = chromeOf(kind);
  const isChrome = (line: string) => line.trim() === '' || RULE.test(line) || chrome.some((re) => re.test(line));
  const a = before.replace(/\s+$/, '').split('\n').map((l) => l.trimEnd());
  const b = after.replace(/\s+$/, '').split('\n').map((l) => l.trimEnd());
  // Drop the chrome at the bottom of `before` so the prompt line being typed into can differ.
  let aEnd = a.length;
  while (aEnd > 0 && isChrome(a[aEnd - 1]!)) aEnd--;
  let i = 0;
  while (i < aEnd && i < b.length && a[i] === b[i]) i++;
  let fresh: string[];
  if (i >= aEnd) fresh = b.slice(i);
  else {
    const seen = new Set(a);
    fresh = b.filter((l) => !seen.has(l));
  }
  // Trim chrome at both ends, and the echo of what was sent.
  while (fresh.length && isChrome(fresh[fresh.length - 1]!)) fresh.pop();
  while (fresh.length && isChrome(fresh[0]!)) fresh.shift();
  if (sent) {
    const first = sent.split('\n')[0]!.trim();
    // One echo line: a reply that quotes the prompt (`Done: <prompt>`) is not the echo.
    if (fresh.length && first && fresh[0]!.includes(first)) fresh.shift();
    while (fresh.length && isChrome(fresh[0]!)) fresh.shift();
  }
  return fresh.join('\n');
}
