import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import dns from 'node:dns';

test('the network guard refuses TCP outside loopback', () => {
  assert.throws(() => net.connect({ host: '192.0.2.1', port: 25 }), /test network guard/);
});

test('the network guard refuses UDP outside loopback', () => {
  const socket = dgram.createSocket('udp4');
  try {
    assert.throws(() => socket.send(Buffer.from('x'), 53, '8.8.8.8'), /test network guard/);
  } finally {
    socket.close();
  }
});

test('the network guard refuses system DNS lookups of outside names', () => {
  assert.throws(() => dns.lookup('example.com', () => {}), /test network guard/);
});

test('the network guard lets loopback through', async () => {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => { c.destroy(); resolve(); });
    c.on('error', reject);
  });
  server.close();
});
