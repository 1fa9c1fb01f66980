import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpfNode, SpfTree } from '../../src/spf/spf-types.ts';
import { walkSpf } from '../../src/spf/walk-spf.ts';
import { zonedataResolver } from '../support/zonedata-resolver.ts';
import type { ZoneData, ZoneEntry } from '../support/zonedata-resolver.ts';

/** A host with both address families, so `a` and mx host terms make no void lookups. */
const host = (v4: string): ZoneEntry[] => [{ A: v4 }, { AAAA: '2001:db8::1' }];

async function walk(zone: ZoneData, domain = 'example.com', options = {}): Promise<SpfTree> {
  return walkSpf(domain, zonedataResolver(zone), options);
}

function aTerms(count: number): string {
  return Array.from({ length: count }, (_, i) => `a:h${i}.example.com`).join(' ');
}

function hosts(count: number): ZoneData {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`h${i}.example.com`, host(`192.0.2.${i + 1}`)]));
}

/** An indented rendering of the tree with the counts, as a report would print it. */
function render(node: SpfNode, indent = ''): string[] {
  const lines = [`${indent}${node.domain} [lookups ${node.lookupsAtStart}..${node.lookupsAtEnd}, own ${node.lookups}]${node.errors.map((e) => ` !${e.kind}`).join('')}`];
  for (const term of node.terms) {
    const count = term.lookupNumber === null ? '' : ` #${term.lookupNumber}${term.lookupNumber > 10 ? ' OVER' : ''}`;
    lines.push(`${indent}  ${term.raw}${count}${term.reached ? '' : ' (not reached)'}`);
    if (term.child !== null) lines.push(...render(node.children[term.child], `${indent}    `));
  }
  return lines;
}

