// The DNS server's own ceiling: a minimal client, in a process of its own, that keeps WINDOW
// queries in flight on one UDP socket for DURATION ms and counts the answers. No parsing
// beyond the 16-bit ID, no cache, no retries: whatever it measures is the server's limit on
// this machine (and the figure the audit's query rate is compared with).
// Usage: node bench/dns-flood.ts <host:port> <names file: "name type" per line> [duration ms] [window]
// Prints {"answered":n,"ms":t,"qps":q} on stdout.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const TYPES: Record<string, number> = { A: 1, MX: 15, TXT: 16, AAAA: 28, PTR: 12, CNAME: 5 };

/** RFC 1035 4.1: a header with RD set and one question. */
export function encodeQuery(id: number, name: string, type: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').map((l) => Buffer.from(l, 'ascii'));
  const qname = Buffer.concat([...labels.flatMap((l) => [Buffer.from([l.length]), l]), Buffer.from([0])]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(TYPES[type] ?? 1, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, qname, tail]);
}

export async function flood(server: string, questions: Array<[string, string]>, durationMs: number, window: number): Promise<{ answered: number; ms: number; qps: number }> {
  const colon = server.lastIndexOf(':');
  const host = server.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(server.slice(colon + 1));
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const packets = questions.map(([name, type], i) => encodeQuery(i & 0xffff, name, type));
  let next = 0;
  let answered = 0;
  let inFlight = 0;
  const started = performance.now();
  let stopping = false;
  return new Promise((resolve) => {
    const send = () => {
      while (!stopping && inFlight < window) {
        inFlight++;
        socket.send(packets[next++ % packets.length]!, port, host);
      }
    };
    // a lost datagram would shrink the window for good: top it up every 50 ms
    const refill = setInterval(() => { inFlight = Math.min(inFlight, window - 1); send(); }, 50);
    socket.on('message', () => {
      answered++;
      inFlight--;
      send();
    });
    setTimeout(() => {
      stopping = true;
      clearInterval(refill);
      const ms = performance.now() - started;
      socket.close();
      resolve({ answered, ms: Math.round(ms), qps: Math.round(answered / (ms / 1000)) });
    }, durationMs);
    send();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [server, namesFile, duration, window] = process.argv.slice(2);
  const questions = readFileSync(namesFile!, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]);
  const result = await flood(server!, questions, Number(duration ?? 3000), Number(window ?? 64));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
