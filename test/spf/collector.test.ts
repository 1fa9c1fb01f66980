// The spf collector and the spf/* checks end to end, over the fixture DNS server on loopback
// (fixtures/zones/spf-*.zone): real DNS packets through our resolver, the walker, mailauth for
// --ip, then the checks, as `smtp-audit <domain> --only spf` runs them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spfCollector } from '../../src/collect/spf.ts';
import { audit } from '../../src/core/audit.ts';
import { DEFAULT_OPTIONS } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import { exitCodeFor } from '../../src/core/exit-code.ts';
import type { CheckResult, Report } from '../../src/core/report-types.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { assertValidReport } from '../support/schema.ts';
import { SPF_DEEP_TREE } from '../support/spf-deep-tree.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

async function spfAudit(domain: string, ips: string[] = []): Promise<Report> {
  const env = createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1 });
  const report = await audit(domain, { env, only: ['spf'], options: { smtp: false, ips } });
  assertValidReport(report);
  return report;
}

function check(report: Report, id: string): CheckResult {
  return report.checks.find((c) => c.id === id)!;
}

function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.checks.filter((c) => c.area === 'spf').map((c) => [c.id.slice(4), c.status]));
}

describe('the spf collector over the fixture DNS', () => {
  it('gathers the tree, the published strings and the --ip results as plain JSON', async () => {
    const env = createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1 });
    const facts = await spfCollector.collect({
      target: { kind: 'domain', input: 'split.spf-policy.example', domain: 'split.spf-policy.example' }, env,
      options: { ...DEFAULT_OPTIONS, ips: ['192.0.2.1', '198.51.100.1'] }, need: () => Promise.reject(new Error('unused')),
    });
    assert.deepEqual(JSON.parse(JSON.stringify(facts)), facts);
    assert.equal(facts.tree.root.record, 'v=spf1 ip4:192.0.2.1 include:_base.spf-policy.example -all');
    assert.deepEqual(facts.recordStrings['split.spf-policy.example'], [['v=spf1 ip4:192.0.2.1 ', 'include:_base.spf-policy.example -all']]);
    assert.deepEqual(facts.identity, { sender: 'postmaster@split.spf-policy.example', helo: 'split.spf-policy.example' });
    assert.deepEqual(facts.ipEvaluations.map((e) => [e.ip, e.result, e.lookups?.count]), [['192.0.2.1', 'pass', 0], ['198.51.100.1', 'fail', 1]]);
    assert.match(facts.evaluator, /^mailauth \d/);
  });
});

describe('spf checks over the fixture DNS (RFC 7208 4.6.4 limits)', () => {
  it('10 lookups warn, 11 fail at the 11th term', async () => {
    const ten = await spfAudit('ten.spf-lookups.example');
    assert.equal(check(ten, 'spf/lookup-limit').status, 'warn');
    const eleven = await spfAudit('eleven.spf-lookups.example');
    const limit = check(eleven, 'spf/lookup-limit');
    assert.equal(limit.status, 'fail');
    assert.match(limit.findings[0]!.message, /needs 11 DNS lookups.*"a:h11\.spf-lookups\.example"/);
    assert.equal(exitCodeFor([eleven], 'fail'), 1);
  });

  it('a duplicated include is counted twice and reported, not taken for a loop', async () => {
    const r = await spfAudit('dup.spf-lookups.example');
    assert.equal(check(r, 'spf/lookup-limit').status, 'pass');
    assert.deepEqual(check(r, 'spf/lookup-limit').notes!.slice(0, 2), [
      '6 of 10 DNS lookups: include:_inc.spf-lookups.example 3, include:_inc.spf-lookups.example 3.',
      '_inc.spf-lookups.example is reached 2 times and counted each time (3 lookups each).',
    ]);
    assert.equal(check(r, 'spf/include-targets').status, 'pass');
  });

  it('an mx term with 11 hosts fails', async () => {
    const r = await spfAudit('mxmany.spf-lookups.example');
    assert.deepEqual(check(r, 'spf/lookup-limit').findings.map((f) => f.code), ['spf/lookup-limit.mx-hosts']);
  });

  it('3 void lookups fail, 2 pass', async () => {
    const three = await spfAudit('voids3.spf-targets.example');
    assert.equal(check(three, 'spf/void-lookups').status, 'fail');
    assert.match(check(three, 'spf/void-lookups').findings[0]!.message, /"exists:gone3\.spf-targets\.example"/);
    const two = await spfAudit('voids2.spf-targets.example');
    assert.equal(check(two, 'spf/void-lookups').status, 'pass');
  });

  it('14 lookups through three levels of includes: the tree with per-branch counts in the evidence', async () => {
    const r = await spfAudit('spf-deep.example');
    const limit = check(r, 'spf/lookup-limit');
    assert.equal(limit.status, 'fail');
    assert.deepEqual(limit.findings[0]!.evidence[0]!.split('\n'), SPF_DEEP_TREE);
    assert.equal(limit.findings[0]!.evidence[1], 'lookup 11 (over the limit of 10): spf-deep.example include:_spf2.spf-deep.example -> _spf2.spf-deep.example include:_b.spf-deep.example -> _b.spf-deep.example mx:z.spf-deep.example');
    assert.match(limit.findings[0]!.remediation!, /include:_spf2\.spf-deep\.example: 7, include:_spf1\.spf-deep\.example: 6/);
  });
});