describe('walkSpf lookup counting (RFC 7208 4.6.4)', () => {
  it('accepts 10 lookups and reports the 11th as the crossing term', async () => {
    const ten = await walk({ 'example.com': [{ TXT: `v=spf1 ${aTerms(10)} -all` }], ...hosts(11) });
    assert.equal(ten.totals.lookups, 10);
    assert.equal(ten.totals.lookupLimitCrossing, null);
    assert.deepEqual(ten.totals.resultWhenNothingMatches, { ipv4: 'fail', ipv6: 'fail' });
    assert.deepEqual(ten.totals.problems, []);

    const eleven = await walk({ 'example.com': [{ TXT: `v=spf1 ${aTerms(11)} -all` }], ...hosts(11) });
    assert.equal(eleven.totals.lookups, 11);
    assert.deepEqual(eleven.root.terms.map((t) => t.lookupNumber), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, null]);
    assert.deepEqual(eleven.totals.lookupLimitCrossing, {
      count: 11, limit: 10, domain: 'example.com', termIndex: 10, term: 'a:h10.example.com', position: 177,
      path: [{ domain: 'example.com', termIndex: 10, term: 'a:h10.example.com' }],
    });
    assert.equal(eleven.root.record!.slice(177, 177 + 'a:h10.example.com'.length), 'a:h10.example.com');
    assert.deepEqual(eleven.totals.resultWhenNothingMatches, { ipv4: 'permerror', ipv6: 'permerror' });
    assert.deepEqual(eleven.totals.problems.map((p) => [p.severity, p.kind, p.term]), [['permerror', 'lookup-limit', 'a:h10.example.com']]);
  });

  it('counts a duplicated include twice, and it is not a loop', async () => {
    const tree = await walk({
      'example.com': [{ TXT: 'v=spf1 include:_spf.example.net include:_spf.example.net -all' }],
      '_spf.example.net': [{ TXT: 'v=spf1 a mx ~all' }, ...host('192.0.2.1'), { MX: [10, 'mx.example.net'] }],
    });
    assert.equal(tree.totals.lookups, 6);
    assert.deepEqual(tree.root.children.map((c) => [c.domain, c.lookupsAtStart, c.lookupsAtEnd, c.lookups, c.errors.length]), [
      ['_spf.example.net', 1, 3, 2, 0],
      ['_spf.example.net', 4, 6, 2, 0],
    ]);
    assert.deepEqual(tree.root.terms.map((t) => t.lookupNumber), [1, 4, null]);
  });

  it('does not count all, ip4, ip6 and exp', async () => {
    const tree = await walk({ 'example.com': [{ TXT: 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 exp=explain.example.com -all' }] });
    assert.equal(tree.totals.lookups, 0);
    assert.equal(tree.root.parsed!.lookupTerms, 0);
  });

  it('counts one lookup for mx and flags an MX answer with more than 10 hosts', async () => {
    const mx = (count: number): ZoneEntry[] => Array.from({ length: count }, (_, i) => ({ MX: [i, `mx${i}.example.com`] }));
    const ten = await walk({ 'example.com': [{ TXT: 'v=spf1 mx -all' }, ...mx(10)] });
    assert.equal(ten.totals.lookups, 1);
    assert.equal(ten.totals.maxMxHosts, 10);
    assert.deepEqual(ten.totals.resultWhenNothingMatches, { ipv4: 'fail', ipv6: 'fail' });

    const eleven = await walk({ 'example.com': [{ TXT: 'v=spf1 mx -all' }, ...mx(11)] });
    assert.equal(eleven.totals.lookups, 1);
    assert.equal(eleven.totals.maxMxHosts, 11);
    assert.equal(eleven.root.terms[0].mxHosts, 11);
    assert.equal(eleven.root.terms[0].mxHostNames[10], 'mx10.example.com');
    assert.deepEqual(eleven.totals.problems.map((p) => [p.kind, p.term]), [['mx-hosts', 'mx']]);
    assert.deepEqual(eleven.totals.resultWhenNothingMatches, { ipv4: 'permerror', ipv6: 'permerror' });
  });

  it('does not count a null MX as a host', async () => {
    const tree = await walk({ 'example.com': [{ TXT: 'v=spf1 mx -all' }, { MX: [0, '.'] }] });
    assert.equal(tree.root.terms[0].mxHosts, 0);
    assert.deepEqual(tree.root.voidLookups, []);
  });

  it('counts void lookups per term and reports the third as over the limit', async () => {
    const tree = await walk({
      'example.com': [{ TXT: 'v=spf1 a:gone.example.com mx:nomx.example.com exists:nothing.example.com -all' }],
      'nomx.example.com': host('192.0.2.9'),
    });
    assert.deepEqual(tree.totals.voidLookups, { ipv4: 3, ipv6: 3 });
    assert.deepEqual(tree.root.voidLookups.map((v) => [v.term, v.type, v.outcome, v.families.join('+')]), [
      ['a:gone.example.com', 'A', 'nxdomain', 'ipv4'],
      ['a:gone.example.com', 'AAAA', 'nxdomain', 'ipv6'],
      ['mx:nomx.example.com', 'MX', 'nodata', 'ipv4+ipv6'],
      ['exists:nothing.example.com', 'A', 'nxdomain', 'ipv4+ipv6'],
    ]);
    assert.equal(tree.totals.voidLimitCrossing.ipv4!.term, 'exists:nothing.example.com');
    assert.equal(tree.totals.voidLimitCrossing.ipv4!.count, 3);
    assert.deepEqual(tree.totals.resultWhenNothingMatches, { ipv4: 'permerror', ipv6: 'permerror' });
    assert.deepEqual(tree.totals.problems.map((p) => [p.kind, p.families.join('+')]), [['void-limit', 'ipv4'], ['void-limit', 'ipv6']]);

    const two = await walk({ 'example.com': [{ TXT: 'v=spf1 a:gone.example.com exists:nothing.example.com -all' }] });
    assert.deepEqual(two.totals.voidLookups, { ipv4: 2, ipv6: 2 });
    assert.deepEqual(two.totals.resultWhenNothingMatches, { ipv4: 'fail', ipv6: 'fail' });
  });

  it('counts a void address lookup only for the family that makes it', async () => {
    const tree = await walk({
      'example.com': [{ TXT: 'v=spf1 a:v4only.example.com a:v4only.example.com a:v4only.example.com -all' }],
      'v4only.example.com': [{ A: '192.0.2.1' }],
    });
    assert.deepEqual(tree.totals.voidLookups, { ipv4: 0, ipv6: 3 });
    assert.deepEqual(tree.totals.resultWhenNothingMatches, { ipv4: 'fail', ipv6: 'permerror' });
  });

  it('counts an include target without TXT as a void lookup of the include term', async () => {
    const tree = await walk({ 'example.com': [{ TXT: 'v=spf1 include:missing.example.net -all' }] });
    assert.deepEqual(tree.root.voidLookups.map((v) => [v.term, v.name, v.type, v.outcome]), [['include:missing.example.net', 'missing.example.net', 'TXT', 'nxdomain']]);
    assert.deepEqual(tree.root.children[0].errors.map((e) => e.kind), ['no-record']);
    assert.deepEqual(tree.totals.resultWhenNothingMatches, { ipv4: 'permerror', ipv6: 'permerror' });
  });

  it('records an include target that times out as a DNS error, not a void lookup', async () => {
    const tree = await walk({ 'example.com': [{ TXT: 'v=spf1 include:slow.example.net -all' }], 'slow.example.net': ['TIMEOUT'] });
    assert.deepEqual(tree.totals.voidLookups, { ipv4: 0, ipv6: 0 });
    assert.deepEqual(tree.root.children[0].errors.map((e) => e.kind), ['dns-error']);
    assert.match(tree.root.children[0].errors[0].message, /ETIMEOUT/);
    assert.deepEqual(tree.totals.resultWhenNothingMatches, { ipv4: 'temperror', ipv6: 'temperror' });
    assert.deepEqual(tree.totals.problems.map((p) => [p.severity, p.domain]), [['temperror', 'slow.example.net']]);
  });

  it('stops an include loop at the repeated domain and keeps the count finite', async () => {
    const tree = await walk({
      'example.com': [{ TXT: 'v=spf1 include:a.example.net -all' }],
      'a.example.net': [{ TXT: 'v=spf1 include:b.example.net -all' }],
      'b.example.net': [{ TXT: 'v=spf1 include:a.example.net -all' }],
    });
    assert.equal(tree.totals.lookups, 3);
    const loop = tree.root.children[0].children[0].children[0];
    assert.equal(loop.domain, 'a.example.net');
    assert.deepEqual(loop.errors.map((e) => e.kind), ['loop']);
    assert.equal(loop.txtQuery, null);
    assert.deepEqual(tree.totals.resultWhenNothingMatches, { ipv4: 'permerror', ipv6: 'permerror' });
    assert.deepEqual(tree.totals.problems.map((p) => p.kind), ['loop']);
    assert.deepEqual(tree.totals.problems[0].path.map((s) => s.domain), ['example.com', 'a.example.net', 'b.example.net', 'a.example.net']);
  });

  it('detects a redirect to itself and a loop through a CNAME', async () => {
    const self = await walk({ 'example.com': [{ TXT: 'v=spf1 redirect=example.com' }] });
    assert.deepEqual(self.root.children[0].errors.map((e) => e.kind), ['loop']);
    const alias = await walk({
      'example.com': [{ TXT: 'v=spf1 include:alias.example.net -all' }],
      'alias.example.net': [{ CNAME: 'example.com' }],
    });
    assert.deepEqual(alias.root.children[0].errors.map((e) => e.kind), ['loop']);
    assert.deepEqual(alias.totals.resultWhenNothingMatches.ipv4, 'permerror');
    // the name a CNAME points to is on the branch too, so including it again is a loop at once
    const viaTarget = await walk({
      'example.com': [{ TXT: 'v=spf1 include:alias.example.net -all' }],
      'alias.example.net': [{ CNAME: 'real.example.net' }],
      'real.example.net': [{ TXT: 'v=spf1 include:real.example.net -all' }],
    });
    const repeated = viaTarget.root.children[0].children[0];
    assert.deepEqual([repeated.domain, repeated.errors.map((e) => e.kind), repeated.txtQuery], ['real.example.net', ['loop'], null]);
    assert.equal(viaTarget.totals.lookups, 2);
  });

  it('stops at the safety cap and says so', async () => {
    const zone: ZoneData = {};
    for (let i = 0; i < 6; i++) zone[`l${i}.example.com`] = [{ TXT: `v=spf1 include:l${i + 1}.example.com -all` }];
    const tree = await walk(zone, 'l0.example.com', { maxDepth: 3 });
    assert.equal(tree.totals.truncated, true);
    assert.equal(tree.totals.maxDepth, 3);
    const capped = tree.root.children[0].children[0].children[0].children[0];
    assert.equal(capped.domain, 'l4.example.com');
    assert.deepEqual(capped.errors.map((e) => e.kind), ['safety-cap']);
  });

  it('counts a ptr term without querying and says why', async () => {
    const tree = await walk({ 'example.com': [{ TXT: 'v=spf1 ptr -all' }] });
    assert.equal(tree.totals.lookups, 1);
    assert.deepEqual(tree.root.terms[0].queries, []);
    assert.match(tree.root.terms[0].notExpandable!, /PTR records of the sender's IP/);
    assert.deepEqual(tree.totals.problems.map((p) => [p.severity, p.kind]), [['warning', 'ptr']]);
    assert.equal(tree.root.parsed!.notes[0].message.includes('SHOULD NOT'), true);
  });

  it('counts a term whose macros need the sender, without expanding it', async () => {
    const tree = await walk({ 'example.com': [{ TXT: 'v=spf1 exists:%{i}._spf.example.com include:%{l}.users.example.com -all' }] });
    assert.equal(tree.totals.lookups, 2);
    assert.equal(tree.totals.notExpandableTerms, 2);
    assert.deepEqual(tree.root.terms.slice(0, 2).map((t) => [t.targetStatus, t.queries.length, t.child]), [['not-expandable', 0, null], ['not-expandable', 0, null]]);
    assert.match(tree.root.terms[0].notExpandable!, /not expandable at audit time: uses %\{i\} \(the client IP address\)/i);
  });

  it('expands %{d} and %{o}, which are known at audit time', async () => {
    const tree = await walk({
      'example.com': [{ TXT: 'v=spf1 include:_spf.%{d} -all' }],
      '_spf.example.com': [{ TXT: 'v=spf1 exists:%{o}.allowed.example.net ~all' }],
      'example.com.allowed.example.net': [{ A: '127.0.0.2' }],
    });
    assert.deepEqual(tree.root.terms[0].target, '_spf.example.com');
    assert.equal(tree.root.terms[0].targetStatus, 'macro-expanded');
    const child = tree.root.children[0];
    assert.equal(child.terms[0].target, 'example.com.allowed.example.net');
    assert.equal(child.terms[0].queries[0].outcome, 'ok');
    // exists matches every sender here, but it is not "all": the walk treats it as a normal term
    assert.equal(tree.totals.lookups, 2);
  });

  it('reports two SPF records as an error of that node', async () => {
    const tree = await walk({ 'example.com': [{ TXT: 'v=spf1 -all' }, { TXT: 'v=spf1 +all' }, { TXT: 'google-site-verification=x' }] });
    assert.deepEqual(tree.root.errors.map((e) => e.kind), ['multiple-records']);
    assert.equal(tree.root.record, null);
    assert.deepEqual(tree.root.spfRecords, ['v=spf1 -all', 'v=spf1 +all']);
    assert.equal(tree.root.txtRecords.length, 3);
    assert.deepEqual(tree.totals.resultWhenNothingMatches, { ipv4: 'permerror', ipv6: 'permerror' });
  });

  it('joins the strings of one TXT record without a separator (RFC 7208 3.3)', async () => {
    const good = await walk({
      'example.com': [{ TXT: ['v=spf1 ip4:192.0.2.1 ', 'include:_spf.example.net -all'] }],
      '_spf.example.net': [{ TXT: 'v=spf1 -all' }],
    });
    assert.equal(good.root.record, 'v=spf1 ip4:192.0.2.1 include:_spf.example.net -all');
    assert.equal(good.totals.lookups, 1);

    const glued = await walk({ 'example.com': [{ TXT: ['v=spf1 a', 'mx -all'] }] });
    assert.equal(glued.root.record, 'v=spf1 amx -all');
    assert.deepEqual(glued.root.errors.map((e) => [e.kind, e.term, e.position]), [['syntax', 'amx', 7]]);
  });

  it('flags a TXT answer over 512 octets and sizes a small one exactly', async () => {
    const small = await walk({ 'example.com': [{ TXT: 'v=spf1 -all' }] });
    // header 12 + question (13 + 4) + answer (2 + 10 + rdata 1 + 11)
    assert.deepEqual(small.root.size, { recordBytes: 11, txtRdataBytes: 12, estimatedResponseBytes: 53, overUdpLimit: false });
    assert.equal(small.totals.recordBytes, 11);

    const terms = Array.from({ length: 30 }, (_, i) => `ip4:198.51.100.${i}`).join(' ');
    const record = `v=spf1 ${terms} -all`;
    const strings = record.match(/.{1,255}/g)!;
    const big = await walk({ 'example.com': [{ TXT: strings }] });
    assert.equal(big.root.record, record);
    assert.ok(record.length > 512);
    assert.equal(big.root.size!.overUdpLimit, true);
    assert.deepEqual(big.totals.udpTruncationRisk.map((r) => r.domain), ['example.com']);
    assert.deepEqual(big.totals.problems.map((p) => [p.severity, p.kind]), [['warning', 'udp-size']]);
  });

  it('ignores redirect when the record has all, and follows it otherwise', async () => {
    const zone: ZoneData = { '_spf.example.net': [{ TXT: 'v=spf1 a:h0.example.com -all' }], ...hosts(1) };
    const ignored = await walk({ ...zone, 'example.com': [{ TXT: 'v=spf1 redirect=_spf.example.net ~all' }] });
    assert.equal(ignored.totals.lookups, 0);
    assert.deepEqual(ignored.root.children, []);
    assert.equal(ignored.root.terms[0].reached, false);
    assert.match(ignored.root.terms[0].notReachedReason!, /6\.1/);
    assert.equal(ignored.totals.unreachedLookupTerms, 1);
    assert.deepEqual(ignored.totals.resultWhenNothingMatches, { ipv4: 'softfail', ipv6: 'softfail' });

    const followed = await walk({ ...zone, 'example.com': [{ TXT: 'v=spf1 redirect=_spf.example.net' }] });
    assert.equal(followed.totals.lookups, 2);
    assert.equal(followed.root.children[0].via, 'redirect');
    assert.deepEqual(followed.totals.resultWhenNothingMatches, { ipv4: 'fail', ipv6: 'fail' });
  });

  it('evaluates redirect after every mechanism, wherever it is written', async () => {
    const tree = await walk({
      'example.com': [{ TXT: 'v=spf1 redirect=_spf.example.net a:h0.example.com' }],
      '_spf.example.net': [{ TXT: 'v=spf1 a:h0.example.com -all' }],
      ...hosts(1),
    });
    assert.deepEqual(tree.root.terms.map((t) => t.lookupNumber), [2, 1]);
  });

  it('does not evaluate terms after all, nor after an include that passes everyone', async () => {
    const afterAll = await walk({ 'example.com': [{ TXT: 'v=spf1 -all include:_spf.example.net' }] });
    assert.equal(afterAll.totals.lookups, 0);
    assert.equal(afterAll.totals.unreachedLookupTerms, 1);
    assert.deepEqual(afterAll.root.children, []);

    const open = await walk({
      'example.com': [{ TXT: 'v=spf1 include:open.example.net mx -all' }],
      'open.example.net': [{ TXT: 'v=spf1 +all' }],
      ...hosts(1),
    });
    assert.equal(open.totals.lookups, 1);
    assert.equal(open.root.terms[1].reached, false);
    assert.deepEqual(open.totals.resultWhenNothingMatches, { ipv4: 'pass', ipv6: 'pass' });
  });

  it('gives none for a domain without a record, or with a malformed name, without counting a void lookup', async () => {
    const missing = await walk({}, 'nowhere.example');
    assert.deepEqual(missing.root.errors.map((e) => e.kind), ['no-record']);
    assert.deepEqual(missing.totals.voidLookups, { ipv4: 0, ipv6: 0 });
    assert.deepEqual(missing.totals.resultWhenNothingMatches, { ipv4: 'none', ipv6: 'none' });
    assert.deepEqual(missing.totals.problems.map((p) => p.severity), ['none']);

    const single = await walk({}, 'localhost');
    assert.deepEqual(single.root.errors.map((e) => e.kind), ['invalid-domain']);
    assert.equal(single.root.txtQuery, null);
  });

  it('walks a 14-lookup domain through three levels and shows where the count crosses 10', async () => {
    const zone: ZoneData = {
      'example.com': [{ TXT: 'v=spf1 include:_spf1.example.com include:_spf2.example.com mx -all' }, { MX: [10, 'mx.example.com'] }],
      '_spf1.example.com': [{ TXT: 'v=spf1 include:_a.example.com a:mail.example.com ~all' }],
      '_a.example.com': [{ TXT: 'v=spf1 a:one.example.com a:two.example.com exists:three.example.com -all' }],
      '_spf2.example.com': [{ TXT: 'v=spf1 include:_b.example.com mx:example.com ?all' }],
      '_b.example.com': [{ TXT: 'v=spf1 a:x.example.com a:y.example.com mx:z.example.com a:w.example.com -all' }],
      'z.example.com': [{ MX: [10, 'mx.example.com'] }],
    };
    for (const name of ['mx', 'mail', 'one', 'two', 'three', 'x', 'y', 'w']) zone[`${name}.example.com`] = host('192.0.2.10');
    const tree = await walk(zone);

    assert.equal(tree.totals.lookups, 14);
    assert.deepEqual(render(tree.root), [
      'example.com [lookups 0..14, own 3]',
      '  include:_spf1.example.com #1',
      '    _spf1.example.com [lookups 1..6, own 2]',
      '      include:_a.example.com #2',
      '        _a.example.com [lookups 2..5, own 3]',
      '          a:one.example.com #3',
      '          a:two.example.com #4',
      '          exists:three.example.com #5',
      '          -all',
      '      a:mail.example.com #6',
      '      ~all',
      '  include:_spf2.example.com #7',
      '    _spf2.example.com [lookups 7..13, own 2]',
      '      include:_b.example.com #8',
      '        _b.example.com [lookups 8..12, own 4]',
      '          a:x.example.com #9',
      '          a:y.example.com #10',
      '          mx:z.example.com #11 OVER',
      '          a:w.example.com #12 OVER',
      '          -all',
      '      mx:example.com #13 OVER',
      '      ?all',
      '  mx #14 OVER',
      '  -all',
    ]);
    assert.deepEqual(tree.totals.lookupLimitCrossing!.path, [
      { domain: 'example.com', termIndex: 1, term: 'include:_spf2.example.com' },
      { domain: '_spf2.example.com', termIndex: 0, term: 'include:_b.example.com' },
      { domain: '_b.example.com', termIndex: 2, term: 'mx:z.example.com' },
    ]);
    assert.equal(tree.totals.lookupLimitCrossing!.count, 11);
    assert.equal(tree.totals.nodes, 5);
    assert.equal(tree.totals.maxDepth, 2);
    assert.deepEqual(tree.totals.resultWhenNothingMatches, { ipv4: 'permerror', ipv6: 'permerror' });
    // The tree is plain data.
    assert.deepEqual(JSON.parse(JSON.stringify(tree)), tree);
  });
});

describe('walkSpf prefetch', () => {
  /** A caching resolver (as the run's StubResolver is) that answers 10 ms late and records the questions in flight. */
  function slowCachingResolver(zone: ZoneData) {
    const inner = zonedataResolver(zone);
    const cache = new Map<string, Promise<Awaited<ReturnType<typeof inner.query>>>>();
    const asked: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const query: typeof inner.query = (name, type) => {
      const key = `${type} ${name.toLowerCase()}`;
      let answer = cache.get(key);
      if (!answer) {
        asked.push(key);
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        answer = new Promise((resolve) => setTimeout(resolve, 10)).then(() => inner.query(name, type)).finally(() => { inFlight--; });
        cache.set(key, answer);
      }
      return answer;
    };
    return { resolver: { ...inner, query }, asked, mostInFlight: () => mostInFlight };
  }
  const zone: ZoneData = {
    'example.com': [{ TXT: 'v=spf1 include:one.example include:two.example include:three.example mx -all include:never.example' }],
    'one.example': [{ TXT: 'v=spf1 ip4:192.0.2.1 -all' }],
    'two.example': [{ TXT: 'v=spf1 a:h0.example.com -all' }],
    'three.example': [{ TXT: 'v=spf1 ip4:192.0.2.3 ~all' }],
    'never.example': [{ TXT: 'v=spf1 +all' }],
    ...hosts(1),
  };

  it('asks the includes of one record together, walks them in order, and gives the same tree as without', async () => {
    const plain = slowCachingResolver(zone);
    const fetched = slowCachingResolver(zone);
    const without = await walkSpf('example.com', plain.resolver);
    const withPrefetch = await walkSpf('example.com', fetched.resolver, { prefetch: true });
    assert.deepEqual(render(withPrefetch.root), render(without.root));
    assert.deepEqual(withPrefetch.totals, without.totals);
    assert.deepEqual([...fetched.asked].sort(), [...plain.asked].sort(), 'the same questions, none extra');
    assert.ok(!fetched.asked.includes('TXT never.example'), 'a term after all is never asked (RFC 7208 5.1)');
    assert.equal(plain.mostInFlight(), 2, 'without: one include at a time (the a term asks A and AAAA together)');
    assert.ok(fetched.mostInFlight() >= 4, `with prefetch: the three includes and the MX at once (${fetched.mostInFlight()})`);
  });
});
