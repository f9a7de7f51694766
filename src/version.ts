import { readFileSync } from 'node:fs';

/** amux's version, from package.json (read once; used by --version and the daemon handshake). */
export const version: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