describe('spf checks over the fixture DNS (records and targets)', () => {
  it('+all fails, ?all and no all warn, -all and ~all pass', async () => {
    const qualifier = async (d: string) => check(await spfAudit(`${d}.spf-policy.example`), 'spf/all-qualifier');
    assert.deepEqual((await qualifier('plus')).findings.map((f) => f.code), ['spf/all-qualifier.pass-all']);
    assert.deepEqual((await qualifier('openinc')).findings.map((f) => f.code), ['spf/all-qualifier.include-passes-all']);
    assert.deepEqual((await qualifier('neutral')).findings.map((f) => f.code), ['spf/all-qualifier.neutral-all']);
    assert.deepEqual((await qualifier('noall')).findings.map((f) => f.code), ['spf/all-qualifier.no-all']);
    assert.equal((await qualifier('strict')).status, 'pass');
    assert.equal((await qualifier('soft')).status, 'pass');
    assert.match((await qualifier('redirected')).notes![0]!, /reached through redirect/);
  });

  it('ptr warns', async () => {
    const r = await spfAudit('ptr.spf-policy.example');
    assert.deepEqual(check(r, 'spf/deprecated-ptr').findings.map((f) => f.code), ['spf/deprecated-ptr.ptr']);
  });

  it('two records fail single-record, and the policy checks are skipped', async () => {
    const r = await spfAudit('two.spf-policy.example');
    assert.deepEqual(statuses(r), {
      present: 'pass', 'single-record': 'fail', syntax: 'pass', 'lookup-limit': 'skipped', 'void-lookups': 'skipped',
      'include-targets': 'skipped', 'all-qualifier': 'skipped', 'deprecated-ptr': 'skipped', 'ip-evaluation': 'skipped',
    });
  });

  it('a record split over several TXT strings is joined without a separator', async () => {
    const split = await spfAudit('split.spf-policy.example');
    assert.equal(check(split, 'spf/syntax').status, 'pass');
    assert.match(check(split, 'spf/present').notes![1]!, /2 character-strings.*"v=spf1 ip4:192\.0\.2\.1 " "include:_base\.spf-policy\.example -all"/);
    const glued = await spfAudit('glued.spf-policy.example');
    assert.equal(check(glued, 'spf/syntax').status, 'fail');
    assert.match(check(glued, 'spf/syntax').findings[0]!.evidence.join('\n'), /"amx" spans the end of string 1/);
  });

  it('a record over 512 octets warns', async () => {
    const r = await spfAudit('big.spf-policy.example');
    const single = check(r, 'spf/single-record');
    assert.deepEqual([single.status, single.findings.map((f) => f.code)], ['warn', ['spf/single-record.udp-size']]);
    assert.equal(r.facts && (r.facts as { spf: { value: { tree: { totals: { recordBytes: number } } } } }).spf.value.tree.totals.recordBytes, 631);
  });

  it('an include loop fails include-targets', async () => {
    const r = await spfAudit('loop.spf-targets.example');
    assert.deepEqual(check(r, 'spf/include-targets').findings.map((f) => f.code), ['spf/include-targets.loop']);
  });

  it('an include target without a record fails, whether missing or only other TXT', async () => {
    for (const d of ['missing', 'txtonly']) {
      const r = await spfAudit(`${d}.spf-targets.example`);
      assert.deepEqual(check(r, 'spf/include-targets').findings.map((f) => f.code), ['spf/include-targets.no-record'], d);
    }
    assert.deepEqual(check(await spfAudit('twoinc.spf-targets.example'), 'spf/include-targets').findings.map((f) => f.code), ['spf/include-targets.multiple-records']);
  });

  it('a DNS timeout or SERVFAIL on an include is error, not fail; exit code 3', async () => {
    const slow = await spfAudit('slow.spf-targets.example');
    const targets = check(slow, 'spf/include-targets');
    assert.equal(targets.status, 'error');
    assert.match(targets.error!, /_slow\.spf-targets\.example: .*ETIMEOUT/);
    assert.equal(exitCodeFor([slow], 'fail'), 3);
    const servfail = check(await spfAudit('sfinc.spf-targets.example'), 'spf/include-targets');
    assert.equal(servfail.status, 'error');
    assert.match(servfail.error!, /ESERVFAIL/);
  });

  it('a timeout on the domain\'s own TXT is error for every check', async () => {
    const r = await spfAudit('roottimeout.spf-targets.example', ['192.0.2.1']);
    for (const [id, status] of Object.entries(statuses(r))) assert.equal(status, 'error', id);
  });

  it('no record fails present, and the near miss is shown', async () => {
    assert.equal(check(await spfAudit('nospf.spf-policy.example'), 'spf/present').status, 'fail');
    const near = check(await spfAudit('nearmiss.spf-policy.example'), 'spf/present');
    assert.match(near.findings[0]!.message, /looks like an SPF record/);
    const legacy = check(await spfAudit('legacy.spf-policy.example'), 'spf/present');
    assert.deepEqual(legacy.findings.map((f) => f.code), ['spf/present.spf-type-only']);
    assert.deepEqual(legacy.findings[0]!.evidence, ['SPF "v=spf1 ip4:192.0.2.1 -all"', 'TXT legacy.spf-policy.example: NODATA']);
  });

  it('--ip evaluates each address: pass is info, an unlisted address fails under -all', async () => {
    const r = await spfAudit('strict.spf-policy.example', ['192.0.2.1', '203.0.113.5']);
    const ip = check(r, 'spf/ip-evaluation');
    assert.equal(ip.status, 'fail');
    assert.deepEqual(ip.findings.map((f) => [f.subject, f.code]), [['192.0.2.1', 'spf/ip-evaluation.pass'], ['203.0.113.5', 'spf/ip-evaluation.fail']]);
    const soft = check(await spfAudit('soft.spf-policy.example', ['203.0.113.5']), 'spf/ip-evaluation');
    assert.deepEqual([soft.status, soft.findings[0]!.code], ['warn', 'spf/ip-evaluation.softfail']);
    const deep = check(await spfAudit('spf-deep.example', ['192.0.2.200']), 'spf/ip-evaluation');
    assert.deepEqual([deep.status, deep.findings[0]!.code], ['fail', 'spf/ip-evaluation.permerror']);
    const slow = check(await spfAudit('slow.spf-targets.example', ['192.0.2.1', '203.0.113.5']), 'spf/ip-evaluation');
    assert.equal(slow.status, 'error');
    assert.match(slow.error!, /203\.0\.113\.5: SPF evaluation gave temperror/);
  });
});
