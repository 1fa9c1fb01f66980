// The memory of a large --zone file (issue 12, point 6: a 46 MB zone took 2 GB): a generated
// zone of SIZE MB (default 46; A, TXT and MX records, as a hosting provider's zone export) is
// given to a one-domain audit of the real CLI, offline (--facts is not possible with --zone, so
// the domain's own records come from the zone and nothing else is asked: --only mx with the
// name server pointed at a closed loopback port). Prints the peak RSS next to the file size.
//   node bench/zone-memory.ts [size MB]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/smtp-audit.js', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./support/peak-rss.ts', import.meta.url));
const sizeMb = Number(process.argv[2] ?? 46);

const work = mkdtempSync(join(os.tmpdir(), 'smtp-audit-zone-'));
try {
  const parts = ['$ORIGIN big.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 host0\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < sizeMb * 1048576; i++) {
    const line = `host${i} IN A 192.0.2.${(i % 254) + 1}\nhost${i} IN TXT "v=spf1 ip4:192.0.2.${(i % 254) + 1} -all"\nmail${i} IN MX 10 host${i}\n`;
    parts.push(line);
    size += line.length;
  }
  const zone = join(work, 'big.zone');
  writeFileSync(zone, parts.join(''));
  const peakFile = join(work, 'peak');
  const started = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PEAK_RSS, BIN, 'big.test', '--zone', zone, '--only', 'mx', '--no-smtp', '--resolver', '127.0.0.1:9', '--timeout', '200', '--format', 'json', '--no-config'],
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, BENCH_PEAK_RSS_FILE: peakFile } });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const peakMiB = Number(readFileSync(peakFile, 'utf8')) / 1024;
  const fileMiB = statSync(zone).size / 1048576;
  console.log(JSON.stringify({
    zoneMiB: Number(fileMiB.toFixed(1)), peakRssMiB: Number(peakMiB.toFixed(0)), ratio: Number((peakMiB / fileMiB).toFixed(1)),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)), exitCode: code,
  }, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
