import { Command, Option } from 'clipanion';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmuxCommand } from './base.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { privateDir } from '../util/paths.js';

export const DEFAULT_PORT = 7878;

export class ServeCommand extends AmuxCommand {
  static override paths = [['serve']];
  static override usage = Command.Usage({
    description: 'the web dashboard: every session from a browser, with live terminals',
    details: `
      Serves the dashboard on 127.0.0.1 (port ${DEFAULT_PORT}) and prints a one-time login URL; opening it sets a cookie for this port's origin. Sessions and their states arrive live from the monitor; a terminal attaches to a session without resizing the window of whoever sits at the real terminal ("view" is read-only; "drive" types).

      A non-loopback \`--host\` needs \`--expose\`, TLS (\`--tls-cert\`/\`--tls-key\`, or a self-signed pair generated under AMUX_HOME/web/tls with its fingerprint printed) and a bearer token (\`amux token create\`). Reach it remotely over an SSH tunnel (\`ssh -L ${DEFAULT_PORT}:127.0.0.1:${DEFAULT_PORT} host\`) or your VPN; add the names you use with \`--allow-host\`.

      The REST API is \`POST /api/OPERATION\` with a JSON body, the header \`X-Amux-Request: 1\` and \`Authorization: Bearer TOKEN\`; \`GET /api/schema\` lists the operations with the core's JSON Schemas.

      \`--login\` prints a new one-time login URL for the server that runs.
    `,
    examples: [
      ['Serve on localhost', '$0 serve'],
      ['Another port', '$0 serve --port 8080'],
      ['A new login link for the running server', '$0 serve --login'],
      ['On every interface, with a self-signed certificate', '$0 serve --host 0.0.0.0 --expose --allow-host box.lan'],
    ],
  });

  port = Option.String('--port', { description: `Port (default ${DEFAULT_PORT}; 0 picks a free one)` });
  host = Option.String('--host', '127.0.0.1', { description: 'Address to bind (a non-loopback one needs --expose)' });
  expose = Option.Boolean('--expose', false, { description: 'Allow a non-loopback address (TLS and a token required)' });
  tlsCert = Option.String('--tls-cert', { description: 'TLS certificate (PEM)' });
  tlsKey = Option.String('--tls-key', { description: 'TLS private key (PEM)' });
  allowHost = Option.Array('--allow-host', [], { description: 'Another host name the browser uses (DNS rebinding protection)' });
  maxTerminals = Option.String('--max-terminals', '16', { description: 'Most browser terminals open at once' });
  login = Option.Boolean('--login', false, { description: 'Print a new one-time login URL for the running server and exit' });

  async run(): Promise<number> {
    const auth = await import('../web/auth.js');
    if (this.login) {
      const info = auth.readServerInfo();
      if (!info) throw new AmuxError('amux serve is not running', { code: 'not_live', hint: 'start it: amux serve' });
      this.out(`${info.url}/login#${auth.createLoginCode()}`);
      return 0;
    }
    const port = this.port === undefined ? DEFAULT_PORT : Number(this.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, got "${this.port}"`);
    const max = Number(this.maxTerminals);
    if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max-terminals takes a positive number, got "${this.maxTerminals}"`);
    const loopback = ['127.0.0.1', 'localhost', '::1'].includes(this.host) || this.host.startsWith('127.');
    if (!loopback && !this.expose) throw new UsageError(`${this.host} is not a loopback address: add --expose (with TLS and a token) to serve beyond this machine`);
    if ((this.tlsCert === undefined) !== (this.tlsKey === undefined)) throw new UsageError('give both --tls-cert and --tls-key');
    let tls: { cert: string; key: string } | null = null;
    let fingerprint: string | null = null;
    if (this.tlsCert && this.tlsKey) tls = { cert: readFileSync(this.tlsCert, 'utf8'), key: readFileSync(this.tlsKey, 'utf8') };
    else if (!loopback) tls = selfSigned(auth.webDir(), [this.host, ...this.allowHost]);
    if (!loopback && auth.listTokens().filter((t) => !t.readOnly).length === 0) {
      throw new UsageError('--expose needs a bearer token for remote clients: create one first (amux token create NAME)');
    }
    if (tls) {
      const { X509Certificate } = await import('node:crypto');
      fingerprint = new X509Certificate(tls.cert).fingerprint256;
    }
    const ctx = await this.core();
    const { startServer } = await import('../web/server.js');
    const server = await startServer({
      ctx,
      host: this.host,
      port,
      tls,
      allowHosts: this.allowHost,
      maxTerminals: max,
      maxMessageBytes: Number(process.env.AMUX_WEB_MAX_MESSAGE) || 256 * 1024,
      idleMs: Number(process.env.AMUX_WEB_IDLE_MS) || 90_000,
      log: (l) => this.err(`amux serve: ${l}`),
    });
    auth.writeServerInfo({ url: server.url, pid: process.pid, port: server.port, fingerprint });
    this.out(`amux serve: ${server.url} (tmux server ${ctx.server.description})`);
    if (fingerprint) this.out(`TLS certificate SHA-256 fingerprint: ${fingerprint}`);
    // Under a service manager stdout goes to a journal: a login link there would be a secret in a log.
    if (underServiceManager(process.env)) this.out('log in: run amux serve --login for a one-time link');
    else this.out(`log in (one-time link): ${server.loginUrl()}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    auth.clearServerInfo(process.pid);
    await server.close();
    return 0;
  }
}

/** systemd (INVOCATION_ID) and launchd (XPC_SERVICE_NAME) mark the processes they run. */
function underServiceManager(env: NodeJS.ProcessEnv): boolean {
  return !!env.INVOCATION_ID || (!!env.XPC_SERVICE_NAME && env.XPC_SERVICE_NAME !== '0');
}

/** A self-signed certificate for these names under AMUX_HOME/web/tls (made once, by openssl). */
function selfSigned(webDir: string, names: string[]): { cert: string; key: string } {
  const dir = join(webDir, 'tls');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  if (!existsSync(cert) || !existsSync(key)) {
    privateDir(dir);
    const ip = /^[\d.]+$|:/;
    const san = ['DNS:localhost', 'IP:127.0.0.1', ...names.filter((n) => n !== '0.0.0.0' && n !== '::').map((n) => (ip.test(n) ? `IP:${n}` : `DNS:${n}`))];
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '825', '-subj', '/CN=amux', '-addext', `subjectAltName=${[...new Set(san)].join(',')}`], { stdio: 'pipe' });
    } catch (e) {
      throw new AmuxError(`could not make a self-signed certificate with openssl: ${(e as Error).message}`, { hint: 'give one with --tls-cert and --tls-key' });
    }
    chmodSync(key, 0o600);
  }
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

export const commands = [ServeCommand];
