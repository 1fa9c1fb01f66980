// The ledger pairs replies with commands in order (RFC 2920 section 3.1), reads the AUTH keyword
// of the last EHLO itself, and keeps no credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyLedger } from '../../src/send/reply-ledger.ts';

test('pipelined commands: each reply answers the oldest command still waiting; after 354 the end of data', () => {
  const l = new ReplyLedger();
  l.server('220 mx.test ESMTP');
  l.client('EHLO client.test');
  l.server('250-mx.test\n250-PIPELINING\n250 SIZE 1000');
  l.client('MAIL FROM:<a@x.test> SIZE=10');
  l.client('RCPT TO:<b@y.test>');
  l.client('RCPT TO:<c@y.test>');
  l.client('DATA');
  l.server('250 2.1.0 Ok');
  l.server('550 5.1.1 <b@y.test>: unknown');
  l.server('250 2.1.5 Ok');
  assert.equal(l.awaiting(), 'DATA');
  l.server('354 go ahead');
  assert.equal(l.awaiting(), 'END OF DATA');
  l.server('554 5.7.1 spam');
  assert.deepEqual(l.answered.map((a) => `${a.stage} ${a.code}`), ['CONN 220', 'EHLO 250', 'MAIL FROM 250', 'RCPT TO 550', 'RCPT TO 250', 'DATA 354', 'END OF DATA 554']);
  assert.deepEqual(l.refusedRecipients(), [{ recipient: 'b@y.test', reply: '550 5.1.1 <b@y.test>: unknown' }]);
  assert.equal(l.endingRefusal()?.stage, 'END OF DATA');
});

test('AUTH: the mechanism is kept, SASL answers and initial responses are not', () => {
  const l = new ReplyLedger();
  l.server('220 mx.test');
  l.client('AUTH PLAIN AGFsaWNlAHNlY3JldA==');
  l.server('535 5.7.8 Error: authentication failed');
  l.client('AUTH LOGIN');
  l.server('334 VXNlcm5hbWU6');
  l.client('YWxpY2U=');
  l.server('334 UGFzc3dvcmQ6');
  l.client('c2VjcmV0');
  l.server('535 5.7.8 Error: authentication failed');
  assert.deepEqual(l.answered.slice(1).map((a) => `${a.stage}|${a.command}|${a.code}`), ['AUTH|AUTH PLAIN|535', 'AUTH|AUTH LOGIN|334', 'AUTH|AUTH LOGIN|334', 'AUTH|AUTH LOGIN|535']);
  assert.equal(JSON.stringify(l.answered).includes('c2VjcmV0'), false);
  assert.equal(JSON.stringify(l.answered).includes('AGFsaWNlAHNlY3JldA'), false);
});

test('AUTH offered: the keyword lines of the last EHLO only; not the greeting line, not after HELO', () => {
  const ehlo = (reply: string) => { const l = new ReplyLedger(); l.server('220 x'); l.client('EHLO c'); l.server(reply); return l; };
  assert.deepEqual(ehlo('250-mx.test\n250-AUTH PLAIN LOGIN\n250 AUTH=LOGIN CRAM-MD5').authMechanisms(), ['PLAIN', 'LOGIN', 'CRAM-MD5']);
  assert.deepEqual(ehlo('250-mx.test\n250 AUTH').authMechanisms(), []);
  assert.equal(ehlo('250-mx.test AUTH PLAIN is offered here, honest\n250 8BITMIME').authMechanisms(), null);
  assert.equal(ehlo('250-mx.test\n250-XAUTH\n250 8BITMIME').authMechanisms(), null);
  const helo = ehlo('502 5.5.2 no EHLO');
  helo.client('HELO c');
  helo.server('250 mx.test');
  assert.equal(helo.authMechanisms(), null);
});

test('the ending refusal is the first of the trailing refusals; none when the last reply was positive', () => {
  const l = new ReplyLedger();
  l.server('220 x');
  l.client('EHLO c'); l.client('MAIL FROM:<a@x>'); l.client('RCPT TO:<b@y>'); l.client('DATA');
  l.server('250 x'); l.server('553 no'); l.server('503 need MAIL'); l.server('503 need RCPT');
  assert.equal(l.endingRefusal()?.stage, 'MAIL FROM');
  assert.deepEqual(l.refusedRecipients(), [], 'never judged');
  const ok = new ReplyLedger();
  ok.server('220 x'); ok.client('EHLO c'); ok.server('250 x');
  assert.equal(ok.endingRefusal(), null);
});
