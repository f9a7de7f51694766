/** The config templates shipped in `templates/` (used by `amux init` and `amux config edit`). */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { PACKAGE_ROOT } from '../util/root.js';
import { UsageError } from '../util/errors.js';

export function templatesDir(): string {
  return join(PACKAGE_ROOT, 'templates');
}

/** The JSON Schema of the config file, as installed. */
export function schemaPath(): string {
  return join(templatesDir(), 'config.schema.json');
}

/** Template names (`default`, `full`, `minimal`, …), sorted. */
export function templateNames(): string[] {
  try {
    return readdirSync(templatesDir())
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

const SCHEMA_LINE = /^# yaml-language-server: \$schema=.*$/m;

/** The name of the schema's copy beside a config that cannot reach the installed one. */
export const SCHEMA_COPY = 'config.schema.json';

/**
 * The `$schema` reference for a config written into `configDir`: the installed schema, relative,
 * when it is inside the same project tree (e.g. node_modules/amux); otherwise a copy beside the
 * config (`ensureSchemaCopy`), since an absolute path into one machine's install breaks for
 * everyone else once the config is committed.
 */
export function schemaRef(configDir: string): string {
  const rel = relative(configDir, schemaPath());
  const ups = rel.split(sep).filter((p) => p === '..').length;
  return !isAbsolute(rel) && ups <= 1 ? rel.split(sep).join('/') : SCHEMA_COPY;
}

/** Writes (or refreshes) the schema's copy beside the config when `schemaRef` needs it; its path, or null. */
export function ensureSchemaCopy(configDir: string): string | null {
  if (schemaRef(configDir) !== SCHEMA_COPY) return null;
  const file = join(configDir, SCHEMA_COPY);
  const text = readFileSync(schemaPath(), 'utf8');
  let old: string | null = null;
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    /* not there yet */
  }
  if (old !== text) writeFileSync(file, text);
  return file;
}

/**
 * A template's text, its `yaml-language-server` line pointing at this installation's schema
 * as seen from `configDir`. Unknown names are a usage error listing the templates.
 */
export function templateText(name: string, configDir?: string): string {
  const names = templateNames();
  if (!names.includes(name)) throw new UsageError(`unknown template "${name}" (templates: ${names.join(', ')})`);
  const text = readFileSync(join(templatesDir(), `${name}.yaml`), 'utf8');
  if (!configDir) return text;
  return text
    .replace(SCHEMA_LINE, `# yaml-language-server: $schema=${schemaRef(configDir)}`)
    .replace(/^# \(`amux init` points the line above[^\n]*\n/m, '');
}
