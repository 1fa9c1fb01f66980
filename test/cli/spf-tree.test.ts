// The SPF lookup tree through the real bin (issue 3, done-when): a domain whose policy needs 14
// DNS lookups through three levels of includes shows the whole tree, with each record's own
// count, the running total and the branch that crosses 10, in the table and in the JSON.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';
import { SPF_DEEP_TREE } from '../support/spf-deep-tree.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());
const args = () => ['spf-deep.example', '--resolver', dns.address, '--no-smtp', '--only', 'spf'];

const TREE = SPF_DEEP_TREE;

test('table: the 14-lookup tree with per-branch counts under spf/lookup-limit', async () => {
  // wide enough that no tree line wraps; --verbose lists the passing checks with their notes
  const r = await runBin([...args(), '--verbose'], { env: { COLUMNS: '400' } });
  assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /✖ fail\s+The SPF policy is over the 10-lookup limit \[spf\/lookup-limit\]/);
  assert.match(r.stdout, /spf-deep\.example: SPF evaluation needs 14 DNS lookups; receivers stop at 10 and return permerror at lookup 11, "mx:z\.spf-deep\.example" in _b\.spf-deep\.example\./);
  const shown = r.stdout.split('\n').filter((l) => l.includes('│ ')).map((l) => l.slice(l.indexOf('│ ') + 2));
  const start = shown.indexOf(TREE[0]!);
  assert.ok(start >= 0, r.stdout);
  assert.deepEqual(shown.slice(start, start + TREE.length), TREE);
  assert.equal(shown[start + TREE.length], 'lookup 11 (over the limit of 10): spf-deep.example include:_spf2.spf-deep.example -> _spf2.spf-deep.example include:_b.spf-deep.example -> _b.spf-deep.example mx:z.spf-deep.example');
  // passing checks say how much of the budget the others use
  assert.match(r.stdout, /✔ pass\s+The SPF policy makes at most 2 void lookups \[spf\/void-lookups\]\n\s+0 of 2 void lookups\./);
});

test('json: the same tree in the finding evidence, and the whole tree in facts', async () => {
  const r = await runBin([...args(), '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  const limit = report.checks.find((c: { id: string }) => c.id === 'spf/lookup-limit');
  assert.equal(limit.status, 'fail');
  assert.equal(limit.findings[0].code, 'spf/lookup-limit.too-many');
  assert.deepEqual(limit.findings[0].evidence[0].split('\n'), TREE);
  const tree = report.facts.spf.value.tree;
  assert.equal(tree.totals.lookups, 14);
  assert.deepEqual(tree.totals.lookupLimitCrossing.path.map((s: { domain: string }) => s.domain), ['spf-deep.example', '_spf2.spf-deep.example', '_b.spf-deep.example']);
  assert.deepEqual(tree.root.children.map((c: { domain: string; lookupsAtStart: number; lookupsAtEnd: number; lookups: number }) => [c.domain, c.lookupsAtStart, c.lookupsAtEnd, c.lookups]), [
    ['_spf1.spf-deep.example', 1, 6, 2],
    ['_spf2.spf-deep.example', 7, 13, 2],
  ]);
});

test('--ip is evaluated by mailauth through our resolver; --save-facts/--facts replays it without DNS', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'smtp-audit-spf-')), 'facts.json');
  const r = await runBin(['strict.spf-policy.example', '--resolver', dns.address, '--no-smtp', '--only', 'spf', '--ip', '192.0.2.1', '--ip', '2001:db8::99', '--format', 'json', '--save-facts', file]);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  const ip = report.checks.find((c: { id: string }) => c.id === 'spf/ip-evaluation');
  assert.deepEqual(ip.findings.map((f: { subject: string; code: string }) => [f.subject, f.code]), [
    ['192.0.2.1', 'spf/ip-evaluation.pass'],
    ['2001:db8::99', 'spf/ip-evaluation.fail'],
  ]);
  assert.equal(r.code, 1);
  const replay = await runBin(['--facts', file, '--only', 'spf', '--format', 'json']);
  assert.equal(replay.code, 1, replay.stderr);
  assert.deepEqual(JSON.parse(replay.stdout).checks, report.checks);
});
