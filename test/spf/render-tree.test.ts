// The text tree the spf checks put in their evidence (src/spf/render-tree.ts), and the tree
// questions they share (src/spf/inspect-tree.ts), over walks of in-memory zone data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePath, dnsErrorsInTree, policyEnding, rootState, spfNodes } from '../../src/spf/inspect-tree.ts';
import { describeLookupCrossing, renderSpfTree } from '../../src/spf/render-tree.ts';
import { walkSpf } from '../../src/spf/walk-spf.ts';
import { zonedataResolver, type ZoneData } from '../support/zonedata-resolver.ts';

const walk = (zone: ZoneData, domain = 'example.com') => walkSpf(domain, zonedataResolver(zone));

describe('renderSpfTree', () => {
  it('marks every kind of trouble on the record or term where it happens', async () => {
    const tree = await walk({
      'example.com': [{ TXT: 'v=spf1 include:%{d}.loop.example.net include:gone.example.net include:slow.example.net a:v4.example.com exists:%{i}.x.example.com ptr bad!term -all mx' }],
      'example.com.loop.example.net': [{ TXT: 'v=spf1 include:example.com.loop.example.net ~all' }],
      'slow.example.net': ['TIMEOUT'],
      'v4.example.com': [{ A: '192.0.2.1' }],
    });
    assert.deepEqual(renderSpfTree(tree), [
      'example.com [lookups 0..7, own 6, branch 7, void 2] !! syntax error at 134',
      '  include:%{d}.loop.example.net #1 (-> example.com.loop.example.net)',
      '    example.com.loop.example.net [lookups 1..2, own 1, branch 1]',
      '      include:example.com.loop.example.net #2',
      '        example.com.loop.example.net [lookups 2..2, own 0, branch 0] !! LOOP',
      '      ~all',
      '  include:gone.example.net #3 (void: TXT gone.example.net NXDOMAIN)',
      '    gone.example.net [lookups 3..3, own 0, branch 0] !! no SPF record',
      '  include:slow.example.net #4',
      '    slow.example.net [lookups 4..4, own 0, branch 0] !! DNS error ETIMEOUT',
      '  a:v4.example.com #5 (void: AAAA v4.example.com NODATA for IPv6)',
      '  exists:%{i}.x.example.com #6 (target depends on the sender)',
      '  ptr #7 (needs the sender\'s PTR)',
      '  bad!term (SYNTAX ERROR)',
      '  -all',
      '  mx (not reached)',
    ]);
    assert.equal(describeLookupCrossing(tree), null);
    assert.deepEqual(dnsErrorsInTree(tree).map((e) => [e.domain, e.term]), [['slow.example.net', null]]);
  });

  it('shows several records of one name, and the TXT size over 512 octets', async () => {
    const two = await walk({ 'example.com': [{ TXT: 'v=spf1 -all' }, { TXT: 'v=spf1 ~all' }] });
    assert.deepEqual(renderSpfTree(two), ['example.com [lookups 0..0, own 0, branch 0] !! several SPF records', '  record: v=spf1 -all', '  record: v=spf1 ~all']);
    assert.deepEqual(rootState(two), { kind: 'multiple', records: ['v=spf1 -all', 'v=spf1 ~all'] });
    const big = `v=spf1 ${Array.from({ length: 30 }, (_, i) => `ip4:198.51.100.${i}`).join(' ')} -all`;
    const large = await walk({ 'example.com': [{ TXT: big.match(/.{1,255}/g)! }] });
    assert.match(renderSpfTree(large)[0]!, /\(TXT answer ~\d+ octets > 512\)$/);
  });
});

describe('tree questions', () => {
  it('lists nodes in evaluation order, redirect last, and writes paths as text', async () => {
    const tree = await walk({
      'example.com': [{ TXT: 'v=spf1 redirect=r.example.net include:i.example.net' }],
      'r.example.net': [{ TXT: 'v=spf1 -all' }],
      'i.example.net': [{ TXT: 'v=spf1 ~all' }],
    });
    assert.deepEqual([...spfNodes(tree.root)].map((n) => n.domain), ['example.com', 'i.example.net', 'r.example.net']);
    assert.equal(describePath(tree.root.children[1]!.path), 'example.com redirect=r.example.net -> r.example.net');
    const ending = policyEnding(tree.root);
    assert.equal(ending.kind, 'all');
    assert.deepEqual([ending.node.domain, ending.via], ['r.example.net', ['example.com']]);
  });

  it('tells the root states apart', async () => {
    assert.equal(rootState(await walk({})).kind, 'none');
    assert.equal(rootState(await walk({ 'example.com': ['TIMEOUT'] })).kind, 'dns-error');
    assert.equal(rootState(await walk({}, 'localhost')).kind, 'invalid-domain');
    assert.deepEqual(rootState(await walk({ 'example.com': [{ TXT: 'v=spf1 -all' }] })), { kind: 'record', record: 'v=spf1 -all' });
  });

  it('treats a non-"+" include of a policy that passes everyone as a verdict with its qualifier', async () => {
    const tree = await walk({ 'example.com': [{ TXT: 'v=spf1 ~include:open.example.net -all' }], 'open.example.net': [{ TXT: 'v=spf1 +all' }] });
    const ending = policyEnding(tree.root);
    assert.deepEqual([ending.kind, ending.kind === 'all' ? ending.qualifier : null], ['all', '~']);
  });
});
