// Starting and asking the benchmark's DNS server process (bench/dns-server-process.ts).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./dns-server-process.ts', import.meta.url));

export class BenchDnsServer {
  readonly kind = 'fixture server (src/testnet/dns-server.ts, dns2) in its own process';
  address = '';
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly lines: Interface;
  private readonly waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];

  private constructor(child: ChildProcessByStdio<Writable, Readable, null>) {
    this.child = child;
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.resolve(line));
    child.once('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`the bench DNS server exited (${code})`));
    });
  }

  static async start(zoneFile: string, rulesFile: string | null, delayMs = 0): Promise<BenchDnsServer> {
    const child = spawn(process.execPath, [SERVER, zoneFile, rulesFile ?? '', String(delayMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const server = new BenchDnsServer(child);
    const ready = JSON.parse(await server.next()) as { address: string };
    server.address = ready.address;
    return server;
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => { this.waiting.push({ resolve, reject }); });
  }

  private async ask<T>(command: string): Promise<T> {
    const answer = this.next();
    this.child.stdin.write(`${command}\n`);
    return JSON.parse(await answer) as T;
  }

  async count(): Promise<number> {
    return (await this.ask<{ queries: number }>('count')).queries;
  }

  async record(): Promise<void> {
    await this.ask('record');
  }

  /** the questions since record(): [name, type, arrival ms] */
  async log(): Promise<Array<[string, string, number]>> {
    return (await this.ask<{ log: Array<[string, string, number]> }>('log')).log;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    this.child.kill();
    this.lines.close();
  }
}
