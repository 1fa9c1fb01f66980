// Every spf/* check in every status it can end in. Facts come from the spf collector run over
// in-memory zone data (test/support/zonedata-resolver.ts), or are edited by hand, and each check is
// judged on them alone, as the engine does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import allQualifier from '../../src/checks/spf/all-qualifier.ts';
import deprecatedPtr from '../../src/checks/spf/deprecated-ptr.ts';
import includeTargets from '../../src/checks/spf/include-targets.ts';
import ipEvaluation from '../../src/checks/spf/ip-evaluation.ts';
import lookupLimit from '../../src/checks/spf/lookup-limit.ts';
import present, { correctedRecord, looksLikeSpf } from '../../src/checks/spf/present.ts';
import singleRecord, { mergedRecord } from '../../src/checks/spf/single-record.ts';
import syntax, { caretLines, stringBoundaries } from '../../src/checks/spf/syntax.ts';
import voidLookups from '../../src/checks/spf/void-lookups.ts';
import { spfCollector, type SpfFacts } from '../../src/collect/spf.ts';
import type { CheckDefinition } from '../../src/core/check.ts';
import { DEFAULT_OPTIONS, type AuditEnv } from '../../src/core/context.ts';
import type { CheckResult } from '../../src/core/report-types.ts';
import { fixedClock } from '../../src/net/clock.ts';
import { NetDialer } from '../../src/net/dial.ts';
import type { CheckHostResult } from '../../src/spf/check-host.ts';
import { walkSpf } from '../../src/spf/walk-spf.ts';
import { judge } from '../support/run-check.ts';
import { zonedataResolver, type ZoneData, type ZoneEntry } from '../support/zonedata-resolver.ts';

const both = (v4: string): ZoneEntry[] => [{ A: v4 }, { AAAA: '2001:db8::1' }];

async function factsFor(zone: ZoneData, domain = 'example.com', ips: string[] = []): Promise<SpfFacts> {
  const env: AuditEnv = { resolver: zonedataResolver(zone), dialer: new NetDialer(), clock: fixedClock('2026-11-23T10:00:00Z') };
  return spfCollector.collect({
    target: { kind: 'domain', input: domain, domain }, env, options: { ...DEFAULT_OPTIONS, ips },
    need: () => Promise.reject(new Error('no other facts')),
  });
}

async function run(check: CheckDefinition, zone: ZoneData, domain = 'example.com', ips: string[] = []): Promise<CheckResult> {
  return judge(check, { spf: await factsFor(zone, domain, ips) }, domain);
}

