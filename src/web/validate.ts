/**
 * Checks an API request's input against the core's JSON Schema for the operation (the subset
 * schemas.ts uses: object, string, integer, boolean, array, enum, const, anyOf, additionalProperties).
 * A mismatch is a usage error naming the field.
 */
import { UsageError } from '../util/errors.js';

type Schema = Record<string, unknown>;

function check(s: Schema, v: unknown, at: string): string | null {
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).some((x) => check(x, v, at) === null) ? null : `${at} has the wrong type`;
  if (Array.isArray(s.oneOf)) return (s.oneOf as Schema[]).some((x) => check(x, v, at) === null) ? null : `${at} has the wrong shape`;
  if ('const' in s && v !== s.const) return `${at} must be ${JSON.stringify(s.const)}`;
  if (Array.isArray(s.enum) && !s.enum.includes(v)) return `${at} must be one of ${(s.enum as unknown[]).join(', ')}`;
  switch (s.type) {
    case 'string':
      return typeof v === 'string' ? null : `${at} must be a string`;
    case 'boolean':
      return typeof v === 'boolean' ? null : `${at} must be true or false`;
    case 'null':
      return v === null ? null : `${at} must be null`;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `${at} must be a whole number`;
      return typeof s.minimum === 'number' && v < s.minimum ? `${at} must be at least ${s.minimum}` : null;
    case 'array': {
      if (!Array.isArray(v)) return `${at} must be an array`;
      for (let i = 0; i < v.length; i++) {
        const e = check((s.items ?? {}) as Schema, v[i], `${at}[${i}]`);
        if (e) return e;
      }
      return null;
    }
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${at} must be an object`;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const o = v as Record<string, unknown>;
      for (const r of (s.required ?? []) as string[]) if (o[r] === undefined) return `${at === 'input' ? '' : `${at}.`}${r} is required`;
      for (const [k, x] of Object.entries(o)) {
        const p = props[k];
        if (!p) {
          if (s.additionalProperties === false) return `unknown field ${at === 'input' ? '' : `${at}.`}${k}`;
          if (typeof s.additionalProperties === 'object') {
            const e = check(s.additionalProperties as Schema, x, `${at}.${k}`);
            if (e) return e;
          }
          continue;
        }
        const e = check(p, x, at === 'input' ? k : `${at}.${k}`);
        if (e) return e;
      }
      return null;
    }
    default:
      return null;
  }
}

export function validate(schema: Schema, input: unknown): void {
  const e = check(schema, input, 'input');
  if (e) throw new UsageError(e);
}
