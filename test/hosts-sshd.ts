/**
 * A real OpenSSH server on a loopback port for the host tests and benchmarks: run by the test as
 * a foreground process with its own config, host key and a throwaway client key in a temp dir
 * (never the machine's sshd or the user's keys). A "remote machine" is a second TestEnv (its own
 * AMUX_HOME and private tmux socket) whose amux is a wrapper script that sets that environment and
 * runs this repo's dist/cli.js: what sshd starts sees nothing of the local test's environment.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, TestEnv, sleep } from './helpers.ts';
import { shQuote } from '../src/util/quote.ts';

export const SSHD = '/usr/sbin/sshd';
export const haveSshd = existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

/** Every descendant of `pid` (by /proc parent links), deepest first. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(e), ppid);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) (walk(c), out.push(c));
  };
  walk(pid);
  return out;
}

export class SshServer {
  readonly dir: string;
  readonly user = userInfo().username;
  port = 0;
  /** The client's private key (give it as the host's identity). */
  readonly clientKey: string;
  /** An ssh_config for the client side (AMUX_SSH_CONFIG): a known_hosts file of its own. */
  readonly sshConfig: string;
  private proc: ChildProcess | null = null;
  private readonly configFile: string;

  constructor() {
    this.dir = realpathSync(mkdtempSync(join(tmpdir(), 'amux-sshd-')));
    const key = (f: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'amux-test', '-f', join(this.dir, f)], { stdio: 'ignore' });
    key('host_ed25519');
    key('client_ed25519');
    this.clientKey = join(this.dir, 'client_ed25519');
    writeFileSync(join(this.dir, 'authorized_keys'), readFileSync(`${this.clientKey}.pub`));
    this.configFile = join(this.dir, 'sshd_config');
    this.sshConfig = join(this.dir, 'ssh_config');
    writeFileSync(this.sshConfig, `Host *\n  UserKnownHostsFile ${join(this.dir, 'known_hosts')}\n  GlobalKnownHostsFile /dev/null\n`);
  }

  async start(): Promise<void> {
    // sshd's privilege separation folder (Debian creates it at boot; a container may lack it).
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    if (!this.port) this.port = await freePort();
    writeFileSync(
      this.configFile,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(this.dir, 'host_ed25519')}`,
        'PidFile none',
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${this.user}`,
        'PrintMotd no',
        'PrintLastLog no',
        'MaxSessions 64',
        'MaxStartups 64',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    this.proc = spawn(SSHD, ['-D', '-e', '-f', this.configFile], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/bin' } });
    let err = '';
    this.proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (this.proc.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start: ${err}`);
      await sleep(50);
    }
  }

  /** `user@127.0.0.1:PORT`. */
  get destination(): string {
    return `${this.user}@127.0.0.1:${this.port}`;
  }

  /** The machine goes away: the listener and every connection it serves (so masters see their link drop). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.pid === undefined) return;
    const kids = descendants(p.pid);
    for (const pid of [p.pid, ...kids]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once('exit', r));
    this.proc = null;
    const deadline = Date.now() + 5000;
    while (kids.some((k) => existsSync(`/proc/${k}`)) && Date.now() < deadline) await sleep(20);
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A remote machine: its own TestEnv (AMUX_HOME, tmux socket, folders) and an `amux` wrapper
 * that runs this repo's CLI in that environment.
 */
export class RemoteMachine {
  readonly env: TestEnv;
  readonly amux: string;
  constructor(label = 'remote') {
    this.env = new TestEnv(label);
    const e = this.env.env;
    const vars = ['AMUX_HOME', 'AMUX_TMUX_SOCKET', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'HOME', 'NO_COLOR'];
    const lines = ['#!/bin/sh', ...vars.map((k) => `export ${k}=${shQuote(e[k]!)}`), `export PATH=${shQuote(join(ROOT, 'test', 'fixtures', 'bin'))}:"$PATH"`, 'unset TMUX TMUX_PANE', `exec ${shQuote(process.execPath)} ${shQuote(CLI)} "$@"`, ''];
    mkdirSync(join(this.env.dir, 'bin'), { recursive: true });
    this.amux = join(this.env.dir, 'bin', 'amux');
    writeFileSync(this.amux, lines.join('\n'));
    chmodSync(this.amux, 0o755);
  }
  cleanup(): Promise<void> {
    return this.env.cleanup();
  }
}

/** The local side's environment additions: the test ssh_config (its own known_hosts). */
export function clientEnv(sshd: SshServer): NodeJS.ProcessEnv {
  return { AMUX_SSH_CONFIG: sshd.sshConfig };
}
