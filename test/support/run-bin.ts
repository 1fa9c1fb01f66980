// Running the real CLI (bin/smtp-audit.js, built into dist/ by `npm test`'s pretest) as a
// child process, with the network guard preloaded in the child too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/smtp-audit.js', import.meta.url));
const GUARD = fileURLToPath(new URL('./guard.ts', import.meta.url));

export interface BinResult { code: number | null; stdout: string; stderr: string }

export function runBin(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import ${GUARD}`, ...options.env };
    delete env.FORCE_COLOR;
    if (options.env && 'FORCE_COLOR' in options.env) env.FORCE_COLOR = options.env.FORCE_COLOR;
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`bin timed out: ${args.join(' ')}\n${stderr}`)); }, options.timeoutMs ?? 30000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(options.input ?? '');
  });
}
