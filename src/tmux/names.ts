import { UsageError } from '../util/errors.js';

/**
 * amux session names. tmux rewrites `:` and `.` in names and its target parser treats `$N`, `@N`,
 * `%N`, a leading `-`, `*`/`?` patterns and prefixes specially, so amux allows only a safe
 * alphabet and always prefixes the tmux name, so a name never looks like an id or an index.
 */
export const TMUX_PREFIX = 'amux-';
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function validateName(name: string, what = 'session name'): string {
  if (!NAME_RE.test(name)) {
    const shown = JSON.stringify(name.length > 80 ? name.slice(0, 77) + '...' : name);
    throw new UsageError(
      `invalid ${what} ${shown}: use 1-63 characters of A-Z a-z 0-9 _ -, starting with a letter or digit`,
    );
  }
  return name;
}

/** Turns free text (an agent id, a workspace name) into a name fragment of the safe alphabet. */
export function slug(text: string, max = 40): string {
  const s = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, max)
    .replace(/[-_]+$/, '');
  return s || 'x';
}

export function tmuxSessionName(name: string): string {
  return TMUX_PREFIX + name;
}

/** An exact session target: `=name:` never matches by prefix or pattern. */
export function exactSession(tmuxName: string): string {
  return `=${tmuxName}:`;
}
