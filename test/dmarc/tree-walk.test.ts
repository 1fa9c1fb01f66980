import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpretTreeWalk, looksLikeDmarc, treeWalkNames, type TreeWalkStep } from '../../src/dmarc/tree-walk.ts';

const steps = (domain: string, records: Record<string, string[]>, failed: string[] = []): TreeWalkStep[] =>
  treeWalkNames(domain).map((name) => ({ domain: name, txt: records[name] ?? [], ...(failed.includes(name) ? { failed: true } : {}) }));

test('treeWalkNames: one label at a time below 8 labels, down to the TLD', () => {
  assert.deepEqual(treeWalkNames('a.mail.example.com'), ['a.mail.example.com', 'mail.example.com', 'example.com', 'com']);
  assert.deepEqual(treeWalkNames('Example.COM.'), ['example.com', 'com']);
  assert.deepEqual(treeWalkNames('com'), ['com']);
});

test('treeWalkNames: RFC 9989 4.10 example, a long name jumps to 7 labels and costs 8 queries', () => {
  assert.deepEqual(treeWalkNames('a.b.c.d.e.f.g.h.i.j.mail.example.com'), [
    'a.b.c.d.e.f.g.h.i.j.mail.example.com',
    'g.h.i.j.mail.example.com',
    'h.i.j.mail.example.com',
    'i.j.mail.example.com',
    'j.mail.example.com',
    'mail.example.com',
    'example.com',
    'com',
  ]);
  // exactly 8 labels: the immediate parent is already 7 labels
  assert.deepEqual(treeWalkNames('a.b.c.d.e.f.g.h').slice(0, 2), ['a.b.c.d.e.f.g.h', 'b.c.d.e.f.g.h']);
  for (const n of [1, 5, 8, 9, 20, 40]) {
    const name = Array.from({ length: n }, (_, i) => `l${i}`).join('.');
    assert.ok(treeWalkNames(name).length <= 8, `${n} labels`);
  }
});

test('the domain\'s own record applies; its organizational domain is the record with the fewest labels', () => {
  const r = interpretTreeWalk(steps('mail.example.com', {
    'mail.example.com': ['v=DMARC1; p=reject'],
    'example.com': ['v=DMARC1; p=none'],
  }));
  assert.deepEqual(r.applied, { domain: 'mail.example.com', source: 'domain', record: 'v=DMARC1; p=reject' });
  assert.equal(r.orgDomain, 'example.com');
  assert.equal(r.orgDomainRule, 'fewest-labels');
  assert.equal(r.stoppedAt, null);
});

test('RFC 9989 4.10.2 examples: fewest labels, psd=n, psd=y one label below', () => {
  // records at mail.example.com and example.com, none at a.mail.example.com or com: example.com
  const first = interpretTreeWalk(steps('a.mail.example.com', {
    'mail.example.com': ['v=DMARC1; p=quarantine'],
    'example.com': ['v=DMARC1; p=reject'],
  }));
  assert.equal(first.orgDomain, 'example.com');
  assert.deepEqual(first.applied, { domain: 'example.com', source: 'organizational-domain', record: 'v=DMARC1; p=reject' });

  // psd=n at mail.example.com: the walk stops there and it is the organizational domain
  const second = interpretTreeWalk(steps('a.mail.example.com', {
    'mail.example.com': ['v=DMARC1; p=quarantine; psd=n'],
    'example.com': ['v=DMARC1; p=reject'],
  }));
  assert.equal(second.orgDomain, 'mail.example.com');
  assert.equal(second.orgDomainRule, 'psd-n');
  assert.equal(second.stoppedAt, 1);
  assert.equal(second.applied!.domain, 'mail.example.com');

  // only _dmarc.com with psd=y: the organizational domain is example.com (which has no record),
  // so the public suffix domain's record applies
  const third = interpretTreeWalk(steps('a.mail.example.com', { com: ['v=DMARC1; p=reject; psd=y'] }));
  assert.equal(third.orgDomain, 'example.com');
  assert.equal(third.orgDomainRule, 'psd-y');
  assert.deepEqual(third.applied, { domain: 'com', source: 'public-suffix-domain', record: 'v=DMARC1; p=reject; psd=y' });
});

test('several records at one name are discarded and the walk goes on; non-DMARC TXT is ignored', () => {
  const r = interpretTreeWalk(steps('mail.example.com', {
    'mail.example.com': ['v=DMARC1; p=reject', 'v=DMARC1; p=none', 'v=spf1 -all'],
    'example.com': ['v=DMARC1; p=quarantine'],
  }));
  assert.deepEqual(r.dmarcRecords[0], ['v=DMARC1; p=reject', 'v=DMARC1; p=none']);
  assert.equal(r.applied!.domain, 'example.com');
  assert.equal(r.applied!.source, 'organizational-domain');
});

test('nothing found: no record applies and the walk start is the organizational domain', () => {
  const r = interpretTreeWalk(steps('example.com', {}));
  assert.equal(r.applied, null);
  assert.equal(r.orgDomain, 'example.com');
  assert.equal(r.orgDomainRule, 'walk-start');
  assert.equal(r.incomplete, false);
});

test('a failed lookup before the stop marks the walk incomplete; one after the stop does not', () => {
  assert.equal(interpretTreeWalk(steps('a.example.com', {}, ['example.com'])).incomplete, true);
  const stopped = interpretTreeWalk(steps('a.example.com', { 'a.example.com': ['v=DMARC1; p=none; psd=n'] }, ['com']));
  assert.equal(stopped.incomplete, false);
});

test('looksLikeDmarc spots records receivers discard', () => {
  assert.equal(looksLikeDmarc('v=dmarc1; p=reject'), true);
  assert.equal(looksLikeDmarc('p=reject; v=DMARC1'), true);
  assert.equal(looksLikeDmarc('v=DMARC1; p=reject'), false);
  assert.equal(looksLikeDmarc('google-site-verification=abc'), false);
});
