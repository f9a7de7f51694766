import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';
import { parseDuration, formatAge } from '../util/duration.js';
import { addHost, checkHost, listHosts, removeHost, serveHostRequest } from '../core/hosts.js';
import { renderTable } from '../util/table.js';

function timeoutOf(v: string | undefined, flag = '--timeout'): number | undefined {
  if (v === undefined) return undefined;
  const d = parseDuration(v);
  if (d === null || d < 100) throw new UsageError(`${flag} takes a duration like 5s or 800ms, got "${v}"`);
  return d;
}

export class HostAddCommand extends AmuxCommand {
  static override paths = [['host', 'add']];
  static override usage = Command.Usage({
    description: 'add a machine reached over SSH',
    details: `
      Writes the host to your user config (\`~/.config/amux/config.yaml\`, under \`hosts:\`). That machine needs amux installed; \`amux host check NAME\` tries it. Its sessions are then listed by \`amux ps --all-hosts\` and reached as \`NAME:SESSION\` by attach, send, await, keys, capture, logs, stop, rm and explain.

      SSH runs with \`BatchMode=yes\` (set up key authentication first, e.g. ssh-copy-id) and learns a new host key on first use (\`StrictHostKeyChecking=accept-new\`); one connection per host is kept open and reused.
    `,
    examples: [
      ['Add a build box', '$0 host add buildbox --ssh me@build.example.com'],
      ['A VM on another port, with its own key and amux path', '$0 host add vm --ssh ubuntu@10.0.0.5:2222 --identity ~/.ssh/vm_ed25519 --amux /home/ubuntu/.npm-global/bin/amux'],
    ],
  });

  name = Option.String({ name: 'NAME' });
  ssh = Option.String('--ssh', { required: true, description: 'user@host or user@host:port' });
  amux = Option.String('--amux', { description: 'The amux command on that machine (default: amux on its PATH)' });
  identity = Option.String('-i,--identity', { description: 'A private key file for this host' });
  dir = Option.String('--dir', { description: 'The folder remote operations run in (default: the login folder)' });
  timeout = Option.String('--timeout', { description: 'How long a listing may take before the host counts as offline (default 5s)' });
  jsonOut = jsonOption('the host');

  async run(): Promise<number> {
    const r = await addHost(await this.core({ tmux: false }), { name: this.name, ssh: this.ssh, amux: this.amux, identity: this.identity, dir: this.dir, timeoutMs: timeoutOf(this.timeout) });
    if (this.jsonOut) this.json(r);
    else this.out(`added host ${r.name} (${r.ssh}) to ${r.file}; try it: amux host check ${r.name}`);
    return 0;
  }
}

export class HostRmCommand extends AmuxCommand {
  static override paths = [['host', 'rm'], ['host', 'remove']];
  static override usage = Command.Usage({
    description: 'forget a host (its sessions there keep running)',
    examples: [['Forget a host', '$0 host rm buildbox']],
  });

  name = Option.String({ name: 'NAME' });

  async run(): Promise<number> {
    const r = await removeHost(await this.core({ tmux: false }), { name: this.name });
    this.out(`removed host ${r.name} from ${r.file}`);
    return 0;
  }
}

export class HostListCommand extends AmuxCommand {
  static override paths = [['host', 'list'], ['host', 'ls'], ['host']];
  static override usage = Command.Usage({
    description: 'list the configured hosts',
    details: 'Shows each host with when its sessions were last read and how many there were. It does not connect: `amux host check` does.',
    examples: [
      ['List hosts', '$0 host list'],
      ['As JSON', '$0 host list --json'],
    ],
  });

  jsonOut = jsonOption('the hosts');

  async run(): Promise<number> {
    const { hosts } = await listHosts(await this.core({ tmux: false }));
    if (this.jsonOut) {
      this.json(hosts);
      return 0;
    }
    if (hosts.length === 0) {
      this.out('no hosts (add one with: amux host add NAME --ssh user@host)');
      return 0;
    }
    const now = Date.now();
    this.context.stdout.write(
      renderTable(
        ['NAME', 'SSH', 'AMUX', 'LAST SEEN', 'SESSIONS'],
        hosts.map((h) => [h.name, h.ssh, h.amux, h.seenAt ? `${formatAge(now - Date.parse(h.seenAt))} ago` : 'never', h.sessions === null ? '-' : String(h.sessions)]),
      ),
    );
    return 0;
  }
}

