// The probe never sends a message: DATA and BDAT are refused in code, before the socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { SmtpSession } from '../../src/net/smtp/smtp-session.ts';
import { assertNoMessageTransfer, MessageTransferRefused, ProbeSession } from '../../src/probe/probe-session.ts';

test('DATA and BDAT lines are refused whatever their case or spacing; other verbs pass', () => {
  for (const line of ['DATA', 'data', ' Data', 'BDAT 100 LAST', 'bdat 0', 'DATA\t']) {
    assert.throws(() => assertNoMessageTransfer(line), MessageTransferRefused, line);
  }
  for (const line of ['RSET', 'MAIL FROM:<a@example.org>', 'RCPT TO:<data@example.org>', 'DATAX', 'NOOP DATA']) {
    assert.doesNotThrow(() => assertNoMessageTransfer(line), line);
  }
});

test('a ProbeSession refuses DATA and BDAT before anything reaches the server', async () => {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.write('220 fixture ready\r\n');
    socket.on('data', (d: string) => {
      received.push(...d.split('\r\n').filter(Boolean));
      socket.write('250 ok\r\n');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const socket = net.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
  await new Promise((r) => socket.once('connect', r));
  const session = new ProbeSession(new SmtpSession(socket));
  try {
    await session.readGreeting(1000);
    assert.throws(() => session.command('DATA', 1000), MessageTransferRefused);
    assert.throws(() => session.pipeline(['RSET', 'MAIL FROM:<>', 'BDAT 10 LAST'], 1000), MessageTransferRefused);
    assert.equal((await session.command('NOOP', 1000)).code, 250);
    assert.deepEqual(received, ['NOOP'], 'only NOOP reached the server');
  } finally {
    session.close();
    server.close();
  }
});
