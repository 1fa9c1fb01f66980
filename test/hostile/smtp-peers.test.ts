// Hostile SMTP peers (issue 12, case 9): each one misbehaves in a way real servers and attackers
// do. For each, the run ends in bounded time with bounded memory, the status is honest (what
// could not be told is `error`, never pass; nothing is judged from garbage), the report is
// whole and valid, and no raw control byte reaches the terminal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import type { Report } from '../../src/core/report-types.ts';
import { issueCertificate, newKeyPair, type IssuedCertificate } from '../../src/util/certificate-builder.ts';
import { assertValidReport } from '../support/schema.ts';
import { response, startRawDns, type RawDnsServer } from './support/raw-dns.ts';
import { converse, peerOver, startRawSmtp, type PeerScript, type RawSmtpServer } from './support/raw-smtp.ts';
import { assertCleanStderr, runCli, type CliRun } from './support/run.ts';

const ADDRESS = '192.0.2.90';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let dns: RawDnsServer;
const servers: RawSmtpServer[] = [];

before(async () => { dns = await startRawDns((query) => response(query, { rcode: 3 })); });
after(async () => {
  await dns.stop();
  for (const server of servers) await server.stop();
});

async function auditPeer(script: PeerScript, extra: string[] = [], format = 'json'): Promise<{ run: CliRun; report: Report | null }> {
  const server = await startRawSmtp(script);
  servers.push(server);
  const run = await runCli([
    ADDRESS, '--resolver', dns.address, '--connect-to', `${ADDRESS}:25=127.0.0.1:${server.port}`, '--only', 'smtp,tls,relay',
    '--timeout', '2000', '--greeting-timeout', '3000', '--format', format, ...extra,
  ], { timeoutMs: 60000 });
  assertCleanStderr(run.stderr, assert);
  assert.ok(run.code === 1 || run.code === 3 || run.code === 0, `exit ${run.code}: ${run.stderr}`);
  const report = format === 'json' ? JSON.parse(run.stdout) as Report : null;
  if (report) assertValidReport(report);
  return { run, report };
}

const status = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;

test('a banner at one byte a second: the greeting timeout ends it, smtp/reachable error', async () => {
  const { run, report } = await auditPeer(async (peer) => {
    for (const byte of '220 slow.example.test ESMTP ready\r\n') {
      if (peer.socket.destroyed) return;
      peer.write(byte);
      await sleep(1000);
    }
  });
  assert.ok(run.ms < 20000, `took ${run.ms} ms`);
  assert.equal(status(report!, 'smtp/reachable').status, 'error');
  assert.equal(run.code, 3);
});

test('an endless multi-line EHLO reply: cut off, no pass, memory bounded', async () => {
  const { run, report } = await auditPeer(async (peer) => {
    peer.write('220 endless.example.test ESMTP\r\n');
    const line = await peer.nextLine();
    if (line === null) return;
    const chunk = '250-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n'.repeat(1000);
    while (!peer.socket.destroyed) {
      if (!peer.socket.write(chunk)) await new Promise((resolve) => { peer.socket.once('drain', resolve); peer.socket.once('close', resolve); });
    }
  });
  assert.ok(run.ms < 30000, `took ${run.ms} ms`);
  assert.ok(run.peakRssMb < 400, `peak RSS ${run.peakRssMb} MB`);
  for (const id of ['smtp/reachable', 'tls/starttls', 'relay/open']) assert.notEqual(status(report!, id).status, 'pass', id);
});

test('a 10 MB line as the greeting: refused at the line limit, memory bounded', async () => {
  const { run, report } = await auditPeer(async (peer) => {
    peer.write('220 ');
    const block = 'a'.repeat(64 * 1024);
    for (let sent = 0; sent < 10 * 1024 * 1024 && !peer.socket.destroyed; sent += block.length) {
      if (!peer.socket.write(block)) await new Promise((resolve) => { peer.socket.once('drain', resolve); peer.socket.once('close', resolve); });
    }
  });
  assert.ok(run.ms < 30000, `took ${run.ms} ms`);
  assert.ok(run.peakRssMb < 400, `peak RSS ${run.peakRssMb} MB`);
  assert.notEqual(status(report!, 'smtp/reachable').status, 'pass');
  assert.ok(JSON.stringify(report).length < 1_000_000, 'the report does not carry the 10 MB line');
});

