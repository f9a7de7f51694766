/**
 * Reading a prompt from a file or standard input: bytes that are not UTF-8 are refused with
 * where they are (never silently replaced by U+FFFD), and a file that cannot be read says why
 * in a sentence.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { invalidUtf8Offset } from '../util/utf8.js';

/** The text of `bytes`, or a UsageError naming `source` and the offset of the first bad byte. */
export function decodePrompt(bytes: Uint8Array, source: string): string {
  const at = invalidUtf8Offset(bytes);
  if (at >= 0) {
    const b = bytes[at]!.toString(16).padStart(2, '0');
    throw new UsageError(`${source} is not valid UTF-8: byte 0x${b} at byte offset ${at} does not start a valid character (save it as UTF-8)`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

const WHY: Record<string, (f: string) => string> = {
  ENOENT: (f) => `there is no file ${f}`,
  ENOTDIR: (f) => `there is no file ${f} (a part of the path is not a folder)`,
  EISDIR: (f) => `${f} is a folder, not a file`,
  EACCES: (f) => `you have no permission to read ${f}`,
  EPERM: (f) => `you have no permission to read ${f}`,
};

/** The prompt in file `file`. */
export function readPromptFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`cannot read the prompt: ${WHY[code]?.(file) ?? `reading ${file} failed (${code || (e as Error).message})`}`);
  }
  return decodePrompt(bytes, file);
}

/** The prompt on standard input. */
export async function readPromptStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return decodePrompt(Buffer.concat(chunks), 'standard input');
}
