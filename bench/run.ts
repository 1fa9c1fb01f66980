// npm run bench: the figures of issue 15, each printed beside its target. Offline, loopback only.
//
// The DNS server runs in its own process (bench/dns-server-process.ts: the fixture server of
// the tests over a generated zone, bench/zones.ts; or BIND, bench/bind-server.ts, when it is
// installed), so the audit and the server do not share
// an event loop; on this 2-core machine they still share the cores, as they would with a
// local resolver. The zone is shaped like a real list: most domains at a handful of big
// providers (shared MX hosts, SPF includes of includes, DKIM CNAMEs), the rest on their own
// MX hosts, 2% NXDOMAIN, 1% SERVFAIL, 1% answering slowly; every shipped blocklist answers
// its test points, so the default blocklists are asked about every domain and MX address.
//
// 1. Throughput: the real CLI (bin/smtp-audit.js, a separate process) audits the domains
//    DNS-only (--no-smtp) at the default concurrency, NDJSON to --output; median of runs.
//    Beside it, the server's own ceiling: a minimal client in another process (bench/dns-flood.ts).
// 2. Memory: peak RSS of that run, and of a run over a tenth of the domains.
// 3. One audit's latency against a server that answers after a delay (bench/latency.ts);
//    the start-up figures (bench/startup.ts).
// 4. The SMTP probe of one MX behind a delaying TCP proxy (bench/smtp-probe.ts).
//
// Settings (environment): BENCH_DOMAINS (10000), BENCH_RUNS (3), BENCH_SECTIONS (all:
// throughput,memory,latency,probe,startup), BENCH_STARTUP_RUNS (10), BENCH_DNS (auto: BIND's
// named for sections 1 and 2 when it is installed, else the fixture server; fixture; bind).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseZoneFile } from '../src/parse/zone-file.ts';
import { BenchDnsServer } from './bench-dns.ts';
import { BindServer, namedBinary } from './bind-server.ts';
import { runCli, type CliRun } from './cli-run.ts';
import { measureLatency, type LatencyFigure } from './latency.ts';
import { measureProbe } from './smtp-probe.ts';
import { printStartup, startupFigures } from './startup.ts';
import { benchNetwork, SLOW_MS } from './zones.ts';

const FLOOD = fileURLToPath(new URL('./dns-flood.ts', import.meta.url));

const DOMAINS = Number(process.env.BENCH_DOMAINS ?? 10_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'throughput,memory,latency,probe,startup').split(',').map((s) => s.trim()));
/** auto: BIND when named is installed, else the fixture server; or fixture, or bind */
const DNS_CHOICE = (process.env.BENCH_DNS ?? 'auto').toLowerCase();
const DEFAULT_CONCURRENCY = 8;
const LATENCY_DELAY_MS = 50;
const PROBE_ONE_WAY_MS = 25;

