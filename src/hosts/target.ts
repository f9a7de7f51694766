/**
 * SSH destinations and host names, checked without loading anything (the config validator uses
 * these).
 */

export interface SshTarget {
  /** What ssh is given as the destination: `user@host` or `host`. */
  destination: string;
  port?: number;
}

/** A host name as in `amux host add NAME` and `NAME:session`: no ':' (the separator), no spaces. */
export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * Parses `[user@]host[:port]` (IPv6 in brackets). Refuses what ssh could read as an option or what
 * is not one destination (a leading '-', spaces, control characters): null when invalid.
 */
export function parseTarget(s: string): SshTarget | null {
  // eslint-disable-next-line no-control-regex
  if (!s || s.startsWith('-') || /[\s\x00-\x1f\x7f]/.test(s)) return null;
  const m = /^(?:([^@:[\]/]+)@)?(\[[0-9A-Fa-f:.]+\]|[^@:[\]/]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) return null;
  const user = m[1];
  const host = m[2]!.replace(/^\[|\]$/g, '');
  if (host.startsWith('-') || (user && user.startsWith('-'))) return null;
  const port = m[3] !== undefined ? Number(m[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  return { destination: user ? `${user}@${host}` : host, ...(port !== undefined ? { port } : {}) };
}


/** One remote machine as the config names it. */
export interface HostSpec {
  name: string;
  /** `user@host`, `host`, `user@host:port` or `user@[::1]:port`. */
  ssh: string;
  /** The amux command on that machine (default `amux`, found on the PATH of a non-interactive shell). */
  amux?: string;
  /** A private key file for this host (`ssh -i`, only that key is offered). */
  identity?: string;
  /** The folder remote operations run in (default: the login folder). */
  dir?: string;
  /** How long a listing or check may take before the host counts as offline (ms). */
  timeoutMs?: number;
}

export const DEFAULT_HOST_TIMEOUT_MS = 5000;
