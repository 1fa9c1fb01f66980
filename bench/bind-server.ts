// BIND (named) as the benchmark's DNS server, when it is installed (BENCH_DNS=bind, or
// BENCH_DNS=auto finds /usr/sbin/named): a real server, multi-threaded, whose flood ceiling
// is far above the fixture server's, so the client's own limit shows. It serves the generated
// zone as the root zone (authoritative, no recursion), counts queries through its statistics
// channel, and answers SERVFAIL under servfail.test (a zone that cannot load). It cannot
// delay answers: the slow domains answer at once, and the latency section keeps the fixture
// server. Offline: it listens on 127.0.0.1 only.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

const NAMED_PATHS = ['/usr/sbin/named', '/usr/local/sbin/named'];

export function namedBinary(): string | null {
  return NAMED_PATHS.find((p) => existsSync(p)) ?? null;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** RFC 1035 character-strings are at most 255 octets: BIND refuses longer quoted strings. */
function splitLongStrings(zone: string): string {
  return zone.replace(/"([^"\n]{256,})"/g, (_, text: string) => text.match(/.{1,255}/g)!.map((part) => `"${part}"`).join(' '));
}

export class BindServer {
  readonly kind: string;
  address = '';
  private child: ChildProcess | null = null;
  private statsPort = 0;

  private constructor(binary: string) {
    this.kind = `BIND named (${binary}) in its own process`;
  }

  static async start(binary: string, zone: string, work: string): Promise<BindServer> {
    const server = new BindServer(binary);
    const dir = join(work, 'bind');
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    server.statsPort = await freePort();
    writeFileSync(join(dir, 'root.zone'), `$TTL 300\n. IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60\n. IN NS ns.test.\nns.test. IN A 127.0.0.1\n${splitLongStrings(zone)}`);
    writeFileSync(join(dir, 'broken.zone'), 'this is not a zone file\n');
    writeFileSync(join(dir, 'named.conf'), `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  allow-query { any; };
  dnssec-validation no;
  notify no;
  minimal-responses yes;
  check-names primary ignore;   // blocklist test points and _dmarc names are not host names
};
controls { };
statistics-channels { inet 127.0.0.1 port ${server.statsPort} allow { 127.0.0.1; }; };
zone "." { type primary; file "root.zone"; };
zone "servfail.test" { type primary; file "broken.zone"; };
`);
    server.child = spawn(binary, ['-g', '-c', join(dir, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    server.child.stderr!.setEncoding('utf8').on('data', (d: string) => { log += d; });
    server.address = `127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (/running$/m.test(log)) {
        if (/zone \.\/IN: loaded serial/.test(log)) return server;
        break;
      }
      if (server.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await server.stop();
    throw new Error(`named did not start:\n${log.split('\n').slice(-15).join('\n')}`);
  }

  /** Queries answered so far (the statistics channel's QUERY opcode counter). */
  async count(): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${this.statsPort}/json/v1/server`);
    const stats = await response.json() as { opcodes?: Record<string, number> };
    return stats.opcodes?.QUERY ?? 0;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
