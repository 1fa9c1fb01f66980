// "Message too big" only when the server said so (552 with 5.3.4 or 5.2.3, or over the SIZE it
// announced), never because a reply outgrew our reader's limit: that is a broken or hostile
// server, "could not tell" (exit 3), and the hint says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBin } from '../support/run-bin.ts';
import { startScriptedSmtp, type ScriptOptions } from './scripted-smtp.ts';

async function sendTo(script: ScriptOptions) {
  const server = await startScriptedSmtp(script);
  try {
    const r = await runBin(['send', '--server', `127.0.0.1:${server.port}`, '--from', 'a@send.example', '--to', 'b@send.example', '--timeout', '10000', '--format', 'json']);
    return { code: r.code, delivery: JSON.parse(r.stdout).deliveries[0], stdout: r.stdout };
  } finally {
    await server.stop();
  }
}

test('a reply longer than the reader takes (2 MB, one line): EREPLYSIZE, exit 3, not "message too big"', async () => {
  const { code, delivery } = await sendTo({
    extensions: ['8BITMIME'],
    respond: (command) => (command.startsWith('MAIL') ? { raw: `250-${'x'.repeat(2 * 1024 * 1024)}` } : undefined),
  });
  assert.equal(code, 3);
  assert.equal(delivery.failure.kind, 'network');
  assert.equal(delivery.failure.code, 'EREPLYSIZE');
  assert.equal(delivery.failure.command, 'MAIL FROM');
  assert.match(delivery.failure.message, /reply grew past 65536 bytes/);
  assert.doesNotMatch(delivery.failure.hint, /too big|--attach/);
  assert.match(delivery.failure.hint, /broken or hostile/);
});

test('an endless multi-line reply is cut at the same limit', async () => {
  const { code, delivery } = await sendTo({
    extensions: ['8BITMIME'],
    respond: (command) => (command.startsWith('MAIL') ? { raw: '250-this reply never ends\r\n'.repeat(20000) } : undefined),
  });
  assert.equal(code, 3);
  assert.equal(delivery.failure.code, 'EREPLYSIZE');
  assert.doesNotMatch(delivery.failure.hint, /too big/);
});

test('the server\'s own size refusals are "too big": 552 5.3.4 at the end of data, and over its announced SIZE', async () => {
  const postfix = await sendTo({ respond: (command) => (command === '<end of data>' ? { reply: '552 5.3.4 Message size exceeds fixed limit' } : undefined) });
  assert.equal(postfix.code, 1);
  assert.equal(postfix.delivery.failure.reply, '552 5.3.4 Message size exceeds fixed limit');
  assert.match(postfix.delivery.failure.hint, /message is too big for this server/);

  // RFC 1870: the message is larger than the SIZE the server announced; nodemailer stops before MAIL
  const announced = await sendTo({ extensions: ['PIPELINING', 'SIZE 100'] });
  assert.equal(announced.code, 1, announced.stdout);
  assert.equal(announced.delivery.failure.code, 'EMESSAGE');
  assert.match(announced.delivery.failure.hint, /message is too big for this server/);
});
