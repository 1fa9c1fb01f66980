import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, Transcript, formatTranscript, redactClientLine } from '../../../src/net/smtp/transcript.ts';

describe('redactClientLine', () => {
  test('AUTH initial responses are redacted for any mechanism, verb and mechanism kept', () => {
    assert.equal(redactClientLine('AUTH PLAIN AHVzZXIAcGFzcw==', false), `AUTH PLAIN ${REDACTED}`);
    assert.equal(redactClientLine('auth plain AHVzZXIAcGFzcw==', false), `auth plain ${REDACTED}`);
    assert.equal(redactClientLine('AUTH LOGIN dXNlcg==', false), `AUTH LOGIN ${REDACTED}`);
    assert.equal(redactClientLine('AUTH XOAUTH2 dXNlcj1zb21ldXNlcgFhdXRoPUJlYXJlciB0b2tlbgEB', false), `AUTH XOAUTH2 ${REDACTED}`);
  });

  test('AUTH without an initial response and ordinary commands are kept', () => {
    assert.equal(redactClientLine('AUTH LOGIN', false), 'AUTH LOGIN');
    assert.equal(redactClientLine('AUTH CRAM-MD5', false), 'AUTH CRAM-MD5');
    assert.equal(redactClientLine('MAIL FROM:<a@example.test>', false), 'MAIL FROM:<a@example.test>');
  });

  test('redact=true hides the whole line', () => {
    assert.equal(redactClientLine('c2VjcmV0', true), REDACTED);
    assert.equal(redactClientLine('EHLO x', true), REDACTED);
  });
});

describe('Transcript', () => {
  test('entries carry ms since start from the injected clock, sanitized and truncated', () => {
    let clock = 100.4;
    const t = new Transcript(() => clock, { maxLineLength: 10 });
    clock = 112.2;
    t.client('EHLO probe.example');
    clock = 130.6;
    t.server('250-mx\x1b[31m');
    t.event('connection closed by peer');
    t.client('AUTH PLAIN c2VjcmV0c2VjcmV0');
    assert.deepEqual(t.entries(), [
      { t: 12, dir: 'C', text: 'EHLO probe…' },
      { t: 30, dir: 'S', text: '250-mx\\x1b[31…' }, // cut before escaping: no half escape
      { t: 30, dir: '*', text: 'connection…' },
      { t: 30, dir: 'C', text: 'AUTH PLAIN…' }, // redacted first, then cut: the secret never gets in
    ]);
  });

  test('entries() is a copy', () => {
    const t = new Transcript(() => 0);
    t.event('x');
    t.entries()[0].text = 'changed';
    assert.equal(t.entries()[0].text, 'x');
  });

  test('the number of entries is capped with a marker', () => {
    const t = new Transcript(() => 0, { maxEntries: 5 });
    for (let i = 0; i < 100; i++) t.server(`250-line ${i}`);
    const entries = t.entries();
    assert.equal(entries.length, 5);
    assert.deepEqual(entries.at(-1), { t: 0, dir: '*', text: 'transcript capped at 5 entries; later entries dropped' });
  });
});

describe('formatTranscript', () => {
  test('formats C, S and * entries', () => {
    assert.deepEqual(
      formatTranscript([
        { t: 12, dir: 'C', text: 'EHLO probe.example' },
        { t: 30, dir: 'S', text: '250-mx.example' },
        { t: 5000, dir: '*', text: 'timeout after 5000 ms waiting for greeting' },
      ]),
      ['+12ms C: EHLO probe.example', '+30ms S: 250-mx.example', '+5000ms * timeout after 5000 ms waiting for greeting'],
    );
  });

  test('sanitizes entries that did not come from a Transcript', () => {
    assert.deepEqual(formatTranscript([{ t: 1, dir: 'S', text: '220 \x1b]0;x\x07\u202e' }]), ['+1ms S: 220 \\x1b]0;x\\x07\\u202e']);
  });
});
