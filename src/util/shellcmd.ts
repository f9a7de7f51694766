/**
 * Reading a POSIX shell command string just far enough to find where a given program's word
 * is, so argv words can be added right after it (`cd app && claude | tee log` →
 * `cd app && claude --settings F | tee log`). Anything this reader does not follow for certain
 * (command substitution, backquotes, here-documents, `for`/`case`, arithmetic) before the word
 * makes it give up: a caller must then refuse rather than guess.
 */

/** Characters that end a word when unquoted. */
const META = ' \t\n;&|()<>';
/** A word with no quoting or expansion: what it says is what runs. */
const PLAIN = /^~?[A-Za-z0-9_./@+,:%=-]+$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Words after which the next word is still a command. */
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{']);
/** Constructs whose words are not commands in the simple sense: give up. */
const UNFOLLOWED = new Set(['for', 'case', 'select', 'function', '[[', 'coproc']);
/** Programs that run the next word as the program (their options skipped). */
const WRAPPERS = new Set(['exec', 'env', 'command', 'nohup', 'nice', 'stdbuf', 'time', 'npx', 'bunx', 'pnpx', 'uvx']);

/** The end of the word starting at `i`, or -1 where this reader gives up. */
function wordEnd(cmd: string, i: number): number {
  let j = i;
  while (j < cmd.length) {
    const c = cmd[j]!;
    if (c === "'") {
      const k = cmd.indexOf("'", j + 1);
      if (k < 0) return -1;
      j = k + 1;
    } else if (c === '"') {
      j++;
      while (j < cmd.length && cmd[j] !== '"') {
        if (cmd[j] === '`' || (cmd[j] === '$' && cmd[j + 1] === '(')) return -1;
        j += cmd[j] === '\\' ? 2 : 1;
      }
      if (j >= cmd.length) return -1;
      j++;
    } else if (c === '\\') {
      j += 2;
    } else if (c === '`' || (c === '$' && cmd[j + 1] === '(')) {
      return -1;
    } else if (META.includes(c)) {
      break;
    } else {
      j++;
    }
  }
  return Math.min(j, cmd.length);
}

/**
 * Where the first command of `cmd` whose program word satisfies `isProgram` ends that word:
 * only a plain word (no quotes, no `$`) in command position counts — after `VAR=x`
 * assignments, keywords such as `then`, and wrappers such as `exec`, `env`, `npx` with their
 * options. Null when there is none, or when something before it is beyond this reader.
 */
export function programWordEnd(cmd: string, isProgram: (word: string) => boolean): number | null {
  let i = 0;
  let atCommand = true;
  let wrapped = false;
  while (i < cmd.length) {
    const c = cmd[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '\\' && cmd[i + 1] === '\n') {
      i += 2;
    } else if (c === '#') {
      const nl = cmd.indexOf('\n', i);
      if (nl < 0) return null;
      i = nl;
    } else if (c === '<' || c === '>' || (c === '&' && cmd[i + 1] === '>')) {
      // A redirection and its target: no effect on what the command is. `<<` starts a here-document.
      if (cmd.startsWith('<<', i)) return null;
      i++;
      while (i < cmd.length && '<>&|'.includes(cmd[i]!)) i++;
      while (cmd[i] === ' ' || cmd[i] === '\t') i++;
      const end = wordEnd(cmd, i);
      if (end <= i) return null;
      i = end;
    } else if (META.includes(c)) {
      if (c === '(' && cmd[i + 1] === '(') return null;
      i++;
      atCommand = true;
      wrapped = false;
    } else {
      const end = wordEnd(cmd, i);
      if (end < 0) return null;
      const word = cmd.slice(i, end);
      i = end;
      // `2>err`: the digits belong to the redirection that follows.
      if (/^\d+$/.test(word) && (cmd[end] === '<' || cmd[end] === '>')) continue;
      if (!atCommand) continue;
      if (UNFOLLOWED.has(word)) return null;
      if (ASSIGNMENT.test(word) || KEYWORDS.has(word)) continue;
      if (WRAPPERS.has(word)) {
        wrapped = true;
        continue;
      }
      if (wrapped && word.startsWith('-')) continue;
      atCommand = false;
      // `claude() { … }` defines a function: that word runs nothing.
      if (/^[ \t]*\(/.test(cmd.slice(end))) continue;
      if (PLAIN.test(word) && isProgram(word)) return end;
    }
  }
  return null;
}
