// A server that accepts STARTTLS with 220 and then never answers the ClientHello (a middlebox
// swallowing it, a wedged TLS stack). A sender's opportunistic TLS gives up after its timeout
// and delivers in plaintext, so the relay test must follow it there, as it does after a failed
// handshake (README, "Open relay, never DATA"), and the wait must stay bounded by --timeout.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DEFAULT_OPTIONS, type AuditOptions } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import { probeAddress } from '../../src/probe/probe-address.ts';

const ADDRESS = '203.0.113.125';
const HOST = 'mx1.mx.probe.example';
const TIMEOUT_MS = 800;

interface StallServer { address: string; lines: string[]; stop(): Promise<void> }

/** Greets, offers STARTTLS, answers it 220 and then reads and ignores everything; refuses relaying in plaintext. */
async function startStallServer(): Promise<StallServer> {
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const send = (text: string) => { if (!socket.destroyed) socket.write(text); };
    let stalled = false;
    let buffer = '';
    send(`220 ${HOST} ESMTP Postfix (Debian/GNU)\r\n`);
    socket.on('data', (chunk: Buffer) => {
      if (stalled) return; // the ClientHello, and anything after it: never answered
      buffer += chunk.toString('latin1');
      let i: number;
      while ((i = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, i).replace(/\r$/, '');
        buffer = buffer.slice(i + 1);
        lines.push(line);
        const verb = (line.split(/[ :]/)[0] ?? '').toUpperCase();
        if (verb === 'EHLO') send(`250-${HOST}\r\n250-PIPELINING\r\n250 STARTTLS\r\n`);
        else if (verb === 'STARTTLS') { send('220 2.0.0 Ready to start TLS\r\n'); stalled = true; return; }
        else if (verb === 'MAIL') send('250 2.1.0 Ok\r\n');
        else if (verb === 'RCPT') send(`554 5.7.1 <${/<([^>]*)>/.exec(line)?.[1] ?? ''}>: Relay access denied\r\n`);
        else if (verb === 'RSET') send('250 2.0.0 Ok\r\n');
        else if (verb === 'QUIT') { send('221 2.0.0 Bye\r\n'); socket.end(); return; }
        else send('502 5.5.2 Error: command not recognized\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    lines,
    stop: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

const servers: StallServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

test('a handshake that stalls after "220 Ready to start TLS" is followed by the plaintext relay test, bounded by --timeout', async () => {
  const server = await startStallServer();
  servers.push(server);
  const options: AuditOptions = { ...DEFAULT_OPTIONS, timeoutMs: TIMEOUT_MS, greetingTimeoutMs: TIMEOUT_MS, ehloName: 'probe.smtp-audit.invalid' };
  const env = createAuditEnv({ resolvers: ['127.0.0.1:9'], connectTo: [`${ADDRESS}:25=${server.address}`] });
  const p = await probeAddress(env, options, { address: ADDRESS, family: 4, hosts: [HOST], localDomain: 'one.probe.example' });

  // the main session: STARTTLS accepted, then nothing: a timeout, not a refusal
  assert.equal(p.outcome, 'completed');
  assert.equal(p.starttls.outcome, 'error');
  assert.equal(p.starttls.error?.step, 'TLS handshake');
  assert.equal(p.starttls.error?.kind, 'timeout');
  const handshake = p.steps.find((s) => s.name === 'TLS handshake')!;
  assert.equal(handshake.ok, false);

  // the relay test ran on a fresh plaintext session, as after a failed handshake
  assert.equal(p.relayNotRun, null);
  assert.ok(p.relay, 'the relay test ran');
  assert.equal(p.relay.over, 'plaintext');
  assert.equal(p.relay.verdict, 'closed');
  assert.ok(p.relay.tries.length > 1);
  assert.ok(p.relay.tries.every((t) => t.rcpt === null || /Relay access denied/.test(t.rcpt.lines[0]!)));
  assert.ok(p.steps.some((s) => s.name.startsWith('relay session: ')), 'the plaintext session is its own timed steps');
  assert.ok(p.otherTranscripts.some((t) => /relay test \(plaintext, after the TLS handshake failed\)/.test(t.purpose)));
  assert.ok(!server.lines.some((l) => /^(DATA|BDAT)/i.test(l)), 'never DATA');

  // bounded: each stalled handshake (the main one and the TLS version tries) waits one
  // --timeout; nothing waits for ever (a generous bound, not a speed measurement)
  assert.ok(p.durationMs < 30 * TIMEOUT_MS, `the probe took ${p.durationMs} ms`);

  // the fingerprint still comes from the banner
  assert.equal(p.mta?.family, 'postfix');
  assert.equal(p.mta?.platform, 'Debian/GNU');
});
