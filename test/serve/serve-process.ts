// Running `smtp-audit serve` (the real bin, network guard preloaded like runBin) as a long-lived
// child: it listens on 127.0.0.1:0 with --format json, and we read the port from its first line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN, type BinResult } from '../support/run-bin.ts';

const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));

export interface ServeEvent { event: string; [key: string]: unknown }

export interface ServeProcess {
  port: number;
  /** the child's process id (for /proc/<pid>/status) */
  pid: number;
  /** JSON events printed so far (listening, message...) */
  events(): ServeEvent[];
  /** resolves when the process exits by itself (--once) */
  exited: Promise<BinResult>;
  /** SIGTERM, then the result */
  stop(): Promise<BinResult>;
}

/** `format: 'table'` reads the port from the "listening on" line instead of the JSON event. */
export function startServe(args: string[], options: { format?: 'json' | 'table'; timeoutMs?: number } = {}): Promise<ServeProcess> {
  // a safety net only: tests stop the server themselves (SIGTERM, or --once)
  const format = options.format ?? 'json';
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import ${GUARD}` };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', '--format', format, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<BinResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180000);
  exited.then(() => clearTimeout(killer));
  const events = () => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as ServeEvent);
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const port = format === 'json'
        ? events().find((e) => e.event === 'listening')?.port
        : /listening on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
      if (port !== undefined) resolve({ port: Number(port), pid: child.pid!, events, exited, stop: () => { child.kill('SIGTERM'); return exited; } });
    });
    exited.then((r) => reject(new Error(`serve exited before listening (${r.code}): ${r.stderr}`)));
  });
}