export class HostCheckCommand extends AmuxCommand {
  static override paths = [['host', 'check']];
  static override usage = Command.Usage({
    description: 'reach a host and its amux once, and say what is wrong if it fails',
    examples: [
      ['Check one host', '$0 host check buildbox'],
      ['Check every host, as JSON', '$0 host check --json'],
    ],
  });

  names = Option.Rest({ name: 'NAME' });
  timeout = Option.String('--timeout', { description: 'Longest wait for each host (default: its own timeout, 5s)' });
  jsonOut = jsonOption('the checks');

  async run(): Promise<number> {
    const ctx = await this.core({ tmux: false });
    const names = this.names.length ? this.names : (await listHosts(ctx)).hosts.map((h) => h.name);
    if (names.length === 0) throw new UsageError('no hosts to check (add one with: amux host add NAME --ssh user@host)');
    const timeoutMs = timeoutOf(this.timeout);
    const checks = await Promise.all(names.map((name) => checkHost(ctx, { name, timeoutMs })));
    if (this.jsonOut) this.json(checks);
    else
      for (const c of checks) {
        if (c.ok) this.out(`ok    ${c.name} (${c.ssh}): amux ${c.version}, node ${c.node}, ${c.latencyMs}ms`);
        else this.out(`FAIL  ${c.name} (${c.ssh}): ${c.error}${c.hint ? ` (${c.hint})` : ''}`);
      }
    return checks.every((c) => c.ok) ? 0 : 1;
  }
}

/**
 * sshd often passes no locale, and tmux then treats amux's clients as non-UTF-8: it sanitizes
 * their output (list-panes, the monitor's control client) and nothing parses. What runs here for
 * another machine gets a UTF-8 character type.
 */
function utf8Locale(env: NodeJS.ProcessEnv = process.env): void {
  const first = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (/utf-?8/i.test(first)) return;
  delete env.LC_ALL;
  env.LC_CTYPE = 'C.UTF-8';
}

/** The remote end of `amux attach HOST:NAME` (run here by `ssh -t`). */
export class HostAttachCommand extends AmuxCommand {
  static override paths = [['host', 'attach']];
  static override usage = Command.Usage({
    description: 'attach to a session of this machine for another machine (amux runs this over ssh -t)',
    details: 'As `amux attach`, with a UTF-8 locale even when sshd passed none. Not meant to be run by hand: use `amux attach HOST:NAME` on the other machine.',
    examples: [['What the other side runs', '$0 host attach claude-auth']],
  });

  session = Option.String({ name: 'SESSION' });
  readOnly = Option.Boolean('-r,--read-only', false, { description: 'Attach read-only' });

  async run(): Promise<number> {
    utf8Locale();
    if (this.session.includes(':')) throw new UsageError(`"${this.session}" is not a session of this machine`);
    const { attachView, resolveView } = await import('../core/sessions.js');
    const ctx = await this.core();
    return (await attachView(ctx, await resolveView(ctx, this.session), { readOnly: this.readOnly })).code;
  }
}

/** The remote end: what another machine's amux runs here over SSH. */
export class HostServeCommand extends AmuxCommand {
  static override paths = [['host', 'serve']];
  static override usage = Command.Usage({
    description: 'answer one request from another machine (amux runs this over SSH)',
    details: 'Reads one JSON request `{op, input, cwd}` on standard input and writes one JSON line `{ok, result}` or `{ok: false, error: {code, message, hint}}`. Progress goes to standard error. Not meant to be run by hand.',
    examples: [['What the other side sends', `echo '{"op":"listSessions","input":{"all":true}}' | $0 host serve`]],
  });

  async run(): Promise<number> {
    utf8Locale();
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const observer = { progress: (m: string) => this.err(m), warn: (m: string) => this.err(`amux: ${m}`) };
    const { openContext } = await import('../core/context.js');
    const answer = await serveHostRequest((cwd) => openContext({ cwd, observer }), Buffer.concat(chunks).toString('utf8'));
    this.out(JSON.stringify(answer));
    return 0;
  }
}

export const commands = [HostAddCommand, HostRmCommand, HostListCommand, HostCheckCommand, HostServeCommand, HostAttachCommand];