test('NUL and escape sequences in the banner and EHLO reply: kept as data, escaped on the terminal', async () => {
  const script: PeerScript = async (peer) => {
    peer.write('220 mx\u0000.example.test \u001b[31mRED\u001b]0;pwned\u0007 ESMTP\r\n');
    await converse(peer, 'mx.example.test\u001b[2J', ['X-\u001b[5mBLINK\u009b31m']);
  };
  const { report } = await auditPeer(script);
  assert.equal(status(report!, 'smtp/reachable').status, 'pass');
  const table = await auditPeer(script, ['--verbose'], 'table');
  assert.doesNotMatch(table.run.stdout, /[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f]/, 'no raw control byte in the table');
  assert.match(table.run.stdout, /\\x1b\[31mRED/);
});

test('the connection closed in the middle of the TLS handshake: no pass, no crash', async () => {
  const { run, report } = await auditPeer(async (peer) => {
    peer.write('220 midtls.example.test ESMTP\r\n');
    await converse(peer, 'midtls.example.test', ['STARTTLS'], async () => {
      peer.write('220 2.0.0 Ready to start TLS\r\n');
      peer.socket.once('data', () => peer.socket.destroy()); // the ClientHello arrives: hang up
    });
  });
  assert.ok(run.ms < 30000);
  for (const id of ['tls/starttls', 'tls/protocol', 'tls/certificate']) assert.notEqual(status(report!, id).status, 'pass', id);
});

test('STARTTLS answered 220, then plaintext instead of a handshake: tls/starttls does not pass', async () => {
  const { run, report } = await auditPeer(async (peer) => {
    peer.write('220 plain.example.test ESMTP\r\n');
    await converse(peer, 'plain.example.test', ['STARTTLS'], async () => {
      peer.write('220 2.0.0 Ready to start TLS\r\n');
      peer.write('250 surprise, still plaintext\r\n');
    });
  });
  assert.ok(run.ms < 30000);
  assert.ok(['fail', 'error'].includes(status(report!, 'tls/starttls').status), status(report!, 'tls/starttls').status);
});

test('a 50-certificate chain: handled in bounded time and memory; untrusted, never a pass', async () => {
  const now = Date.now();
  const validity = { notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 30 * 86_400_000) };
  const chain: IssuedCertificate[] = [issueCertificate({ commonName: 'Hostile Root 0', keys: newKeyPair(), ca: {}, ...validity })];
  for (let i = 1; i < 49; i++) chain.push(issueCertificate({ commonName: `Hostile CA ${i}`, keys: newKeyPair(), issuer: chain[i - 1], ca: {}, ...validity }));
  const leaf = issueCertificate({ commonName: 'mx.chain.test', keys: newKeyPair(), issuer: chain.at(-1), dnsNames: ['mx.chain.test'], ...validity });
  const certs = [leaf, ...chain.slice(1).reverse(), chain[0]!].map((c) => c.pem).join('');
  const { run, report } = await auditPeer(async (peer) => {
    peer.write('220 mx.chain.test ESMTP\r\n');
    await converse(peer, 'mx.chain.test', ['STARTTLS'], async () => {
      peer.write('220 2.0.0 Ready to start TLS\r\n');
      const secure = new tls.TLSSocket(peer.socket, { isServer: true, key: leaf.keyPem, cert: certs });
      secure.on('error', () => secure.destroy());
      await converse(peerOver(secure, peer.done), 'mx.chain.test');
    });
  });
  assert.ok(run.ms < 30000, `took ${run.ms} ms`);
  assert.ok(run.peakRssMb < 400, `peak RSS ${run.peakRssMb} MB`);
  assert.equal(status(report!, 'tls/starttls').status, 'pass', 'the handshake itself works');
  assert.notEqual(status(report!, 'tls/certificate').status, 'pass', 'a chain to an unknown root is not trusted');
});

test('out-of-order pipelined replies (an extra 250 after MAIL): no false "open relay"; the answers that cannot be paired decide nothing', async () => {
  const { report } = await auditPeer(async (peer) => {
    peer.write('220 pipe.example.test ESMTP\r\n');
    for (;;) {
      const line = await peer.nextLine();
      if (line === null) return;
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') peer.write('250-pipe.example.test\r\n250 PIPELINING\r\n');
      else if (verb === 'MAIL') peer.write('250 2.1.0 Ok\r\n250 2.1.5 Ok (a reply to nothing)\r\n');
      else if (verb === 'RCPT') peer.write('550 5.7.1 Relaying denied\r\n');
      else if (verb === 'QUIT') { peer.done(); peer.write('221 Bye\r\n'); peer.socket.end(); return; } else peer.write('250 Ok\r\n');
    }
  });
  const relay = status(report!, 'relay/open');
  assert.notEqual(relay.status, 'fail', 'a shifted reply is not an agreement to relay');
  assert.equal(relay.status, 'error');
  const facts = (report!.facts.smtp as { value: { addresses: Array<{ relay: { verdict: string; tries: Array<{ outcome: string; untested: string | null }> } }> } }).value.addresses[0]!.relay;
  assert.equal(facts.verdict, 'incomplete');
  assert.ok(facts.tries.some((t) => t.outcome === 'untested' && /answered no command/.test(t.untested ?? '')));
  assert.ok(!facts.tries.some((t) => t.outcome === 'accepted'));
});
