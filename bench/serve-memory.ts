// node bench/serve-memory.ts: memory of `smtp-audit serve` (the built bin, dist/) under many
// concurrent uploads, as issue 12 asks: 20 clients send 100 MB each at once (over the default
// 25 MiB limit, so every one ends in 552 and nothing is verified). Reported: the server's peak
// RSS (VmHWM from /proc/<pid>/status, Linux), its RSS after the uploads, the replies and the
// wall time. SERVE_MEMORY_MODE=verify sends messages under the limit instead (20 x 20 MB by
// default), which exercises the spool files and the verification workers. Offline: the server
// listens on 127.0.0.1 and its resolver is a closed loopback port (lookups fail fast).
// Settings: SERVE_MEMORY_CLIENTS (20), SERVE_MEMORY_MB (100, or 20 in verify mode).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/smtp-audit.js', import.meta.url));
const VERIFY = process.env.SERVE_MEMORY_MODE === 'verify';
const CLIENTS = Number(process.env.SERVE_MEMORY_CLIENTS ?? 20);
const MB = Number(process.env.SERVE_MEMORY_MB ?? (VERIFY ? 20 : 100));

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** One SMTP session: greeting, envelope, `mb` MB of 998-byte lines, the final dot; the final reply. */
function upload(port: number, mb: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buffer = '';
    const script = ['EHLO bench.test', 'MAIL FROM:<bench@bench.test>', 'RCPT TO:<sink@bench.test>', 'DATA'];
    let step = 0;
    const line = Buffer.from(`${'a'.repeat(998)}\r\n`);
    const block = Buffer.concat(Array.from({ length: 1024 }, () => line)); // ~1 MB
    const sendBody = async () => {
      socket.write('From: bench@bench.test\r\nTo: sink@bench.test\r\nSubject: bench\r\n\r\n');
      for (let sent = 0; sent < mb * 1024 * 1024; sent += block.length) {
        if (!socket.write(block)) await new Promise((r) => socket.once('drain', r));
      }
      socket.write('\r\n.\r\n');
    };
    socket.setEncoding('latin1');
    socket.on('error', reject);
    socket.on('data', (text: string) => {
      buffer += text;
      for (let m = /^(\d{3})([ -])[^\n]*\n/.exec(buffer); m; m = /^(\d{3})([ -])[^\n]*\n/.exec(buffer)) {
        buffer = buffer.slice(m[0].length);
        if (m[2] === '-') continue;
        if (step < script.length) {
          socket.write(`${script[step]}\r\n`);
          step += 1;
        } else if (m[1] === '354') {
          step += 1;
          void sendBody();
        } else {
          socket.end('QUIT\r\n');
          resolve(m[0].trim());
        }
      }
    });
  });
}

const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', '--format', 'json', '--resolver', '127.0.0.1:9', '--max-connections-per-ip', String(Math.max(CLIENTS, 20))], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const m = /"port":(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  child.on('exit', (code) => reject(new Error(`serve exited (${code})`)));
});
const pid = child.pid!;
const idleRss = procStatus(pid, 'VmRSS');
let peakSampled = 0;
const sampler = setInterval(() => { peakSampled = Math.max(peakSampled, procStatus(pid, 'VmRSS')); }, 50);
const started = performance.now();
const replies = await Promise.all(Array.from({ length: CLIENTS }, () => upload(port, MB)));
const wallMs = Math.round(performance.now() - started);
clearInterval(sampler);
const peakRss = procStatus(pid, 'VmHWM');
await new Promise((r) => setTimeout(r, 1000));
const afterRss = procStatus(pid, 'VmRSS');
child.kill('SIGTERM');

const counts: Record<string, number> = {};
for (const reply of replies) {
  const key = reply.replace(/^(\d{3} \d\.\d\.\d).*$/, '$1');
  counts[key] = (counts[key] ?? 0) + 1;
}
console.log(JSON.stringify({
  bench: 'serve-memory',
  mode: VERIFY ? 'verify (under the limit)' : 'oversized (over the limit)',
  clients: CLIENTS,
  mbEach: MB,
  totalMb: CLIENTS * MB,
  wallMs,
  rssMb: { idle: idleRss, peak: peakRss, peakSampled, oneSecondAfter: afterRss },
  target: { peakUnderMb: 400, met: peakRss < 400 },
  replies: counts,
  sampleReply: replies[0],
}, null, 2));