const codes = (r: CheckResult): string[] => r.findings.map((f) => f.code);
const rec = (txt: string | string[], extra: ZoneEntry[] = []): ZoneData => ({ 'example.com': [{ TXT: txt }, ...extra] });
const aTerms = (n: number): string => Array.from({ length: n }, (_, i) => `a:h${i}.example.com`).join(' ');
const hosts = (n: number): ZoneData => Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i}.example.com`, both(`192.0.2.${i + 1}`)]));

describe('spf/present', () => {
  it('passes with one record and notes it, and notes the strings it is published as', async () => {
    const r = await run(present, rec(['v=spf1 ip4:192.0.2.1 ', '-all']));
    assert.equal(r.status, 'pass');
    assert.match(r.notes![0]!, /SPF record \(25 octets\): v=spf1 ip4:192\.0\.2\.1 -all/);
    assert.match(r.notes![1]!, /2 character-strings.*"v=spf1 ip4:192\.0\.2\.1 " "-all"/);
  });

  it('passes with several records, leaving the verdict to spf/single-record', async () => {
    const r = await run(present, { 'example.com': [{ TXT: 'v=spf1 -all' }, { TXT: 'v=spf1 ~all' }] });
    assert.equal(r.status, 'pass');
    assert.match(r.notes![0]!, /2 SPF records.*spf\/single-record/);
  });

  it('fails when the domain does not exist, has no TXT, or no TXT is an SPF record', async () => {
    const gone = await run(present, {});
    assert.deepEqual([gone.status, codes(gone)], ['fail', ['spf/present.no-record']]);
    assert.match(gone.findings[0]!.message, /does not exist \(NXDOMAIN\)/);
    const noTxt = await run(present, { 'example.com': [{ A: '192.0.2.1' }] });
    assert.match(noTxt.findings[0]!.message, /has no TXT records/);
    assert.deepEqual(noTxt.findings[0]!.evidence, ['TXT example.com: NODATA']);
    const other = await run(present, rec('google-site-verification=x'));
    assert.match(other.findings[0]!.message, /None of the 1 TXT records/);
  });

  it('points out a near miss and proposes the corrected record', async () => {
    const r = await run(present, { 'example.com': [{ TXT: ' v=spf1 mx -all' }, { TXT: 'other' }] });
    assert.equal(r.status, 'fail');
    assert.match(r.findings[0]!.message, /one looks like an SPF record but receivers ignore it/);
    assert.match(r.findings[0]!.remediation!, /e\.g\. "v=spf1 mx -all"/);
    assert.match(r.findings[0]!.evidence[0]!, /not an SPF record/);
    assert.equal(looksLikeSpf('v=spf2.0/pra -all'), false);
    assert.equal(looksLikeSpf('v=spf1a -all'), true);
    assert.equal(correctedRecord('"v=spf1 a -all"'), 'v=spf1 a -all');
    assert.equal(correctedRecord('spf1 mx -all'), 'v=spf1 mx -all');
  });

  it('points at a record published only as the retired SPF RR type', async () => {
    const r = await run(present, { 'example.com': [{ SPF: 'v=spf1 mx -all' }, { TXT: 'NONE' }] });
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/present.spf-type-only']]);
    assert.match(r.findings[0]!.remediation!, /as a TXT record at example\.com: "v=spf1 mx -all"/);
    assert.equal((await factsFor(rec('v=spf1 -all'))).spfTypeRecords, null, 'asked only when TXT has no record');
  });

  it('is error, not fail, when the TXT lookup times out', async () => {
    const r = await run(present, { 'example.com': ['TIMEOUT', { A: '192.0.2.1' }] });
    assert.equal(r.status, 'error');
    assert.match(r.error!, /ETIMEOUT/);
    assert.deepEqual(r.findings, []);
  });

  it('fails for a name that cannot have a record', async () => {
    // The CLI refuses single-label names; programmatic callers may still pass one to the collector.
    const r = judge(present, { spf: await factsFor({}, 'localhost') });
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/present.invalid-domain']]);
  });
});

describe('spf/single-record', () => {
  it('passes one record and notes its size', async () => {
    const r = await run(singleRecord, rec('v=spf1 -all'));
    assert.equal(r.status, 'pass');
    assert.match(r.notes![0]!, /One SPF record, 11 octets; TXT answer about 53 of 512 octets/);
  });

  it('fails several records (permerror) and proposes a merged one', async () => {
    const r = await run(singleRecord, { 'example.com': [{ TXT: 'v=spf1 ip4:192.0.2.1 -all' }, { TXT: 'v=spf1 include:_spf.example.net ~all' }] });
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/single-record.multiple-records']]);
    assert.match(r.findings[0]!.message, /publishes 2 SPF records.*permerror/);
    assert.match(r.findings[0]!.remediation!, /"v=spf1 ip4:192\.0\.2\.1 include:_spf\.example\.net -all"/);
    assert.deepEqual(r.findings[0]!.evidence, ['record 1: v=spf1 ip4:192.0.2.1 -all', 'record 2: v=spf1 include:_spf.example.net ~all']);
    assert.equal(mergedRecord(['v=spf1 redirect=x.example', 'v=spf1 -all']), null);
  });

  it('warns when the TXT answer is over 512 octets, for the domain and for an included record', async () => {
    const big = `v=spf1 ${Array.from({ length: 30 }, (_, i) => `ip4:198.51.100.${i}`).join(' ')} -all`;
    const r = await run(singleRecord, rec(big.match(/.{1,255}/g)!));
    assert.deepEqual([r.status, codes(r)], ['warn', ['spf/single-record.udp-size']]);
    assert.match(r.findings[0]!.message, /about \d+ octets, over the 512 octets/);
    assert.equal(r.title, 'An SPF answer is too large for UDP (over 512 octets)');
    const included = await run(singleRecord, { 'example.com': [{ TXT: 'v=spf1 include:_big.example.net -all' }], '_big.example.net': [{ TXT: big.match(/.{1,255}/g)! }] });
    assert.deepEqual(included.findings.map((f) => [f.subject, f.code]), [['_big.example.net', 'spf/single-record.udp-size']]);
    assert.match(included.findings[0]!.remediation!, /belongs to whoever runs _big\.example\.net/);
  });

  it('is skipped without a record and error when the lookup fails', async () => {
    assert.equal((await run(singleRecord, {})).status, 'skipped');
    assert.equal((await run(singleRecord, { 'example.com': ['TIMEOUT'] })).status, 'error');
  });
});

describe('spf/syntax', () => {
  it('passes a valid tree and names the records parsed', async () => {
    const r = await run(syntax, { ...rec('v=spf1 include:_spf.example.net -all'), '_spf.example.net': [{ TXT: 'v=spf1 ip4:192.0.2.0/24 ~all' }] });
    assert.equal(r.status, 'pass');
    assert.match(r.notes![0]!, /2 records parsed: example\.com, _spf\.example\.net/);
  });

  it('fails with positions and a caret line, in the record and in an included one', async () => {
    const r = await run(syntax, { ...rec('v=spf1 include:_spf.example.net -all'), '_spf.example.net': [{ TXT: 'v=spf1 ip4:192.0.2.300 a:: -all' }] });
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/syntax.invalid-term']]);
    const f = r.findings[0]!;
    assert.equal(f.subject, '_spf.example.net');
    assert.match(f.message, /_spf\.example\.net \(reached by "include:_spf\.example\.net" in example\.com\) has 2 syntax errors/);
    assert.deepEqual(f.evidence.slice(0, 2), ['v=spf1 ip4:192.0.2.300 a:: -all', '           ^             ^']);
    assert.match(f.evidence[2]!, /^position 11 "ip4:192\.0\.2\.300": /);
  });

  it('points at a term glued across two TXT strings', async () => {
    const r = await run(syntax, rec(['v=spf1 a', 'mx -all']));
    assert.equal(r.status, 'fail');
    assert.match(r.findings[0]!.evidence.at(-1)!, /"amx" spans the end of string 1 \("v=spf1 a"\) and the start of string 2 \("mx -all"\)/);
    assert.match(r.findings[0]!.remediation!, /Put a space at the end/);
    assert.deepEqual(stringBoundaries(['ab', 'cd', 'e']), [2, 4]);
    assert.deepEqual(caretLines('v=spf1 x', [7]), ['v=spf1 x', '       ^']);
  });

  it('checks each of several records', async () => {
    const r = await run(syntax, { 'example.com': [{ TXT: 'v=spf1 -all' }, { TXT: 'v=spf1 foo -all' }] });
    assert.equal(r.status, 'fail');
    assert.match(r.findings[0]!.message, /example\.com \(record 2 of 2\)/);
  });

  it('warns on mechanisms after all, a redirect beside all, and an unusable a/mx/exists target', async () => {
    const after = await run(syntax, rec('v=spf1 -all ip4:192.0.2.1 redirect=_spf.example.net'));
    assert.deepEqual([after.status, codes(after)], ['warn', ['spf/syntax.terms-after-all', 'spf/syntax.redirect-ignored']]);
    const badName = await run(syntax, rec('v=spf1 a:%{d}.x-------------------------------------------------------------------------y.example -all'));
    assert.deepEqual([badName.status, codes(badName)], ['warn', ['spf/syntax.invalid-target-name']]);
  });

  it('notes unknown modifiers, is skipped without a record, and error when an include cannot be fetched', async () => {
    const unknown = await run(syntax, rec('v=spf1 foo=bar -all'));
    assert.equal(unknown.status, 'pass');
    assert.match(unknown.notes![1]!, /Unknown modifiers are ignored.*"foo=bar"/);
    assert.equal((await run(syntax, {})).status, 'skipped');
    const slow = await run(syntax, { ...rec('v=spf1 include:_spf.example.net -all'), '_spf.example.net': ['TIMEOUT'] });
    assert.equal(slow.status, 'error');
    assert.match(slow.error!, /_spf\.example\.net: the record could not be fetched/);
  });
});

describe('spf/lookup-limit', () => {
  it('passes 8 lookups with a note giving the total and each branch', async () => {
    const r = await run(lookupLimit, { ...rec(`v=spf1 ${aTerms(6)} include:_spf.example.net -all`), '_spf.example.net': [{ TXT: 'v=spf1 a:h0.example.com ~all' }], ...hosts(6) });
    assert.equal(r.status, 'pass');
    assert.match(r.notes![0]!, /^8 of 10 DNS lookups: include:_spf\.example\.net 2, a:h0\.example\.com 1/);
  });

  it('warns at 9 and at 10, with the tree as evidence', async () => {
    for (const n of [9, 10]) {
      const r = await run(lookupLimit, { ...rec(`v=spf1 ${aTerms(n)} -all`), ...hosts(n) });
      assert.deepEqual([r.status, codes(r)], ['warn', ['spf/lookup-limit.near-limit']]);
      assert.match(r.findings[0]!.message, new RegExp(`needs ${n} of at most 10`));
      assert.match(r.findings[0]!.evidence[0]!, new RegExp(`^example\\.com \\[lookups 0\\.\\.${n}, own ${n}, branch ${n}\\]`));
    }
  });

  it('fails at 11 and names the crossing term', async () => {
    const r = await run(lookupLimit, { ...rec(`v=spf1 ${aTerms(11)} -all`), ...hosts(11) });
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/lookup-limit.too-many']]);
    assert.match(r.findings[0]!.message, /needs 11 DNS lookups.*lookup 11, "a:h10\.example\.com" in example\.com/);
    assert.match(r.findings[0]!.evidence[0]!, /a:h10\.example\.com #11 OVER/);
    assert.equal(r.findings[0]!.evidence[1], 'lookup 11 (over the limit of 10): example.com a:h10.example.com');
  });

  it('counts a duplicated include each time and says so', async () => {
    const zone = { ...rec('v=spf1 include:_spf.example.net include:_spf.example.net -all'), '_spf.example.net': [{ TXT: `v=spf1 ${aTerms(5)} ~all` }], ...hosts(5) };
    const r = await run(lookupLimit, zone);
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/lookup-limit.too-many']]);
    assert.match(r.findings[0]!.remediation!, /include _spf\.example\.net once \(reached 2 times, 6 lookups each\)/);
    assert.ok(r.findings[0]!.evidence.includes('_spf.example.net is reached 2 times and counted each time'));
  });

  it('fails an mx term naming more than 10 hosts, even within the lookup count', async () => {
    const mx = Array.from({ length: 11 }, (_, i) => ({ MX: [i, `mx${i}.example.com`] }));
    const r = await run(lookupLimit, rec('v=spf1 mx -all', mx));
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/lookup-limit.mx-hosts']]);
    assert.match(r.findings[0]!.message, /names 11 MX hosts/);
  });

  it('is skipped without a single record, and error when a branch could not be fetched', async () => {
    assert.equal((await run(lookupLimit, {})).status, 'skipped');
    assert.equal((await run(lookupLimit, { 'example.com': [{ TXT: 'v=spf1 -all' }, { TXT: 'v=spf1 +all' }] })).status, 'skipped');
    const slow = await run(lookupLimit, { ...rec('v=spf1 include:_spf.example.net -all'), '_spf.example.net': ['TIMEOUT'] });
    assert.equal(slow.status, 'error');
    assert.match(slow.error!, /the count of 1 is incomplete/);
  });

  it('notes ptr terms and terms that depend on the sender', async () => {
    const r = await run(lookupLimit, rec('v=spf1 ptr exists:%{i}.rbl.example.net -all'));
    assert.equal(r.status, 'pass');
    assert.ok(r.notes!.some((n) => /at most 10 of the sender's PTR names/.test(n)));
    assert.ok(r.notes!.some((n) => /2 term\(s\) depend on the sender/.test(n)));
  });
});

describe('spf/void-lookups', () => {
  it('passes with none, and with 2 listed', async () => {
    const none = await run(voidLookups, rec('v=spf1 ip4:192.0.2.1 -all'));
    assert.deepEqual([none.status, none.notes], ['pass', ['0 of 2 void lookups.']]);
    const two = await run(voidLookups, rec('v=spf1 exists:a.example.com exists:b.example.com -all'));
    assert.equal(two.status, 'pass');
    assert.match(two.notes![0]!, /^2 of 2 void lookups: example\.com: "exists:a\.example\.com" -> A a\.example\.com: NXDOMAIN/);
  });

  it('fails at the third and names it', async () => {
    const r = await run(voidLookups, { ...rec('v=spf1 a:gone.example.com mx:nomx.example.com exists:nothing.example.com -all'), 'nomx.example.com': both('192.0.2.9') });
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/void-lookups.too-many']]);
    assert.match(r.findings[0]!.message, /3 void lookups for every sender.*"exists:nothing\.example\.com" in example\.com/);
    assert.equal(r.findings[0]!.evidence.at(-1), 'void lookup 3 (over the limit of 2): example.com exists:nothing.example.com');
  });

  it('counts per address family', async () => {
    const r = await run(voidLookups, { ...rec('v=spf1 a:v4.example.com a:v4.example.com a:v4.example.com -all'), 'v4.example.com': [{ A: '192.0.2.1' }] });
    assert.equal(r.status, 'fail');
    assert.match(r.findings[0]!.message, /3 void lookups for IPv6 senders/);
    assert.match(r.findings[0]!.evidence[0]!, /AAAA v4\.example\.com: NODATA \(IPv6 senders only\)/);
  });

  it('is skipped without a record, and error when a query in the tree failed', async () => {
    assert.equal((await run(voidLookups, {})).status, 'skipped');
    const slow = await run(voidLookups, { ...rec('v=spf1 a:error.example.com -all') });
    assert.equal(slow.status, 'error');
    assert.match(slow.error!, /void-lookup count of 0 is incomplete/);
  });
});

describe('spf/include-targets', () => {
  const base = { '_spf.example.net': [{ TXT: 'v=spf1 ip4:192.0.2.0/24 -all' }] };

  it('passes when every target has one record, and is skipped without includes', async () => {
    const r = await run(includeTargets, { ...base, ...rec('v=spf1 include:_spf.example.net redirect=_spf.example.net') });
    assert.equal(r.status, 'pass');
    assert.match(r.notes![0]!, /2 include\/redirect targets with one SPF record each: _spf\.example\.net/);
    assert.equal((await run(includeTargets, rec('v=spf1 -all'))).status, 'skipped');
  });

  it('fails a target that does not exist, has no SPF record, or has two', async () => {
    const gone = await run(includeTargets, rec('v=spf1 include:gone.example.net -all'));
    assert.deepEqual([gone.status, codes(gone)], ['fail', ['spf/include-targets.no-record']]);
    assert.match(gone.findings[0]!.message, /"include:gone\.example\.net" in example\.com points at gone\.example\.net, which does not exist \(NXDOMAIN\)/);
    const text = await run(includeTargets, { ...rec('v=spf1 redirect=t.example.net'), 't.example.net': [{ TXT: 'hello' }] });
    assert.match(text.findings[0]!.message, /has 1 TXT record\(s\) but no SPF record.*RFC 7208 section 6\.1/);
    const two = await run(includeTargets, { ...rec('v=spf1 include:t.example.net -all'), 't.example.net': [{ TXT: 'v=spf1 -all' }, { TXT: 'v=spf1 ~all' }] });
    assert.deepEqual(codes(two), ['spf/include-targets.multiple-records']);
  });

  it('fails a loop and shows the chain', async () => {
    const r = await run(includeTargets, {
      ...rec('v=spf1 include:a.example.net -all'),
      'a.example.net': [{ TXT: 'v=spf1 include:b.example.net -all' }],
      'b.example.net': [{ TXT: 'v=spf1 include:a.example.net -all' }],
    });
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/include-targets.loop']]);
    assert.equal(r.findings[0]!.evidence[0], 'example.com include:a.example.net -> a.example.net include:b.example.net -> b.example.net include:a.example.net -> a.example.net');
  });

  it('fails an include of a malformed name', async () => {
    const r = await run(includeTargets, rec('v=spf1 include:%{d}.x---------------------------------------------------------------------------y.example -all'));
    assert.deepEqual([r.status, codes(r)], ['fail', ['spf/include-targets.invalid-target']]);
  });

  it('is error, not fail, when a target times out or answers SERVFAIL', async () => {
    const r = await run(includeTargets, { ...rec('v=spf1 include:slow.example.net -all'), 'slow.example.net': ['TIMEOUT'] });
    assert.equal(r.status, 'error');
    assert.match(r.error!, /slow\.example\.net: "include:slow\.example\.net" in example\.com: TXT query for slow\.example\.net failed with ETIMEOUT/);
    assert.deepEqual(r.findings, []);
  });

  it('warns when the walk stopped at its safety cap', async () => {
    const zone: ZoneData = {};
    for (let i = 0; i < 4; i++) zone[`l${i}.example.com`] = [{ TXT: `v=spf1 include:l${i + 1}.example.com -all` }];
    const tree = await walkSpf('l0.example.com', zonedataResolver(zone), { maxDepth: 2 });
    const facts: SpfFacts = { domain: 'l0.example.com', tree, recordStrings: {}, spfTypeRecords: null, identity: { sender: '', helo: '' }, evaluator: 'none', ipEvaluations: [] };
    const r = judge(includeTargets, { spf: facts });
    assert.deepEqual([r.status, codes(r)], ['warn', ['spf/include-targets.too-deep']]);
  });

  it('notes targets that depend on the sender', async () => {
    const r = await run(includeTargets, rec('v=spf1 include:%{l}._spf.example.com -all'));
    assert.equal(r.status, 'pass');
    assert.match(r.notes!.at(-1)!, /Not checked, because the target depends on the sender.*"include:%\{l\}\._spf\.example\.com"/);
  });
});

describe('spf/all-qualifier', () => {
  it('passes -all and ~all, and follows redirect to the deciding all', async () => {
    assert.match((await run(allQualifier, rec('v=spf1 mx -all'))).notes![0]!, /Ends in "-all" in example\.com: hosts not listed fail SPF/);
    assert.match((await run(allQualifier, rec('v=spf1 mx ~all'))).notes![0]!, /softfail/);
    const redirected = await run(allQualifier, { ...rec('v=spf1 redirect=_spf.example.net'), '_spf.example.net': [{ TXT: 'v=spf1 -all' }] });
    assert.equal(redirected.status, 'pass');
    assert.match(redirected.notes![0]!, /in _spf\.example\.net \(reached through redirect from example\.com\)/);
  });

  it('fails +all and a bare all', async () => {
    for (const all of ['+all', 'all']) {
      const r = await run(allQualifier, rec(`v=spf1 mx ${all}`));
      assert.deepEqual([r.status, codes(r)], ['fail', ['spf/all-qualifier.pass-all']]);
    }
  });

  it('fails an include of a policy that passes everyone, and terms that match everyone', async () => {
    const open = await run(allQualifier, { ...rec('v=spf1 include:open.example.net -all'), 'open.example.net': [{ TXT: 'v=spf1 +all' }] });
    assert.deepEqual([open.status, codes(open)], ['fail', ['spf/all-qualifier.include-passes-all']]);
    assert.deepEqual(open.findings[0]!.evidence, ['example.com: v=spf1 include:open.example.net -all', 'open.example.net: v=spf1 +all']);
    const wide = await run(allQualifier, rec('v=spf1 ip4:0.0.0.0/0 -all'));
    assert.deepEqual([wide.status, codes(wide)], ['fail', ['spf/all-qualifier.matches-everyone']]);
    assert.match(wide.findings[0]!.message, /matches every IPv4 sender/);
    const exists = await run(allQualifier, { ...rec('v=spf1 exists:always.example.com -all'), 'always.example.com': [{ A: '127.0.0.2' }] });
    assert.deepEqual(codes(exists), ['spf/all-qualifier.matches-everyone']);
    // a sender-dependent exists is the normal use, not a finding
    assert.equal((await run(allQualifier, rec('v=spf1 exists:%{i}.allow.example.com -all'))).status, 'pass');
  });

  it('warns on ?all and on no all without redirect (default neutral)', async () => {
    const neutral = await run(allQualifier, rec('v=spf1 mx ?all'));
    assert.deepEqual([neutral.status, codes(neutral)], ['warn', ['spf/all-qualifier.neutral-all']]);
    const none = await run(allQualifier, rec('v=spf1 mx'));
    assert.deepEqual([none.status, codes(none)], ['warn', ['spf/all-qualifier.no-all']]);
    assert.match(none.findings[0]!.message, /RFC 7208 section 4\.7/);
  });

  it('is skipped without a record or with a broken redirect, and error when the redirect target times out', async () => {
    assert.equal((await run(allQualifier, {})).status, 'skipped');
    const broken = await run(allQualifier, rec('v=spf1 redirect=gone.example.net'));
    assert.equal(broken.status, 'skipped');
    assert.match(broken.skippedReason!, /gone\.example\.net has no usable SPF record/);
    const slow = await run(allQualifier, { ...rec('v=spf1 redirect=slow.example.net'), 'slow.example.net': ['TIMEOUT'] });
    assert.equal(slow.status, 'error');
  });
});

describe('spf/deprecated-ptr', () => {
  it('passes without ptr', async () => {
    const r = await run(deprecatedPtr, rec('v=spf1 mx -all'));
    assert.deepEqual([r.status, r.notes], ['pass', ['No ptr mechanism or %{p} macro in 1 record.']]);
  });

  it('warns on ptr in the record or in an included one, and on %{p}', async () => {
    const own = await run(deprecatedPtr, rec('v=spf1 ptr:example.com -all'));
    assert.deepEqual([own.status, codes(own)], ['warn', ['spf/deprecated-ptr.ptr']]);
    assert.deepEqual(own.findings[0]!.evidence, ['v=spf1 ptr:example.com -all', '       ^']);
    const inc = await run(deprecatedPtr, { ...rec('v=spf1 include:_spf.example.net -all'), '_spf.example.net': [{ TXT: 'v=spf1 -ptr ~all' }] });
    assert.deepEqual(inc.findings.map((f) => f.subject), ['_spf.example.net']);
    const macro = await run(deprecatedPtr, rec('v=spf1 exists:%{p}.allow.example.com -all'));
    assert.deepEqual(codes(macro), ['spf/deprecated-ptr.p-macro']);
    const after = await run(deprecatedPtr, rec('v=spf1 -all ptr'));
    assert.match(after.findings[0]!.message, /"ptr" at position 12 \(never evaluated\)/);
  });

  it('is skipped without a single record, and error when the TXT lookup fails', async () => {
    assert.equal((await run(deprecatedPtr, {})).status, 'skipped');
    assert.equal((await run(deprecatedPtr, { 'example.com': ['TIMEOUT'] })).status, 'error');
  });
});

describe('spf/ip-evaluation', () => {
  const zone = rec('v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ~all');

  it('is skipped without --ip', async () => {
    const r = await run(ipEvaluation, zone);
    assert.deepEqual([r.status, r.skippedReason], ['skipped', 'no sending address given (--ip)']);
  });

  it('is info for pass and warn for softfail, with mailauth\'s evidence', async () => {
    const r = await run(ipEvaluation, zone, 'example.com', ['192.0.2.1', '198.51.100.7']);
    assert.equal(r.status, 'warn');
    assert.deepEqual(r.findings.map((f) => [f.subject, f.code, f.severity]), [
      ['192.0.2.1', 'spf/ip-evaluation.pass', 'info'],
      ['198.51.100.7', 'spf/ip-evaluation.softfail', 'warn'],
    ]);
    assert.match(r.findings[1]!.remediation!, /add "ip4:198\.51\.100\.7"/);
    assert.ok(r.findings[0]!.evidence.some((e) => /^Received-SPF: pass/.test(e)));
    assert.match(r.notes![0]!, /Evaluated by mailauth \d+\.\d+\.\d+ \(strict RFC 7208 mode\) for MAIL FROM postmaster@example\.com and HELO example\.com/);
    assert.equal((await run(ipEvaluation, zone, 'example.com', ['192.0.2.1'])).status, 'info');
  });

  it('warns on neutral and none', async () => {
    const neutral = await run(ipEvaluation, rec('v=spf1 ?all'), 'example.com', ['192.0.2.9']);
    assert.deepEqual(codes(neutral), ['spf/ip-evaluation.neutral']);
    const none = await run(ipEvaluation, {}, 'example.com', ['2001:db8::9']);
    assert.deepEqual([none.status, codes(none)], ['warn', ['spf/ip-evaluation.none']]);
  });

  it('fails on fail (with the domain\'s explanation) and on permerror', async () => {
    const fail = await run(ipEvaluation, { ...rec('v=spf1 ip4:192.0.2.1 exp=why.example.com -all'), 'why.example.com': [{ TXT: 'Not from %{i}' }] }, 'example.com', ['203.0.113.4']);
    assert.deepEqual([fail.status, codes(fail)], ['fail', ['spf/ip-evaluation.fail']]);
    assert.ok(fail.findings[0]!.evidence.includes('explanation published by the domain (exp=): Not from 203.0.113.4'));
    const perm = await run(ipEvaluation, { ...rec(`v=spf1 ${aTerms(11)} -all`), ...hosts(11) }, 'example.com', ['203.0.113.4']);
    assert.deepEqual(codes(perm), ['spf/ip-evaluation.permerror']);
    assert.match(perm.findings[0]!.message, /Too many DNS requests/);
  });

  it('is error on temperror', async () => {
    const r = await run(ipEvaluation, { 'example.com': ['TIMEOUT'] }, 'example.com', ['192.0.2.1']);
    assert.equal(r.status, 'error');
    assert.match(r.error!, /^192\.0\.2\.1: SPF evaluation gave temperror/);
  });

  it('reports a fault of the evaluator as temperror, never as a verdict', () => {
    const e: CheckHostResult = { ip: '192.0.2.1', sender: 'a@example.com', helo: 'example.com', result: 'temperror', comment: null, explanation: null, lookups: null, record: null, header: null, error: 'boom' };
    const facts = { domain: 'example.com', identity: { sender: 'a@example.com', helo: 'example.com' }, evaluator: 'test', ipEvaluations: [e] } as unknown as SpfFacts;
    const r = judge(ipEvaluation, { spf: facts });
    assert.equal(r.status, 'error');
    assert.match(r.error!, /boom/);
  });
});
