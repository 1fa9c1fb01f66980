// Running the real CLI for the hostile-network tests: like test/support/run-bin.ts (the network
// guard preloaded), plus the wall time, the child's peak RSS (VmHWM, from getrusage at exit)
// and, where the machine allows it, a network namespace of its own (`unshare -n`: only a
// loopback interface, and that one down, so nothing can be reached at all).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/smtp-audit.js', import.meta.url));
const GUARD = fileURLToPath(new URL('../../support/guard.ts', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.ts', import.meta.url));

export interface CliRun { code: number | null; stdout: string; stderr: string; ms: number; peakRssMb: number }

/** Whether this machine lets us start a process in a new network namespace (root, or user namespaces). */
export function canUnshareNetwork(): boolean {
  try {
    return spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  } catch {
    return false;
  }
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; isolatedNetwork?: boolean; preload?: string[] } = {}): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-hostile-'));
  const rssFile = join(dir, 'rss');
  const imports = [GUARD, PEAK_RSS, ...(options.preload ?? [])].map((p) => `--import ${p}`).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: imports, SMTP_AUDIT_TEST_RSS_FILE: rssFile, NO_COLOR: '1', ...options.env };
  delete env.FORCE_COLOR;
  const [command, argv] = options.isolatedNetwork
    ? ['unshare', ['-n', process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, options.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      let peakRssMb = 0;
      try { peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024; } catch { /* killed before exit */ }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr, ms: Date.now() - started, peakRssMb });
    });
  });
}

/** No stack trace, no raw control byte: what a user may see on stderr. */
export function assertCleanStderr(stderr: string, assert: { doesNotMatch(s: string, r: RegExp, m?: string): void }): void {
  assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace on stderr:\n${stderr}`);
  assert.doesNotMatch(stderr, /[\x00-\x08\x0b-\x1f\x7f]/, `a raw control byte on stderr: ${JSON.stringify(stderr)}`);
}
