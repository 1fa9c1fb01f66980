// A server that refuses and then hangs up (RFC 5321 section 3.8 lets it; Postfix does after its
// error limits, Exim after 3 protocol errors, anyone with 421) has decided: send reports its
// refusal with the reply and the command it answered, exit 1, not a connection problem (exit 3).
// A close the server did not explain is still "could not tell" (exit 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBin } from '../support/run-bin.ts';
import { startScriptedSmtp, type ScriptOptions } from './scripted-smtp.ts';

interface Delivery {
  failure: { kind: string; code: string; reply: string | null; command: string | null; hint: string | null; message: string } | null;
  rejected: Array<{ recipient: string; reply: string; hint: string | null }>;
  accepted: string[];
  transcript: Array<{ dir: string; text: string }>;
}

async function sendTo(script: ScriptOptions, extra: string[] = []): Promise<{ code: number | null; delivery: Delivery; stdout: string }> {
  const server = await startScriptedSmtp(script);
  try {
    const r = await runBin(['send', '--server', `127.0.0.1:${server.port}`, '--from', 'a@send.example', '--to', 'b@send.example', '--timeout', '5000', '--format', 'json', ...extra]);
    assert.equal(r.stderr, '');
    return { code: r.code, delivery: JSON.parse(r.stdout).deliveries[0], stdout: r.stdout };
  } finally {
    await server.stop();
  }
}

const at = (verb: string, reply: string | string[], close: 'end' | 'destroy' = 'end', raw?: string): ScriptOptions['respond'] =>
  (command) => (command.toUpperCase().startsWith(verb) ? { reply: raw === undefined ? reply : undefined, raw, close } : undefined);

const NO_PIPELINING = ['8BITMIME', 'SIZE 10240000'];

const refusals: Array<{ name: string; script: ScriptOptions; reply: string; command: string; code: string; recipientRefused?: boolean }> = [
  {
    // PIPELINING: MAIL, RCPT and DATA go out together; the refusal of MAIL arrives, then the close
    name: 'MAIL refused, then close (pipelined)',
    script: { respond: at('MAIL', '550 5.7.1 <a@send.example>: Sender address rejected: Access denied') },
    reply: '550 5.7.1 <a@send.example>: Sender address rejected: Access denied', command: 'MAIL FROM', code: 'EENVELOPE',
  },
  {
    name: 'RCPT refused, then close (pipelined, Postfix wording)',
    script: { respond: at('RCPT', '554 5.7.1 <b@send.example>: Relay access denied') },
    reply: '554 5.7.1 <b@send.example>: Relay access denied', command: 'RCPT TO', code: 'EENVELOPE', recipientRefused: true,
  },
  {
    name: '421 at RCPT (Exim after too many errors), then close',
    script: { extensions: NO_PIPELINING, respond: at('RCPT', '421 mx.test lost input connection: too many syntax or protocol errors') },
    reply: '421 mx.test lost input connection: too many syntax or protocol errors', command: 'RCPT TO', code: 'EENVELOPE', recipientRefused: true,
  },
  {
    name: 'RCPT refused without a final CRLF, then close',
    script: { extensions: NO_PIPELINING, respond: at('RCPT', '', 'end', '550 5.1.1 <b@send.example>: Recipient address rejected: User unknown in virtual mailbox table') },
    reply: '550 5.1.1 <b@send.example>: Recipient address rejected: User unknown in virtual mailbox table', command: 'RCPT TO', code: 'EENVELOPE', recipientRefused: true,
  },
  {
    name: 'EHLO refused, then close',
    script: { respond: at('EHLO', '554 5.7.1 Access denied') },
    reply: '554 5.7.1 Access denied', command: 'EHLO', code: 'EPROTOCOL',
  },
  {
    name: 'end of data refused, then the socket dropped',
    script: { respond: at('<END', '554 5.7.1 Message rejected as spam', 'destroy') },
    reply: '554 5.7.1 Message rejected as spam', command: 'END OF DATA', code: 'EMESSAGE',
  },
  {
    name: 'greeting 421, then close',
    script: { greeting: { reply: '421 4.7.0 mx.test Too many concurrent SMTP connections; please try again later.', close: 'end' } },
    reply: '421 4.7.0 mx.test Too many concurrent SMTP connections; please try again later.', command: 'CONN', code: 'EPROTOCOL',
  },
];

for (const c of refusals) {
  test(`refusal then close: ${c.name} -> exit 1 with the server's reply`, async () => {
    const { code, delivery, stdout } = await sendTo(c.script);
    assert.equal(code, 1, stdout);
    assert.equal(delivery.failure?.kind, 'rejected');
    assert.equal(delivery.failure?.reply, c.reply);
    assert.equal(delivery.failure?.command, c.command);
    assert.equal(delivery.failure?.code, c.code);
    assert.ok(delivery.failure?.hint, 'a hint for the refusal');
    assert.doesNotMatch(delivery.failure!.hint!, /closed the connection|limit connections/, 'the hint is about the refusal, not the close');
    if (c.recipientRefused) assert.deepEqual(delivery.rejected.map((r) => [r.recipient, r.reply]), [['b@send.example', c.reply]]);
  });
}

test('the refusal that ended the session is the first of the trailing refusals (503s after a refused MAIL are consequences)', async () => {
  const { code, delivery } = await sendTo({
    respond: (command) => {
      if (command.startsWith('MAIL')) return { reply: '553 5.7.1 <a@send.example>: Sender address rejected: not owned by user' };
      if (command.startsWith('RCPT')) return { reply: '503 5.5.1 Error: need MAIL command' };
      if (command === 'DATA') return { reply: '503 5.5.1 Error: need RCPT command', close: 'end' };
      return undefined;
    },
  });
  assert.equal(code, 1);
  assert.equal(delivery.failure?.command, 'MAIL FROM');
  assert.equal(delivery.failure?.reply, '553 5.7.1 <a@send.example>: Sender address rejected: not owned by user');
  assert.deepEqual(delivery.rejected, [], 'the recipient was never judged: its 503 only echoes the refused MAIL');
});

test('a close the server did not explain is "could not tell": exit 3', async () => {
  // everything accepted, then the connection drops before the reply to the end of the message:
  // the message may or may not have been taken
  const afterData = await sendTo({ respond: (command) => (command === '<end of data>' ? { close: 'destroy' } : undefined) });
  assert.equal(afterData.code, 3, afterData.stdout);
  assert.equal(afterData.delivery.failure?.kind, 'network');
  assert.equal(afterData.delivery.failure?.reply, null);

  // a refused recipient followed by an accepted one, then a close: the last word was not a refusal
  const mixed = await sendTo({
    extensions: NO_PIPELINING,
    respond: (command) => {
      if (command === 'RCPT TO:<b@send.example>') return { reply: '550 5.1.1 <b@send.example>: Recipient address rejected: User unknown' };
      if (command === 'RCPT TO:<c@send.example>') return { reply: '250 2.1.5 Ok', close: 'end' };
      return undefined;
    },
  }, ['--to', 'c@send.example']);
  assert.equal(mixed.code, 1, 'a recipient was refused: that much is decided');
  assert.equal(mixed.delivery.failure?.kind, 'network', 'but the session itself ended unexplained');
  assert.deepEqual(mixed.delivery.rejected.map((r) => r.recipient), ['b@send.example']);
});
