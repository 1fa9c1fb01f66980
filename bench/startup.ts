// Start-up figures (issue 11): wall time of whole CLI runs, median of RUNS, next to `node -e 0`
// on the same Node, each with its target. The DNS-only audit asks a fixture DNS server on
// loopback (run in this process, which only waits while the CLI runs in its own) for one
// realistic domain: two MX hosts with addresses and PTRs, SPF with an include, DMARC, a DKIM
// key, TLS-RPT, and the shipped blocklists. Offline, loopback only.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { reverseName } from '../src/collect/ptr.ts';
import { parseZoneFile } from '../src/parse/zone-file.ts';
import { FixtureDnsServer } from '../src/testnet/dns-server.ts';

const BIN = fileURLToPath(new URL('../bin/smtp-audit.js', import.meta.url));
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);

export interface StartupFigure { what: string; medianMs: number; targetMs: number | null; ratioToNode: number; met: boolean | null }

function timeOnce(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

async function median(args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timeOnce(args));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function benchZone(): string {
  let zone = '$TTL 300\n';
  zone += 'startup.test. IN MX 10 mx1.startup.test.\nstartup.test. IN MX 20 mx2.startup.test.\n';
  zone += 'startup.test. IN TXT "v=spf1 mx include:_spf.provider.test -all"\n';
  zone += '_spf.provider.test. IN TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all"\n';
  zone += '_dmarc.startup.test. IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@startup.test"\n';
  zone += 'default._domainkey.startup.test. IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="\n';
  zone += '_smtp._tls.startup.test. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@startup.test"\n';
  for (const [host, v4, v6] of [['mx1', '192.0.2.10', '2001:db8::10'], ['mx2', '192.0.2.11', '2001:db8::11']] as const) {
    zone += `${host}.startup.test. IN A ${v4}\n${host}.startup.test. IN AAAA ${v6}\n`;
    zone += `${reverseName(v4)}. IN PTR ${host}.startup.test.\n${reverseName(v6)}. IN PTR ${host}.startup.test.\n`;
  }
  return zone;
}

export async function startupFigures(): Promise<{ node: string; runs: number; baselineMs: number; figures: StartupFigure[] }> {
  const dns = await new FixtureDnsServer({ records: parseZoneFile(benchZone(), { origin: 'test' }).records }).start();
  try {
    const baselineMs = await median(['-e', '0']);
    const cases: Array<{ what: string; args: string[]; targetMs: number | null }> = [
      { what: 'smtp-audit --version', args: ['--version'], targetMs: 150 },
      { what: 'smtp-audit --help', args: ['--help'], targetMs: 150 },
      { what: 'smtp-audit checks', args: ['checks'], targetMs: 250 },
      { what: 'smtp-audit <domain> --no-smtp (DNS-only audit, local resolver)', args: ['startup.test', '--no-smtp', '--resolver', dns.address, '--format', 'json'], targetMs: 350 },
    ];
    const figures: StartupFigure[] = [];
    for (const c of cases) {
      const medianMs = await median([BIN, ...c.args]);
      figures.push({
        what: c.what, medianMs: Math.round(medianMs), targetMs: c.targetMs,
        ratioToNode: Number((medianMs / baselineMs).toFixed(1)), met: c.targetMs === null ? null : medianMs <= c.targetMs,
      });
    }
    return { node: process.version, runs: RUNS, baselineMs: Math.round(baselineMs), figures };
  } finally {
    await dns.stop();
  }
}

export function printStartup(result: Awaited<ReturnType<typeof startupFigures>>): void {
  console.log(`\nStart-up (Node ${result.node}, median of ${result.runs} runs; node -e 0 takes ${result.baselineMs} ms)`);
  for (const f of result.figures) {
    const verdict = f.met === null ? '' : f.met ? 'met' : 'MISSED';
    console.log(`  ${f.what.padEnd(64)} ${String(f.medianMs).padStart(5)} ms  x${String(f.ratioToNode).padEnd(5)} target <= ${f.targetMs} ms  ${verdict}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printStartup(await startupFigures());
