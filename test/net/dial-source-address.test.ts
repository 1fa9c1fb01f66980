// --source-address: outgoing connections start from the given local address (same family only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { NetDialer } from '../../src/net/dial.ts';

async function listen(host: string): Promise<{ server: net.Server; port: number; peers: string[] }> {
  const peers: string[] = [];
  const server = net.createServer((s) => { peers.push(s.remoteAddress ?? ''); s.end(); });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as net.AddressInfo).port, peers };
}

test('connections start from --source-address; a destination of the other family uses the system\'s choice', async () => {
  const v4 = await listen('127.0.0.1');
  const v6 = await listen('::1');
  try {
    const dialer = new NetDialer([], { sourceAddress: '127.0.0.77' });
    (await dialer.dial({ host: '127.0.0.1', port: v4.port, timeoutMs: 2000 })).destroy();
    (await dialer.dial({ host: '::1', port: v6.port, timeoutMs: 2000 })).destroy();
    (await new NetDialer().dial({ host: '127.0.0.1', port: v4.port, timeoutMs: 2000 })).destroy();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(v4.peers, ['127.0.0.77', '127.0.0.1']);
    assert.deepEqual(v6.peers, ['::1']);
  } finally {
    v4.server.close();
    v6.server.close();
  }
});
