// The transcript's redaction rules, line by line: the AUTH initial response (any mechanism),
// every answer to a 334 challenge, and any echo of the password or its base64 forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTranscript, SessionLog } from '../../src/send/session-log.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('AUTH initial responses and SASL answers are replaced; other lines are kept', () => {
  let t = 0;
  const log = new SessionLog(() => t, 0, { user: 'u@example.com', password: 'hunter2!' });
  log.client('EHLO client.example');
  t = 5;
  log.client(`AUTH XOAUTH2 ${b64('user=u\u0001auth=Bearer tok\u0001\u0001')}`);
  log.server('334 eyJzdGF0dXMiOiI0MDEifQ==');
  log.client('');
  log.client('AUTH CRAM-MD5');
  log.server('334 PDQxOTI5NDIzNDEuMTI4Mjg0NzJAc291cmNlZm91ci5hbmRyZXcuY211LmVkdT4=');
  log.client(b64('u@example.com 5f0b8f52b0d1b4e3'));
  log.server('235 2.7.0 ok');
  log.client('MAIL FROM:<u@example.com>');
  assert.deepEqual(log.lines.map((l) => `${l.dir}: ${l.text}`), [
    'C: EHLO client.example', 'C: AUTH XOAUTH2 <redacted>', 'S: 334 eyJzdGF0dXMiOiI0MDEifQ==', 'C: <redacted>',
    'C: AUTH CRAM-MD5', 'S: 334 PDQxOTI5NDIzNDEuMTI4Mjg0NzJAc291cmNlZm91ci5hbmRyZXcuY211LmVkdT4=', 'C: <redacted>', 'S: 235 2.7.0 ok', 'C: MAIL FROM:<u@example.com>',
  ]);
  assert.match(renderTranscript(log.lines), /^\+0ms {5}C: EHLO client\.example\n\+5ms {5}C: AUTH XOAUTH2 <redacted>\n/);
});

test('a server that echoes the password, raw or base64, does not get it printed', () => {
  const log = new SessionLog(() => 0, 0, { user: 'u', password: 'hunter2!' });
  log.server(`535 5.7.8 bad password hunter2! (${b64('hunter2!')}) for ${b64('\u0000u\u0000hunter2!')}`);
  log.note('retrying with hunter2!');
  const text = log.lines.map((l) => l.text).join('\n');
  assert.equal(text.includes('hunter2!'), false, text);
  assert.equal(text.includes(b64('hunter2!')), false, text);
  assert.match(text, /^535 5\.7\.8 bad password <redacted> \(<redacted>\) for <redacted>$/m);
});

test('multiline replies are one line each; control characters from the server are escaped', () => {
  const log = new SessionLog(() => 3, 0, null);
  log.server('250-mx.example\n250-PIPELINING\n250 \u001b[2JSIZE 1000');
  assert.deepEqual(log.lines.map((l) => l.text), ['250-mx.example', '250-PIPELINING', '250 \\x1b[2JSIZE 1000']);
});
