// The memory of a very large run (issue 12, point 6): COUNT targets (default 100,000) audited
// DNS-only by the real CLI, NDJSON to --output, against the bench DNS server (in its own
// process) over a generated zone. Prints the wall time, the rate, the peak RSS of the CLI
// process (getrusage maxrss = VmHWM) against its target, the reports written and the exit code.
//   node bench/bulk-memory.ts [count] [-- extra smtp-audit flags]
// It takes about count / (domains per second) seconds: some 10-15 minutes for 100,000 here.
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BenchDnsServer } from './bench-dns.ts';
import { runCli } from './cli-run.ts';
import { benchNetwork } from './zones.ts';

const TARGET_PEAK_MIB = 300;
const args = process.argv.slice(2);
const dash = args.indexOf('--');
const count = Number(args[0] && args[0] !== '--' ? args[0] : 100_000);
const extra = dash >= 0 ? args.slice(dash + 1) : [];

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) for (const byte of chunk) if (byte === 10) lines++;
  return lines;
}

const work = mkdtempSync(join(os.tmpdir(), 'smtp-audit-bulk-'));
try {
  const network = benchNetwork(count);
  writeFileSync(join(work, 'bench.zone'), network.zone);
  writeFileSync(join(work, 'rules.json'), JSON.stringify(network.rules));
  writeFileSync(join(work, 'targets.txt'), `${network.targets.join('\n')}\n`);
  const server = await BenchDnsServer.start(join(work, 'bench.zone'), join(work, 'rules.json'), 0);
  try {
    const run = await runCli(join(work, 'targets.txt'), server, work, extra);
    const lines = await countLines(run.output);
    console.log(JSON.stringify({
      targets: count,
      flags: ['--no-smtp', '--format', 'ndjson', '--output', '<file>', ...extra].join(' '),
      wallSeconds: Number((run.wallMs / 1000).toFixed(1)),
      domainsPerSecond: Number((count / (run.wallMs / 1000)).toFixed(1)),
      peakRssMiB: Number(run.peakRssMiB.toFixed(1)),
      peakRssTargetMiB: TARGET_PEAK_MIB,
      met: run.peakRssMiB < TARGET_PEAK_MIB,
      reportsWritten: lines,
      outputMiB: Number((statSync(run.output).size / 1048576).toFixed(1)),
      exitCode: run.exitCode,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    }, null, 2));
  } finally {
    await server.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
