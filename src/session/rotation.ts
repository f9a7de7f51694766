import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * How a session's log rotates, for every writer and reader of it: the current file is FILE; when
 * it would pass `maxBytes` it becomes FILE.1, the older FILE.1 becomes FILE.2, and so on up to
 * FILE.keep (the oldest beyond that is dropped). Disk use per session stays under
 * (keep + 1) × maxBytes. Readers (`logs`, `transcript`) read FILE.N … FILE.1, FILE in that order.
 */
export const DEFAULT_LOG_MAX = 16 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 1;
export const MIN_LOG_BYTES = 4096;
export const MAX_LOG_KEEP = 99;
export const DEFAULT_LOGS = { maxBytes: DEFAULT_LOG_MAX, keep: DEFAULT_LOG_KEEP };
/** `ttl:` default: 7 days. */
export const DEFAULT_TTL_MS = 7 * 86_400_000;

/** The name of rotation `n` of FILE (0 is FILE itself). */
export function rotationName(file: string, n: number): string {
  return n === 0 ? file : `${file}.${n}`;
}

/**
 * The renames one rotation makes, in the order to make them: FILE.(keep-1) → FILE.keep, …,
 * FILE → FILE.1 (a writer in any language does these, then reopens FILE).
 */
export function rotationSteps(file: string, keep: number): [from: string, to: string][] {
  const steps: [string, string][] = [];
  for (let i = Math.max(1, keep) - 1; i >= 0; i--) steps.push([rotationName(file, i), rotationName(file, i + 1)]);
  return steps;
}

/**
 * The files of a log that exist, oldest first: FILE.N … FILE.1 (the rotations present, whatever
 * `keep` was when they were written, stopping at the first gap), then FILE.
 */
export function logParts(file: string): string[] {
  const parts: string[] = [];
  for (let n = 1; n <= MAX_LOG_KEEP + 1; n++) {
    try {
      statSync(rotationName(file, n));
    } catch {
      break;
    }
    parts.unshift(rotationName(file, n));
  }
  parts.push(file);
  return parts;
}

/** Every file that belongs to a session's log (rotations and the time index too): for removal and backup. */
export function logFiles(file: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return [];
  }
  const base = basename(file);
  return names.filter((n) => n === base || (n.startsWith(base + '.') && /^(\d+|idx)$/.test(n.slice(base.length + 1)))).map((n) => join(dirname(file), n));
}

/** Removes a log, its rotations and its time index. */
export function removeLog(file: string): void {
  for (const f of logFiles(file)) rmSync(f, { force: true });
}

/**
 * The log settings in force: `logs:` from the config, with AMUX_LOG_MAX / AMUX_LOG_KEEP in the
 * environment winning (tests and one-off runs).
 */
export function logSettings(config: { logs?: { maxBytes: number; keep: number } } | null | undefined, env: NodeJS.ProcessEnv = process.env): { maxBytes: number; keep: number } {
  const out = { ...DEFAULT_LOGS, ...(config?.logs ?? {}) };
  const max = Number(env.AMUX_LOG_MAX);
  if (env.AMUX_LOG_MAX && Number.isFinite(max) && max >= MIN_LOG_BYTES) out.maxBytes = Math.floor(max);
  const keep = Number(env.AMUX_LOG_KEEP);
  if (env.AMUX_LOG_KEEP && Number.isInteger(keep) && keep >= 1 && keep <= MAX_LOG_KEEP) out.keep = keep;
  return out;
}
