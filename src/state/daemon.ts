import { Server } from '../tmux/server.js';
import { resolveSocket, type SocketChoice } from '../tmux/exec.js';
import { version } from '../version.js';
import { claimPidFile, daemonPaths, readDaemon, releasePidFile, touchPidFile } from './daemon-client.js';
import { Monitor, type PublishedTick } from './monitor.js';
import { EventServer } from './event-server.js';
import { SnapshotWriter, removeSnapshot } from './snapshot.js';
import { ControlClient, MONITOR_SESSION } from '../tmux/control.js';
import type { AmuxConfig, NotifyConfig } from '../config/types.js';
import { appendCapped } from './daemon-log.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TICK_MS = 400;
const IDLE_EXIT_MS = Number(process.env.AMUX_DAEMON_IDLE_EXIT_MS) || 30_000;

/**
 * The log file (AMUX_DAEMON_LOG, set by the client that spawned this daemon) is written with a
 * cap (see daemon-log.ts); a daemon run by hand logs to stdout.
 */
function log(msg: string): void {
  const line = `${new Date().toISOString()} ${msg}\n`;
  const file = process.env.AMUX_DAEMON_LOG;
  if (file) appendCapped(file, line);
  else process.stdout.write(line);
}

/**
 * The monitor daemon's main: claims the server's pid file (one daemon per server), holds one
 * control-mode connection attached to a hidden session of its own, ticks the Monitor, reconnects
 * after %exit, and exits when the tmux server is gone or a newer daemon took over.
 */
export async function runDaemon(): Promise<number> {
  const socket: SocketChoice = process.env.AMUX_DAEMON_SOCKET ? (JSON.parse(process.env.AMUX_DAEMON_SOCKET) as SocketChoice) : resolveSocket();
  const server = new Server(socket);
  const info = { pid: process.pid, version, socket: server.label, startedAt: new Date().toISOString(), log: daemonPaths(socket).log };
  if (!claimPidFile(socket, info)) {
    log('another daemon runs for this server; exiting');
    return 0;
  }
  let stopping = false;
  /** Why the daemon leaves, for the event API's monitor-exit. */
  let exitReason = 'stopped';
  const stop = () => {
    stopping = true;
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => undefined);
  log(`amux daemon ${version} (pid ${process.pid}) for ${server.description}`);

  const configCache = new Map<string, { at: number; config: AmuxConfig | null }>();
  const { loadConfig } = await import('../config/load.js');
  const configFor = (project: string): AmuxConfig | null => {
    const hit = configCache.get(project);
    if (hit && Date.now() - hit.at < 5000) return hit.config;
    let config: AmuxConfig | null = null;
    try {
      config = loadConfig({ cwd: project });
    } catch (e) {
      log(`config of ${project}: ${(e as Error).message.split('\n')[0]}`);
    }
    configCache.set(project, { at: Date.now(), config });
    return config;
  };
  const notifyFor = (project: string): NotifyConfig | null => configFor(project)?.notify ?? null;
  const hibernateFor = (project: string): number | null => configFor(project)?.hibernate ?? null;

  const events = await openEvents(socket);
  // The liveness readers check (HUNG_AFTER_MS): touched every second while the event loop turns,
  // not only between ticks, so a first tick over a thousand panes on a loaded machine is not
  // taken for a hang (a frozen or stuck process touches nothing and is still replaced).
  const alive = setInterval(() => touchPidFile(socket), 1000);
  alive.unref();
  try {
    while (!stopping) {
      touchPidFile(socket);
      if (!(await server.isRunning())) {
        log('tmux server is gone; exiting');
        exitReason = 'the tmux server is gone';
        break;
      }
      let ctl: ControlClient;
      try {
        ctl = await ControlClient.connect({ socket, session: MONITOR_SESSION, startServer: false });
      } catch (e) {
        log(`control connection failed: ${(e as Error).message}`);
        await sleep(1000);
        continue;
      }
      let exited = false;
      ctl.on('exit', () => {
        exited = true;
      });
      const reap = () => void server.reapChildren().catch(() => undefined);
      const snap = new SnapshotWriter(socket);
      const monitored = Server.overControl(ctl);
      // The snapshot file first: a client woken by an event that reads it sees the same tick.
      const published = (tick: PublishedTick) => {
        snap.write(tick);
        events?.publish(tick.views, tick.at);
      };
      const monitor = new Monitor(monitored, { socketLabel: server.label, notifyFor, settingsFor: configFor, hibernateFor, log, reap, published });
      let idleSince = Date.now();
      while (!stopping && !exited) {
        const mine = readDaemon(socket);
        if (mine && mine.pid !== process.pid) {
          log(`daemon ${mine.pid} (${mine.version}) took over; exiting`);
          exitReason = `replaced by daemon ${mine.pid}`;
          stopping = true;
          break;
        }
        const t0 = Date.now();
        touchPidFile(socket);
        try {
          const r = await monitor.tick();
          if (r.live > 0) idleSince = Date.now();
          else if (Date.now() - idleSince > IDLE_EXIT_MS) {
            // Nothing to watch: leave, and take the hidden session along so an otherwise empty
            // server can exit. The next amux command starts a new monitor.
            log('no live amux sessions; exiting');
            exitReason = 'no live amux sessions';
            await monitored.killSessionNamed(MONITOR_SESSION).catch(() => undefined);
            stopping = true;
            break;
          }
        } catch (e) {
          if (exited) break;
          log(`tick failed: ${(e as Error).message}`);
        }
        await sleep(Math.max(50, TICK_MS - (Date.now() - t0)));
      }
      monitor.close();
      await ctl.close();
      if (exited && !stopping) log('control connection ended; reconnecting');
    }
  } finally {
    clearInterval(alive);
    await events?.close(exitReason);
    removeSnapshot(socket);
    releasePidFile(socket);
    await server.unsetGlobalOption('@amux_daemon_ready').catch(() => undefined);
  }
  return 0;
}

/** The event API of this daemon (see event-server.ts), or null when it cannot listen: readers then poll. */
async function openEvents(socket: SocketChoice): Promise<EventServer | null> {
  const path = daemonPaths(socket).events;
  if (!path) {
    log('no event socket: its path under AMUX_HOME is too long for a unix socket');
    return null;
  }
  try {
    return await EventServer.listen(path, log);
  } catch (e) {
    log(`no event socket: ${(e as Error).message}`);
    return null;
  }
}
