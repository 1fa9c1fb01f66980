import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget, TargetError } from '../../src/core/target.ts';

test('plain, upper-case and trailing-dot domains normalize to lowercase without the dot', () => {
  assert.deepEqual(parseTarget('Example.COM.'), { kind: 'domain', input: 'Example.COM.', domain: 'example.com' });
});

test('Unicode names become A-labels (IDNA)', () => {
  const t = parseTarget('bücher.example');
  assert.equal(t.kind, 'domain');
  assert.equal(t.kind === 'domain' && t.domain, 'xn--bcher-kva.example');
  const t2 = parseTarget('例え.テスト');
  assert.equal(t2.kind === 'domain' && t2.domain, 'xn--r8jz45g.xn--zckzah');
});

test('email addresses and URLs give their domain', () => {
  assert.equal((parseTarget('postmaster@Example.org') as { domain: string }).domain, 'example.org');
  assert.equal((parseTarget('"a@b"@example.net') as { domain: string }).domain, 'example.net');
  assert.equal((parseTarget('https://www.example.com/path?q=1') as { domain: string }).domain, 'www.example.com');
  assert.equal((parseTarget('mailto:someone@example.com?subject=x') as { domain: string }).domain, 'example.com');
});

test('IP addresses are mail-server targets', () => {
  assert.deepEqual(parseTarget('192.0.2.25'), { kind: 'ip', input: '192.0.2.25', ip: '192.0.2.25' });
  assert.deepEqual(parseTarget('[2001:DB8::25]'), { kind: 'ip', input: '[2001:DB8::25]', ip: '2001:db8::25' });
});

test('invalid input is rejected with a one-line reason', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['exa mple.com', /white space/],
    ['example..com', /empty label/],
    ['.example.com', /empty label/],
    ['localhost', /fully qualified/],
    [`${'a'.repeat(64)}.example`, /over 63/],
    [`${'abcdefghi.'.repeat(26)}example`, /over the 253/],
    ['exa$mple.com', /invalid/],
    ['-bad.example', /invalid characters/],
    ['user@', /no domain/],
    ['example.123', /numeric|invalid/],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => parseTarget(input), (e: unknown) => e instanceof TargetError && message.test(e.message) && !e.message.includes('\n'), `input ${JSON.stringify(input)}`);
  }
});

test('an IP target is one unicast mail server: a zone index or a multicast, broadcast or unspecified address is refused', () => {
  assert.throws(() => parseTarget('fe80::1%eth0'), /zone index \("%eth0"\)/);
  for (const bad of ['224.0.0.1', '255.255.255.255', '0.0.0.0', 'ff02::1']) assert.throws(() => parseTarget(bad), /which no mail server listens on/, bad);
  assert.deepEqual(parseTarget('[2001:DB8::25]'), { kind: 'ip', input: '[2001:DB8::25]', ip: '2001:db8::25' });
  assert.equal(parseTarget('192.0.2.25').kind, 'ip');
});