const TARGETS = { domainsPerSecond: 200, ceilingShare: 0.7, peakRssMiB: 300, rssGrowth: 1.2 };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
function figure(label: string, value: string, target: string, met: boolean | null): void {
  console.log(`  ${label.padEnd(44)} ${value.padStart(14)}   ${target.padEnd(22)} ${met === null ? '' : verdict(met)}`);
}

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB; ${os.type()} ${os.release()}; Node ${process.version}; load average ${load} at the start`;
}

/** The server's ceiling: a minimal client floods it from another process; median qps of RUNS. */
async function floodCeiling(server: { address: string }, questionsFile: string): Promise<{ qps: number; runs: number[] }> {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [FLOOD, server.address, questionsFile, '3000', '128'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { text += d; });
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    runs.push((JSON.parse(out) as { qps: number }).qps);
  }
  return { qps: median(runs), runs };
}

const work = mkdtempSync(join(os.tmpdir(), 'smtp-audit-bench-'));
try {
  console.log(`smtp-audit bench, ${new Date().toISOString()}`);
  console.log(`Machine: ${machine()}`);
  const network = benchNetwork(DOMAINS);
  const zoneFile = join(work, 'bench.zone');
  const rulesFile = join(work, 'rules.json');
  const targetsFile = join(work, 'targets.txt');
  writeFileSync(zoneFile, network.zone);
  writeFileSync(rulesFile, JSON.stringify(network.rules));
  writeFileSync(targetsFile, `${network.targets.join('\n')}\n`);
  const tenth = Math.max(1, Math.round(DOMAINS / 10));
  const tenthFile = join(work, 'targets-tenth.txt');
  writeFileSync(tenthFile, `${network.targets.slice(0, tenth).join('\n')}\n`);
  const mix = Object.entries(network.mix).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
  console.log(`Zone: ${fmt(DOMAINS)} domains (${mix}); slow answers take ${SLOW_MS} ms; DKIM discovery and the default blocklists on`);

  if (SECTIONS.has('throughput') || SECTIONS.has('memory')) {
    const named = namedBinary();
    const useBind = DNS_CHOICE === 'bind' || (DNS_CHOICE === 'auto' && named !== null);
    if (useBind && !named) throw new Error('BENCH_DNS=bind, but named is not installed (apt-get install bind9)');
    const server = useBind ? await BindServer.start(named!, network.zone, work) : await BenchDnsServer.start(zoneFile, rulesFile, 0);
    console.log(`DNS server: ${server.kind}, answering at once${useBind ? ' (BIND cannot delay: the slow domains answer at once)' : ' (0 ms added)'}; ${useBind ? 'BENCH_DNS=fixture uses the fixture server' : named ? 'BENCH_DNS=bind uses BIND' : 'BIND (named) is not installed'}`);
    try {
      const records = parseZoneFile(network.zone, { origin: 'test' }).records;
      const questionsFile = join(work, 'questions.txt');
      writeFileSync(questionsFile, records.map((r) => `${r.name} ${r.type}`).concat(network.targets.slice(0, 500).map((t) => `nothing.${t} A`)).join('\n'));
      const ceiling = await floodCeiling(server, questionsFile);
      const runs: CliRun[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await runCli(targetsFile, server, work));
      const wall = median(runs.map((r) => r.wallMs));
      const perSecond = DOMAINS / (wall / 1000);
      const qps = median(runs.map((r) => r.queries / (r.wallMs / 1000)));
      const queriesPerDomain = median(runs.map((r) => r.queries)) / DOMAINS;
      if (SECTIONS.has('throughput')) {
        console.log(`\n1. Throughput: ${fmt(DOMAINS)} domains, DNS-only (--no-smtp), default concurrency ${DEFAULT_CONCURRENCY}, NDJSON to --output; median of ${RUNS} runs (${runs.map((r) => `${fmt(r.wallMs / 1000, 1)} s`).join(', ')})`);
        figure('domains per second', fmt(perSecond, 1), `>= ${TARGETS.domainsPerSecond}`, perSecond >= TARGETS.domainsPerSecond);
        figure('queries per second reaching the server', fmt(qps), '', null);
        figure('queries per domain (after cache and de-dup)', fmt(queriesPerDomain, 1), '', null);
        figure(`server ceiling, flood client (median of ${RUNS} x 3 s)`, `${fmt(ceiling.qps)} qps`, '', null);
        figure('share of the ceiling', `${fmt((100 * qps) / ceiling.qps)} %`, `>= ${TARGETS.ceilingShare * 100} %`, qps / ceiling.qps >= TARGETS.ceilingShare);
        figure('domains per second the ceiling would allow', fmt(ceiling.qps / queriesPerDomain, 1), '', null);
      }
      if (SECTIONS.has('memory')) {
        const small = await runCli(tenthFile, server, work);
        const peak = median(runs.map((r) => r.peakRssMiB));
        console.log(`\n2. Memory (peak RSS of the CLI process, getrusage maxrss)`);
        figure(`peak RSS, ${fmt(DOMAINS)} domains (median)`, `${fmt(peak)} MiB`, `< ${TARGETS.peakRssMiB} MiB`, peak < TARGETS.peakRssMiB);
        figure(`peak RSS, ${fmt(tenth)} domains`, `${fmt(small.peakRssMiB)} MiB`, '', null);
        figure(`${fmt(DOMAINS)} vs ${fmt(tenth)} domains`, `x ${fmt(peak / small.peakRssMiB, 2)}`, `<= x ${TARGETS.rssGrowth}`, peak / small.peakRssMiB <= TARGETS.rssGrowth);
        // the bin caps V8's young generation for list runs (--max-semi-space-size=16, see
        // bin/smtp-audit.js); a size given to node is kept, and 0 leaves it to V8, which sizes
        // it from the machine's memory: the same run without the cap, for comparison
        const uncapped = await runCli(targetsFile, server, work, [], ['--max-semi-space-size=0']);
        figure(`  for comparison: young generation left to V8 (--max-semi-space-size=0)`, `${fmt(uncapped.peakRssMiB)} MiB`, '', null);
        figure('  its rate', `${fmt(DOMAINS / (uncapped.wallMs / 1000), 1)} domains/s`, '', null);
      }
    } finally {
      await server.stop();
    }
  }

  if (SECTIONS.has('latency')) {
    const server = await BenchDnsServer.start(zoneFile, rulesFile, LATENCY_DELAY_MS);
    try {
      const records = parseZoneFile(network.zone, { origin: 'test' }).records;
      console.log(`\n3. One audit's latency: DNS-only, cold cache, every answer ${LATENCY_DELAY_MS} ms late (${server.kind}); median of ${RUNS}`);
      // the critical path counts the questions that reach the wire (answers from the cache cost no round trip)
      for (const kind of ['provider-g', 'own']) {
        const index = network.targets.findIndex((_, i) => network.kinds[i] === kind);
        if (index < 0) continue;
        for (const blocklists of [true, false]) {
          const tries: LatencyFigure[] = [];
          for (let i = 0; i < RUNS; i++) tries.push(await measureLatency(network.targets[index]!, server, LATENCY_DELAY_MS, records, blocklists));
          const f = tries.sort((a, b) => a.wallMs - b.wallMs)[Math.floor((tries.length - 1) / 2)]!;
          console.log(`  ${f.domain} (${kind}, ${blocklists ? 'default blocklists' : '--no-default-dnsbls'}): ${f.wallMs} ms = ${f.effectiveRoundTrips} effective round trips; critical path ${f.criticalPath}; ${f.questions} questions, ${f.duplicates} duplicates; one at a time: ${f.distinct} round trips`);
          figure('    effective round trips / critical path', `${f.effectiveRoundTrips} / ${f.criticalPath}`, '<= critical path + 1', f.effectiveRoundTrips <= f.criticalPath + 1);
          figure('    duplicate questions', String(f.duplicates), '0', f.duplicates === 0);
        }
      }
    } finally {
      await server.stop();
    }
  }

  if (SECTIONS.has('probe')) {
    console.log(`\n4. SMTP probe of one MX behind a TCP proxy delaying each direction ${PROBE_ONE_WAY_MS} ms (round trip ${2 * PROBE_ONE_WAY_MS} ms)`);
    for (const pipelining of [true, false]) {
      const p = await measureProbe(PROBE_ONE_WAY_MS, pipelining);
      console.log(`  server ${pipelining ? 'offers' : 'does not offer'} PIPELINING: ${p.totalMs} ms in all, ${p.relayForms} relay forms tried`);
      for (const s of p.steps) {
        const target = s.step === 'relay test' ? (pipelining ? 'pipelined: few' : 'one per command') : '';
        console.log(`    ${s.step.padEnd(62)} ${String(s.ms).padStart(6)} ms  ${String(s.roundTrips).padStart(5)} round trips  ${target}`);
      }
    }
  }

  if (SECTIONS.has('startup')) printStartup(await startupFigures());
} finally {
  rmSync(work, { recursive: true, force: true });
}
