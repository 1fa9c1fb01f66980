import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authMechanisms, chunking, eightBitMime, hasExtension, hasStartTls, parseEhlo, pipelining, requireTls, size, smtpUtf8,
} from '../../../src/net/smtp/ehlo.ts';
import { ReplyReader } from '../../../src/net/smtp/reply-reader.ts';
import type { SmtpReply } from '../../../src/net/smtp/reply-reader.ts';

function reply(wire: string): SmtpReply {
  const reader = new ReplyReader();
  reader.feed(Buffer.from(wire));
  const r = reader.take();
  assert.ok(r, `no reply parsed from ${JSON.stringify(wire)}`);
  return r;
}

const POSTFIX = [
  '250-mx.example.net Hello client.example [192.0.2.1]',
  '250-PIPELINING',
  '250-SIZE 52428800',
  '250-ETRN',
  '250-STARTTLS',
  '250-AUTH PLAIN LOGIN',
  '250-AUTH=PLAIN LOGIN CRAM-MD5',
  '250-ENHANCEDSTATUSCODES',
  '250-8BITMIME',
  '250-DSN',
  '250-SMTPUTF8',
  '250-CHUNKING',
  '250 REQUIRETLS',
].join('\r\n') + '\r\n';

describe('parseEhlo', () => {
  test('domain, greeting text and extensions with parameters', () => {
    const info = parseEhlo(reply(POSTFIX));
    assert.equal(info.domain, 'mx.example.net');
    assert.equal(info.greetingText, 'Hello client.example [192.0.2.1]');
    assert.deepEqual(info.extensions['SIZE'], ['52428800']);
    assert.deepEqual(info.extensions['PIPELINING'], []);
    assert.deepEqual(info.extensions['AUTH'], ['PLAIN', 'LOGIN']);
    assert.deepEqual(info.legacyAuth, ['PLAIN', 'LOGIN', 'CRAM-MD5']);
    assert.deepEqual(info.malformedLines, []);
    assert.ok(!('AUTH=PLAIN' in info.extensions));
  });

  test('helpers', () => {
    const info = parseEhlo(reply(POSTFIX));
    assert.equal(hasStartTls(info), true);
    assert.deepEqual(authMechanisms(info), ['PLAIN', 'LOGIN', 'CRAM-MD5']);
    assert.equal(size(info), 52428800);
    assert.equal(pipelining(info), true);
    assert.equal(eightBitMime(info), true);
    assert.equal(smtpUtf8(info), true);
    assert.equal(chunking(info), true);
    assert.equal(requireTls(info), true);
    assert.equal(hasExtension(info, 'etrn'), true);
  });

  test('a one-line EHLO reply has no extensions', () => {
    const info = parseEhlo(reply('250 mx.example.net\r\n'));
    assert.equal(info.domain, 'mx.example.net');
    assert.equal(info.greetingText, '');
    assert.deepEqual(info.extensions, {});
    assert.equal(hasStartTls(info), false);
    assert.deepEqual(authMechanisms(info), []);
    assert.equal(size(info), null);
    assert.equal(pipelining(info), false);
    assert.equal(eightBitMime(info), false);
    assert.equal(smtpUtf8(info), false);
    assert.equal(chunking(info), false);
    assert.equal(requireTls(info), false);
  });

  test('keywords are case-insensitive; repeated keywords merge; junk lines are listed', () => {
    const info = parseEhlo(reply('250-mx\r\n250-starttls\r\n250-auth login\r\n250-AUTH plain login\r\n250-_bad keyword\r\n250-X-CTL \x01\r\n250 size\r\n'));
    assert.equal(hasStartTls(info), true);
    assert.deepEqual(info.extensions['AUTH'], ['login', 'plain']);
    assert.deepEqual(authMechanisms(info), ['LOGIN', 'PLAIN']);
    assert.deepEqual(info.malformedLines, ['_bad keyword', 'X-CTL \x01']);
    assert.equal(size(info), 0, 'SIZE without a number: advertised, no fixed maximum');
  });

  test('SIZE 0 and an unparsable SIZE', () => {
    assert.equal(size(parseEhlo(reply('250-mx\r\n250 SIZE 0\r\n'))), 0);
    assert.equal(size(parseEhlo(reply('250-mx\r\n250 SIZE lots\r\n'))), null);
  });

  test('refuses anything but a 250 reply', () => {
    assert.throws(() => parseEhlo(reply('502 5.5.1 EHLO not implemented\r\n')), RangeError);
  });
});
