import { UsageError } from '../util/errors.js';

/**
 * The one rule for text amux types into a pane (`send`, `run -p`, the TUI's `s` and its
 * new-session prompt all reach typeText in deliver.ts, which applies it; the core applies it
 * again up front so bad text is refused before anything is waited for or started).
 *
 * Text is delivered as the characters it is, so a control character is REFUSED, never
 * stripped: inside a paste an ESC can end the bracketed paste (`ESC [201~`) and what follows
 * arrives as typed keys, a CR presses Enter (half a prompt submitted as its own turn), a C-c
 * interrupts the agent. Stripping would silently send something other than what was asked (a
 * script could not tell); a refusal names the character and where it is, and `amux keys` stays
 * the way to press keys. Allowed: tab, newline, and every printable character. A CRLF line end
 * (a file saved on Windows) is a newline and is sent as one.
 */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/u;

const NAMES: Record<number, string> = { 0x00: 'NUL', 0x03: 'C-c', 0x04: 'C-d', 0x07: 'BEL', 0x08: 'backspace', 0x0b: 'vertical tab', 0x0c: 'form feed', 0x0d: 'CR', 0x1b: 'ESC', 0x7f: 'DEL' };

/** `U+001B ESC`: how a refused character is shown. */
function describe(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return NAMES[code] ? `${hex} ${NAMES[code]}` : hex;
}

/** The text to type (CRLF line ends as newlines); a UsageError naming the first control character and its line and column. */
export function literalText(text: string, what = 'the prompt'): string {
  const normalized = text.replace(/\r\n/g, '\n');
  const m = CONTROL.exec(normalized);
  if (!m) return normalized;
  const before = normalized.slice(0, m.index);
  const line = before.split('\n').length;
  const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
  throw new UsageError(`${what} holds a control character (${describe(m[0].codePointAt(0)!)}) at line ${line}, column ${column}: text is typed literally, and only tab and newline may be in it`, {
    hint: 'to press keys such as Enter, Escape or C-c, use amux keys SESSION KEY...',
  });
}
