import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressLiteral, isPlainAddress, relayForms, usableServerName } from '../../src/probe/relay-forms.ts';

const input = { from: 'relay-test@example.net', to: 'relay-test@example.org', address: '192.0.2.25', serverName: 'mx.example.com' };

test('the 16 relay forms: plain, null sender, forged senders, %-hack, quoted, doubled @, source routes, bang paths', () => {
  const forms = relayForms(input);
  assert.equal(forms.length, 16);
  assert.equal(new Set(forms.map((f) => f.form)).size, 16, 'form names are unique');
  const by = Object.fromEntries(forms.map((f) => [f.form, f]));
  assert.deepEqual([by['plain']!.mailFrom, by['plain']!.rcptTo], ['relay-test@example.net', 'relay-test@example.org']);
  assert.equal(by['null-sender']!.mailFrom, '');
  assert.equal(by['sender-server-name']!.mailFrom, 'relay-test@mx.example.com');
  assert.equal(by['sender-address-literal']!.mailFrom, 'relay-test@[192.0.2.25]');
  assert.equal(by['percent-hack-address']!.rcptTo, 'relay-test%example.org@[192.0.2.25]');
  assert.equal(by['percent-hack-name']!.rcptTo, 'relay-test%example.org@mx.example.com');
  assert.equal(by['quoted']!.rcptTo, '"relay-test@example.org"');
  assert.equal(by['quoted-percent']!.rcptTo, '"relay-test%example.org"');
  assert.equal(by['double-at-address']!.rcptTo, 'relay-test@example.org@[192.0.2.25]');
  assert.equal(by['quoted-at-address']!.rcptTo, '"relay-test@example.org"@[192.0.2.25]');
  assert.equal(by['double-at-name']!.rcptTo, 'relay-test@example.org@mx.example.com');
  assert.equal(by['source-route-address']!.rcptTo, '@[192.0.2.25]:relay-test@example.org');
  assert.equal(by['source-route-name']!.rcptTo, '@mx.example.com:relay-test@example.org');
  assert.equal(by['bang-path']!.rcptTo, 'example.org!relay-test');
  assert.equal(by['bang-path-address']!.rcptTo, 'example.org!relay-test@[192.0.2.25]');
  assert.equal(by['bang-path-name']!.rcptTo, 'example.org!relay-test@mx.example.com');
  for (const f of forms) assert.doesNotMatch(`${f.mailFrom} ${f.rcptTo}`, /[\r\n<>]/);
});

test('IPv6 servers get the IPv6: address literal; without a usable server name the name forms are left out', () => {
  assert.equal(addressLiteral('2001:db8::25'), '[IPv6:2001:db8::25]');
  assert.equal(addressLiteral('192.0.2.1'), '[192.0.2.1]');
  const forms = relayForms({ ...input, address: '2001:db8::25', serverName: 'not a <name>' });
  assert.equal(forms.length, 11);
  assert.ok(forms.every((f) => !f.form.endsWith('-name')));
  assert.ok(forms.some((f) => f.rcptTo === '@[IPv6:2001:db8::25]:relay-test@example.org'));
  assert.equal(usableServerName('MX.Example.COM.'), 'mx.example.com');
  assert.equal(usableServerName('localhost'), null);
});

test('relay addresses must be plain local@domain', () => {
  assert.ok(isPlainAddress('relay-test@example.net'));
  assert.ok(!isPlainAddress('"x"@example.net'));
  assert.ok(!isPlainAddress('a b@example.net'));
  assert.ok(!isPlainAddress('a@b@example.net'));
  assert.ok(!isPlainAddress('a@example'));
});
