// One run of the real CLI (bin/smtp-audit.js, built into dist/ by `npm run bench`'s prebench)
// over a target list, DNS-only, NDJSON to a file, in a process of its own, with its peak RSS
// (bench/support/peak-rss.ts, preloaded) and the questions that reached the bench DNS server.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
/** What a run needs of the bench's DNS server: where it is, and how many questions it answered. */
export interface CountingDnsServer { address: string; count(): Promise<number> }

const BIN = fileURLToPath(new URL('../bin/smtp-audit.js', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./support/peak-rss.ts', import.meta.url));

export interface CliRun { wallMs: number; peakRssMiB: number; exitCode: number | null; queries: number; output: string }

/** One run of the real CLI over `targetsFile`, NDJSON to a file, with its peak RSS. */
export async function runCli(targetsFile: string, server: CountingDnsServer, work: string, extraArgs: string[] = [], nodeArgs: string[] = []): Promise<CliRun> {
  const peakFile = join(work, 'peak-rss');
  rmSync(peakFile, { force: true });
  const before = await server.count();
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', PEAK_RSS, BIN, '--input', targetsFile, '--no-smtp', '--resolver', server.address,
      '--format', 'ndjson', '--output', join(work, 'reports.ndjson'), '--no-config', ...extraArgs], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BENCH_PEAK_RSS_FILE: peakFile },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 2 ? reject(new Error(`smtp-audit exited 2: ${stderr.trim()}`)) : resolve(code)));
  });
  const wallMs = performance.now() - started;
  const queries = (await server.count()) - before;
  return { wallMs, peakRssMiB: Number(readFileSync(peakFile, 'utf8')) / 1024, exitCode, queries, output: join(work, 'reports.ndjson') };
}

