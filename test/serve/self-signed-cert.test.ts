// The loopback server's STARTTLS certificate is built in-process (no openssl binary): it must
// parse as X.509, carry the names and addresses we promise, verify under its own key, and
// complete a real TLS handshake with a client that trusts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate } from '../../src/serve/self-signed-cert.ts';

test('a parseable self-signed certificate for the name, localhost and the loopback addresses', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const pair = createSelfSignedCertificate('mx.test.example', { now, days: 3, extraAddresses: ['192.0.2.7'] });
  const x509 = new X509Certificate(pair.cert);
  assert.equal(x509.subject, 'CN=mx.test.example');
  assert.equal(x509.issuer, x509.subject);
  assert.ok(x509.verify(x509.publicKey), 'signed with its own key');
  assert.equal(x509.checkHost('mx.test.example'), 'mx.test.example');
  assert.equal(x509.checkHost('localhost'), 'localhost');
  for (const ip of ['127.0.0.1', '::1', '192.0.2.7']) assert.ok(x509.checkIP(ip), ip);
  assert.equal(x509.checkHost('other.example'), undefined);
  assert.equal(new Date(x509.validFrom).toISOString(), '2026-11-23T11:00:00.000Z');
  assert.equal(new Date(x509.validTo).toISOString(), '2026-11-26T12:00:00.000Z');
  assert.equal(x509.ca, false);
  assert.equal(pair.fingerprint256, x509.fingerprint256);
  assert.notEqual(createSelfSignedCertificate('mx.test.example').fingerprint256, pair.fingerprint256, 'a new key and serial every time');
});

test('a TLS client that trusts it completes the handshake and verifies the name', async () => {
  const pair = createSelfSignedCertificate('smtp-audit.loopback');
  const server = tls.createServer({ cert: pair.cert, key: pair.key }, (socket) => socket.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const result = await new Promise<{ authorized: boolean; protocol: string | null }>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: pair.cert, servername: 'smtp-audit.loopback' }, () => {
        resolve({ authorized: socket.authorized, protocol: socket.getProtocol() });
        socket.end();
      });
      socket.on('error', reject);
    });
    assert.deepEqual(result, { authorized: true, protocol: 'TLSv1.3' });
  } finally {
    server.close();
  }
});
