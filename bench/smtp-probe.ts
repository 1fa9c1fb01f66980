// The live SMTP probe of one MX address behind a TCP proxy that delays every chunk by
// `oneWayMs` in each direction (a round trip of 2 x oneWayMs, like a server an ocean away).
// Each step's time divided by the round trip is the number of round trips it effectively
// took: connect 1 on a real network (0 here: see startDelayProxy), banner 0-1 (the greeting comes unasked), EHLO 1, STARTTLS 1, the TLS 1.3
// handshake 1, EHLO 1, the relay forms 1 when pipelined (PIPELINING, RFC 2920) instead of one
// per command, QUIT 1. Offline: the fixture MTA and the proxy listen on 127.0.0.1.
import net from 'node:net';
import { createAuditEnv } from '../src/core/env.ts';
import { DEFAULT_OPTIONS, type AuditOptions } from '../src/core/context.ts';
import { probeAddress } from '../src/probe/probe-address.ts';
import { startSmtpServerMta } from '../src/testnet/mta/smtp-server-mta.ts';

export interface ProbeStepFigure { step: string; ms: number; roundTrips: number }
export interface ProbeFigure { oneWayMs: number; pipelining: boolean; steps: ProbeStepFigure[]; totalMs: number; relayForms: number; relayCommands: number }

/** A TCP proxy to `target` that holds every chunk for `delayMs` before passing it on, in order. */
export async function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<{ address: string; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const pipe = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => { setTimeout(() => { if (!to.destroyed) to.write(chunk); }, delayMs); });
    from.on('end', () => setTimeout(() => to.end(), delayMs));
    from.on('error', () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client); sockets.add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    // the TCP handshake is not delayed (the kernel completes it on loopback): `connect` reads ~0 here
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => { for (const s of sockets) s.destroy(); await new Promise((r) => server.close(r)); },
  };
}

const ADDRESS = '203.0.113.25';
const HOST = 'mx.probe.test';

export async function measureProbe(oneWayMs: number, pipelining: boolean): Promise<ProbeFigure> {
  const mta = await startSmtpServerMta({ name: HOST, cert: 'valid', localDomains: ['probe.test'], pipelining });
  const proxy = await startDelayProxy({ host: mta.host, port: mta.port }, oneWayMs);
  try {
    const env = createAuditEnv({ resolvers: ['127.0.0.1:9'], connectTo: [`${ADDRESS}:25=${proxy.address}`] });
    const options: AuditOptions = { ...DEFAULT_OPTIONS, ehloName: 'bench.smtp-audit.invalid', timeoutMs: 20 * oneWayMs + 5000, greetingTimeoutMs: 20 * oneWayMs + 5000 };
    const probe = await probeAddress(env, options, { address: ADDRESS, family: 4, hosts: [HOST], localDomain: 'probe.test' });
    const roundTrip = 2 * oneWayMs;
    // the main session's steps; the TLS version tries are separate short sessions, summed
    const main = probe.steps.filter((s) => !s.name.includes(': '));
    const tries = probe.steps.filter((s) => s.name.includes(': '));
    const steps = main.map((s) => ({ step: s.name, ms: s.ms, roundTrips: Number((s.ms / roundTrip).toFixed(1)) }));
    const triesMs = tries.reduce((n, s) => n + s.ms, 0);
    if (tries.length > 0) steps.push({ step: `TLS version tries (${new Set(tries.map((s) => s.name.split(':')[0])).size} sessions, run beside the main one)`, ms: triesMs, roundTrips: Number((triesMs / roundTrip).toFixed(1)) });
    return {
      oneWayMs, pipelining, steps, totalMs: probe.durationMs,
      relayForms: probe.relay?.tries.length ?? 0,
      relayCommands: mta.commands.length,
    };
  } finally {
    await proxy.stop();
    await mta.stop();
  }
}
