// The interop suite's processes: every daemon runs in the foreground as a child of the test
// process, inside its own mount and UTS namespaces (unshare), where /etc/resolv.conf points at
// the suite's BIND on loopback and /etc/hosts and the host name are the MTA's own. So an MTA's
// DNS lookups (sender checks, PTR) go to the suite's zones and nowhere else, and Sendmail and
// OpenSMTPD announce the name the suite gave them. Each daemon is stopped by its PID at the
// end, pass or fail (SIGTERM, then SIGKILL), and when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  /** the host name inside the daemon's UTS namespace */
  hostname: string;
  /** lines of its /etc/hosts */
  hosts: string[];
  /** the name server its resolver asks (the suite's BIND) */
  nameserver: string;
  /** where its files go (resolv.conf, hosts, stdout/stderr log) */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** wait until this host:port accepts connections */
  ready?: { host: string; port: number; timeoutMs?: number };
}

export interface Daemon {
  name: string;
  pid: number;
  /** stdout and stderr of the daemon */
  logFile: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', killAll);

/** Resolves when host:port accepts a TCP connection; rejects after timeoutMs. */
export async function waitForPort(host: string, port: number, timeoutMs: number, died?: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
      socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
    });
    if (ok) return;
    const why = died?.();
    if (why) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  mkdirSync(spec.dir, { recursive: true });
  const resolv = join(spec.dir, 'resolv.conf');
  const hosts = join(spec.dir, 'hosts');
  writeFileSync(resolv, `nameserver ${spec.nameserver}\noptions timeout:1 attempts:1\n`);
  writeFileSync(hosts, `127.0.0.1 localhost\n::1 localhost\n${spec.hosts.join('\n')}\n`);
  const logFile = join(spec.dir, `${spec.name}.out`);
  const log = createWriteStream(logFile);
  // the mounts and the host name live only in the new namespaces; then the daemon replaces the shell
  const script = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && hostname "$3" && shift 3 && exec "$@"';
  const child = spawn('unshare', ['--mount', '--uts', '--', 'sh', '-c', script, 'sh', resolv, hosts, spec.hostname, spec.command, ...spec.args], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let exited: string | null = null;
  child.on('exit', (code, signal) => {
    running.delete(child);
    exited = `${spec.name} exited (${signal ?? code}) before it was ready; see ${logFile}`;
  });
  if (spec.ready) {
    try {
      await waitForPort(spec.ready.host, spec.ready.port, spec.ready.timeoutMs ?? 20_000, () => exited);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }
  return {
    name: spec.name,
    pid: child.pid!,
    logFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
      log.end();
    },
  };
}
