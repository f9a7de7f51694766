import { createInterface } from 'node:readline';

/**
 * Asks a yes/no question on the terminal (or reads one line of stdin when it is not a terminal).
 * An empty answer or end of input gives `dflt`.
 */
export function ask(question: string, dflt: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
    let done = false;
    const finish = (v: boolean) => {
      if (done) return;
      done = true;
      rl.close();
      resolve(v);
    };
    rl.question(question, (answer) => {
      const a = answer.trim().toLowerCase();
      finish(a === '' ? dflt : a === 'y' || a === 'yes');
    });
    rl.on('close', () => finish(dflt));
  });
}
