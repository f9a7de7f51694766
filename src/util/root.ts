import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The amux package's folder (where package.json, templates/ and examples/ are), found by walking
 * up from this module, so paths hold whether the code runs from src/ (tests), dist/ or a bundle.
 */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir;
    dir = dirname(dir);
  }
  return dirname(dirname(fileURLToPath(import.meta.url)));
})();

/** The compiled CLI entry, for spawning the daemon and for plugins. */
export const CLI_ENTRY = join(PACKAGE_ROOT, 'dist', 'cli.js');
