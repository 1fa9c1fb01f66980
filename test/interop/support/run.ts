// Running the real bin against the suite's servers, and a second opinion from another client:
// OpenSSL's s_client says whether a server completes a STARTTLS handshake, and at which
// protocol versions, without any of our code in the way.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/smtp-audit.js', import.meta.url));

export interface BinRun { code: number | null; stdout: string; stderr: string; ms: number }

export function runBin(args: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`bin timed out: ${args.join(' ')}`)); }, 120_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: Date.now() - started }); });
    child.stdin.end(input);
  });
}

export type TlsVersionFlag = '-tls1' | '-tls1_1' | '-tls1_2' | '-tls1_3';

/** Whether `openssl s_client -starttls smtp` completes a handshake (at one version when given). */
export function opensslStartTls(ip: string, serverName: string, version?: TlsVersionFlag): boolean {
  const args = ['s_client', '-starttls', 'smtp', '-connect', `${ip}:25`, '-servername', serverName, '-brief'];
  // old versions need OpenSSL's security level 0 to be offered at all (Debian 12 defaults to 2)
  if (version) args.push(version, ...(version === '-tls1' || version === '-tls1_1' ? ['-cipher', 'DEFAULT@SECLEVEL=0'] : []));
  const r = spawnSync('openssl', args, { input: 'QUIT\r\n', encoding: 'utf8', timeout: 15_000 });
  return r.status === 0 && /Protocol version:|CONNECTION ESTABLISHED/.test(`${r.stdout}${r.stderr}`);
}
