// A loopback port where TCP connections time out, for the "outbound port 25 is blocked" case.
// Nothing in Node leaves a listening socket un-accepted, so a child process listens with a
// backlog of 1 and is then stopped (SIGSTOP): the kernel completes handshakes only until the
// accept queue is full, and drops every later SYN, so those connects hang until the client
// gives up, as they do against a firewall that drops port 25. The queue is filled first by
// `fill()`. This is a real connect timeout on loopback, not a simulation of one; what differs
// from the Internet is only where the packets are dropped.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface Blackhole {
  port: number;
  address: string;
  stop(): Promise<void>;
}

function tryConnect(port: number, ms: number): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => { socket.destroy(); resolve(null); }, ms);
    socket.once('connect', () => { clearTimeout(timer); resolve(socket); });
    socket.once('error', () => { clearTimeout(timer); resolve(null); });
  });
}

export async function startBlackhole(): Promise<Blackhole> {
  const child: ChildProcess = spawn(process.execPath, ['-e',
    "const s = require('node:net').createServer(() => {}); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => process.stdout.write(s.address().port + '\\n'));",
  ], { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '' } });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  child.kill('SIGSTOP');
  // fill the accept queue until a connect hangs
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const socket = await tryConnect(port, 300);
    if (socket === null) break;
    fillers.push(socket);
  }
  return {
    port,
    address: `127.0.0.1:${port}`,
    async stop() {
      for (const s of fillers) s.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
