/** The config templates shipped in `templates/` (used by `amux init` and `amux config edit`). */
import { readdirSync, readFileSync } from 'node:fs';
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

/** The `$schema` reference for a config written into `configDir`: relative when it can be, else absolute. */
export function schemaRef(configDir: string): string {
  const schema = schemaPath();
  const rel = relative(configDir, schema);
  // Relative only inside the same project tree (e.g. node_modules/amux), never `../../..` out of it.
  const ups = rel.split(sep).filter((p) => p === '..').length;
  return !isAbsolute(rel) && ups <= 1 ? rel.split(sep).join('/') : schema;
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
