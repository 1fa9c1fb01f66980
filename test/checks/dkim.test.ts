// The dkim/* checks over hand-built facts: every status each check can end in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import keyRecord from '../../src/checks/dkim/key-record.ts';
import keyStrength from '../../src/checks/dkim/key-strength.ts';
import selectors from '../../src/checks/dkim/selectors.ts';
import type { DkimFacts, DkimSelectorLookup } from '../../src/collect/dkim.ts';
import type { LookupFact } from '../../src/core/facts.ts';
import { judge } from '../support/run-check.ts';

const rsa = (bits: number): string =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const ed25519 = (): string =>
  generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64');
const KEY_2048 = rsa(2048);
const KEY_1024 = rsa(1024);
const KEY_512 = rsa(512);
const KEY_ED = ed25519();

const ok = (...values: string[]): LookupFact<string> => ({ outcome: 'ok', values });
const nx = (): LookupFact<string> => ({ outcome: 'nxdomain', values: [] });
const failed = (): LookupFact<string> => ({ outcome: 'error', values: [], error: 'ETIMEOUT: no answer within 3000 ms' });

function lookup(selector: string, txt: LookupFact<string>, extra: Partial<DkimSelectorLookup> = {}): DkimSelectorLookup {
  return { selector, name: `${selector}._domainkey.example.com`, sources: ['generic'], txt, wildcard: false, provider: null, ...extra };
}

function dkimFacts(lookups: DkimSelectorLookup[], extra: Partial<DkimFacts> = {}): DkimFacts {
  return {
    domain: 'example.com', given: [], inferred: [], tried: ['google', 'selector1', 'selector2', 'default', ...lookups.map((l) => l.selector)],
    probe: { selector: 'smtp-audit-probe-0123456789ab', name: 'smtp-audit-probe-0123456789ab._domainkey.example.com', txt: nx() },
    wildcard: false, lookups, absent: 4, ...extra,
  };
}

const codes = (r: { findings: Array<{ code: string }> }) => r.findings.map((f) => f.code);

test('dkim/selectors: pass with a key, noting what was tried and where keys were found', () => {
  const r = judge(selectors, { dkim: dkimFacts([lookup('google', ok(`v=DKIM1; k=rsa; p=${KEY_2048}`), { provider: 'Google Workspace' })], {
    inferred: [{ provider: 'Google Workspace', reason: 'MX aspmx.l.google.com', selectors: ['google'] }],
  }) });
  assert.equal(r.status, 'pass');
  assert.match(r.notes![0]!, /^Tried \d+ selectors: google, selector1/);
  assert.ok(r.notes!.some((n) => /Google Workspace inferred from MX aspmx\.l\.google\.com; its selectors google were tried first/.test(n)));
  assert.ok(r.notes!.some((n) => /DKIM keys found at: google \(Google Workspace\)/.test(n)));
});

test('dkim/selectors: warn when nothing is found, when a given selector is missing, or when only revoked keys exist', () => {
  const none = judge(selectors, { dkim: dkimFacts([]) });
  assert.equal(none.status, 'warn');
  assert.deepEqual(codes(none), ['dkim/selectors.no-key-found']);
  assert.match(none.findings[0]!.remediation!, /--selector/);

  const given = judge(selectors, { dkim: dkimFacts([lookup('custom', nx(), { sources: ['given'] })], { given: ['custom'] }) });
  assert.deepEqual(codes(given), ['dkim/selectors.selector-not-found', 'dkim/selectors.no-key-found']);
  assert.equal(given.findings[0]!.subject, 'custom._domainkey.example.com');

  const revoked = judge(selectors, { dkim: dkimFacts([lookup('selector1', ok('v=DKIM1; p='))]) });
  assert.deepEqual(codes(revoked), ['dkim/selectors.only-revoked']);

  const notDkim = judge(selectors, { dkim: dkimFacts([lookup('mail', ok('google-site-verification=abc'))]) });
  assert.deepEqual(codes(notDkim), ['dkim/selectors.no-key-found']);
  assert.ok(notDkim.notes!.some((n) => /mail\._domainkey\.example\.com holds a TXT record that is not a DKIM key/.test(n)));
});

test('dkim/selectors: a wildcard is info and its answers are not keys', () => {
  const wildTxt = ok(`v=DKIM1; p=${KEY_1024}`);
  const facts = dkimFacts([
    lookup('google', wildTxt, { wildcard: true }), lookup('default', wildTxt, { wildcard: true }),
    lookup('fm1', ok(`v=DKIM1; p=${KEY_2048}`)),
  ], { wildcard: true, probe: { selector: 'smtp-audit-probe-x', name: 'smtp-audit-probe-x._domainkey.example.com', txt: wildTxt } });
  const r = judge(selectors, { dkim: facts });
  assert.equal(r.status, 'info');
  assert.deepEqual(codes(r), ['dkim/selectors.wildcard']);
  assert.match(r.findings[0]!.message, /2 matching answers \(google, default\) were ignored as wildcard noise/);
  const onlyWild = judge(selectors, { dkim: { ...facts, lookups: facts.lookups.slice(0, 2) } });
  assert.equal(onlyWild.status, 'warn');
  assert.deepEqual(codes(onlyWild), ['dkim/selectors.wildcard', 'dkim/selectors.no-key-found']);
  assert.equal(judge(keyStrength, { dkim: { ...facts, lookups: facts.lookups.slice(0, 2) } }).status, 'skipped');
});

