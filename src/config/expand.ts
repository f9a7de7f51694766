/**
 * `${VAR}` expansion for agent environments, done at launch with no shell involved:
 *   ${VAR}            the variable's value, or "" when unset
 *   ${VAR:-default}   the default when VAR is unset or empty (the default is expanded too)
 *   ${VAR-default}    the default only when VAR is unset
 *   $$                a literal $
 * Anything else (a lone `$`, `$VAR` without braces) is kept as written.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Parsed {
  out: string;
  error: string | null;
}

/** Finds the `}` closing the `${` that starts at `open` (nested `${...}` allowed); -1 if none. */
function closingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '$') {
      i++;
      continue;
    }
    if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
      continue;
    }
    if (s[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function expand(s: string, env: NodeJS.ProcessEnv): Parsed {
  let out = '';
  let error: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next !== '{') {
      out += c;
      continue;
    }
    const end = closingBrace(s, i);
    if (end < 0) {
      error ??= `unterminated "\${" (write $$ for a literal $)`;
      out += s.slice(i);
      break;
    }
    const body = s.slice(i + 2, end);
    const m = /^([^:}-]*)(:?-)?([\s\S]*)$/.exec(body)!;
    const name = m[1]!;
    const op = m[2];
    if (!NAME.test(name)) {
      error ??= `"\${${body}}": "${name}" is not a variable name`;
      out += s.slice(i, end + 1);
      i = end;
      continue;
    }
    const value = env[name];
    if (op === undefined) {
      if (m[3]) {
        error ??= `"\${${body}}": expected \${NAME}, \${NAME:-default} or \${NAME-default}`;
        out += s.slice(i, end + 1);
      } else out += value ?? '';
    } else {
      const useDefault = op === ':-' ? value === undefined || value === '' : value === undefined;
      if (useDefault) {
        const d = expand(m[3]!, env);
        error ??= d.error;
        out += d.out;
      } else out += value;
    }
    i = end;
  }
  return { out, error };
}

/** Expands one string against `processEnv`. */
export function expandString(value: string, processEnv: NodeJS.ProcessEnv = process.env): string {
  return expand(value, processEnv).out;
}

/** Expands every value of an agent's `environment` against `processEnv` (never a shell). */
export function expandEnvironment(env: Record<string, string>, processEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = expand(v, processEnv).out;
  return out;
}

/** Why a value's `${...}` syntax is wrong, or null when it is fine (used by validation). */
export function checkExpansion(value: string): string | null {
  return expand(value, {}).error;
}
