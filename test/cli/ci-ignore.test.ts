// --ignore through the real bin: ignored findings stop counting, stay visible.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());
const base = () => ['mx-bad.example', '--resolver', dns.address, '--no-smtp', '--only', 'ptr'];

test('ignoring every failing finding code turns exit 1 into 0; the findings are listed as ignored', async () => {
  assert.equal((await runBin(base())).code, 1);
  const r = await runBin([...base(), '--ignore', 'ptr/present.missing', '--ignore', 'ptr/forward-confirmed.mismatch', '--format', 'json', '--fail-on', 'warn']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  const present = report.checks.find((c: { id: string }) => c.id === 'ptr/present');
  assert.equal(present.status, 'pass');
  assert.deepEqual(present.findings, []);
  assert.deepEqual(present.ignoredFindings.map((f: { subject: string }) => f.subject), ['192.0.2.22', '10.1.2.3']);
  assert.equal(report.summary.fail, 0);
  const table = await runBin([...base(), '--ignore', 'ptr/present.missing,ptr/forward-confirmed.mismatch'], { env: { COLUMNS: '200' } });
  assert.match(table.stdout, /^Ignored: 3 findings \(ptr\/present\.missing, ptr\/forward-confirmed\.mismatch\), not counted in the statuses$/m);
});

test('a malformed or unknown finding code is a usage error', async () => {
  for (const code of ['ptr/present', 'nope/check.missing']) {
    const r = await runBin([...base(), '--ignore', code]);
    assert.equal(r.code, 2, code);
    assert.match(r.stderr, /^smtp-audit: --ignore "/);
  }
});
