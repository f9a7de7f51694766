// Makes the compiled entry point executable so `npm install` exposes a working `amux` bin.
import { chmodSync, existsSync } from 'node:fs';
const entry = new URL('../dist/cli.js', import.meta.url);
if (existsSync(entry)) chmodSync(entry, 0o755);