test('dkim/selectors: error when nothing was found and lookups failed; a failed given selector is undetermined', () => {
  const r = judge(selectors, { dkim: dkimFacts([lookup('google', failed()), lookup('selector1', failed())]) });
  assert.equal(r.status, 'error');
  assert.match(r.error!, /2 selector lookups failed \(google: ETIMEOUT/);
  const given = judge(selectors, { dkim: dkimFacts([lookup('custom', failed(), { sources: ['given'] }), lookup('google', ok(`p=${KEY_2048}`))], { given: ['custom'] }) });
  assert.equal(given.status, 'error');
  assert.match(given.error!, /custom\._domainkey\.example\.com: TXT lookup failed/);
});

test('dkim/key-strength: fail under 1024 bits, warn at 1024, pass at 2048 and for Ed25519, skipped without keys', () => {
  const strong = judge(keyStrength, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; p=${KEY_2048}`)), lookup('b', ok(`v=DKIM1; k=ed25519; p=${KEY_ED}`))]) });
  assert.equal(strong.status, 'pass');
  assert.deepEqual(strong.notes, ['a: RSA 2048 bits.', 'b: Ed25519 key.']);
  const short = judge(keyStrength, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; p=${KEY_1024}`))]) });
  assert.equal(short.status, 'warn');
  assert.deepEqual(codes(short), ['dkim/key-strength.rsa-short']);
  assert.match(short.findings[0]!.message, /1024 bits/);
  const tiny = judge(keyStrength, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; p=${KEY_512}`)), lookup('b', ok(`v=DKIM1; p=${KEY_1024}`))]) });
  assert.equal(tiny.status, 'fail');
  assert.deepEqual(codes(tiny), ['dkim/key-strength.rsa-too-short', 'dkim/key-strength.rsa-short']);
  assert.equal(judge(keyStrength, { dkim: dkimFacts([]) }).status, 'skipped');
  assert.equal(judge(keyStrength, { dkim: dkimFacts([lookup('a', ok('v=DKIM1; p='))]) }).status, 'skipped');
});

test('dkim/key-record: pass when clean; warn on t=y, sha1-only and duplicates; info when revoked; fail when malformed', () => {
  const clean = judge(keyRecord, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; k=rsa; p=${KEY_2048}`))]) });
  assert.equal(clean.status, 'pass');
  assert.deepEqual(clean.notes, ['a: rsa key, spki, 2048 bits.']);
  // key size is dkim/key-strength's business, not this check's
  assert.equal(judge(keyRecord, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; p=${KEY_1024}`))]) }).status, 'pass');

  const testing = judge(keyRecord, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; t=y; p=${KEY_2048}`))]) });
  assert.equal(testing.status, 'warn');
  assert.deepEqual(codes(testing), ['dkim/key-record.testing']);
  const sha1 = judge(keyRecord, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; h=sha1; p=${KEY_2048}`))]) });
  assert.deepEqual(codes(sha1), ['dkim/key-record.hash-sha1-only']);
  const two = judge(keyRecord, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; p=${KEY_2048}`, `v=DKIM1; p=${KEY_1024}`))]) });
  assert.deepEqual(codes(two), ['dkim/key-record.multiple-records']);

  const revoked = judge(keyRecord, { dkim: dkimFacts([lookup('a', ok('v=DKIM1; p='))]) });
  assert.equal(revoked.status, 'info');
  assert.deepEqual(codes(revoked), ['dkim/key-record.key-revoked']);

  const malformed = judge(keyRecord, { dkim: dkimFacts([lookup('a', ok('v=DKIM1; k=rsa; p=MIIB!!'))]) });
  assert.equal(malformed.status, 'fail');
  assert.deepEqual(codes(malformed), ['dkim/key-record.key-base64-invalid']);
  const noP = judge(keyRecord, { dkim: dkimFacts([lookup('a', ok('v=DKIM1; k=rsa'))]) });
  assert.deepEqual(codes(noP), ['dkim/key-record.p-missing']);
  const badEd = judge(keyRecord, { dkim: dkimFacts([lookup('a', ok(`v=DKIM1; k=ed25519; p=${KEY_2048}`))]) });
  assert.equal(badEd.status, 'fail');
  assert.equal(judge(keyRecord, { dkim: dkimFacts([]) }).status, 'skipped');
});

test('dkim/key-record: a Microsoft 365 CNAME naming another domain is a warning', () => {
  const right = lookup('selector1', ok(`v=DKIM1; p=${KEY_2048}`), { provider: 'Microsoft 365' });
  right.txt.cnames = ['selector1-example-com._domainkey.contoso.onmicrosoft.com'];
  assert.equal(judge(keyRecord, { dkim: dkimFacts([right]) }).status, 'pass');
  const wrong = lookup('selector2', ok(`v=DKIM1; p=${KEY_2048}`), { provider: 'Microsoft 365' });
  wrong.txt.cnames = ['selector2-other-org._domainkey.contoso.onmicrosoft.com'];
  const r = judge(keyRecord, { dkim: dkimFacts([wrong]) });
  assert.equal(r.status, 'warn');
  assert.deepEqual(codes(r), ['dkim/key-record.cname-other-domain']);
  assert.match(r.findings[0]!.message, /selector2-example-com\._domainkey\./);
});
