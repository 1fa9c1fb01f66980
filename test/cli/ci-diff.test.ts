// `smtp-audit diff` through the real bin: exit 1 on a regression, 0 otherwise, 2 on bad input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-diff-'));
const file = (name: string) => join(dir, name);

test('two audits of the same domain, before and after a zone change: a regression and an improvement', async () => {
  const audit = (out: string, ...extra: string[]) => runBin(['mx-bad.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx,ptr', '--format', `json:${out}`, ...extra]);
  await audit(file('before.json'));
  // The change drops the MX records for a bare address: the broken MX targets are gone
  // (better), but the domain now relies on the implicit MX (worse).
  writeFileSync(file('change.zone'), '$ORIGIN mx-bad.example.\n@ IN A 192.0.2.23\n');
  await audit(file('after.json'), '--zone', file('change.zone'));

  const r = await runBin(['diff', file('before.json'), file('after.json'), '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const diff = JSON.parse(r.stdout);
  assert.deepEqual(diff.domains[0].checks.map((c: { id: string; old: string; new: string; change: string }) => [c.id, c.old, c.new, c.change]), [
    ['mx/present', 'pass', 'warn', 'worse'],
    ['mx/targets', 'fail', 'pass', 'better'],
    ['ptr/present', 'fail', 'pass', 'better'],
  ]);
  const findings = diff.domains[0].findings.map((f: { code: string; change: string }) => `${f.change} ${f.code}`);
  assert.ok(findings.includes('new mx/present.implicit-mx'), findings.join(', '));
  assert.ok(findings.includes('resolved mx/targets.cname'));
  assert.deepEqual(diff.summary, { better: 2, worse: 1, changed: 0, added: 0, removed: 0, newFindings: 1, resolvedFindings: 7 });

  const table = await runBin(['diff', file('before.json'), file('after.json')]);
  assert.equal(table.code, 1);
  assert.match(table.stdout, /✖ worse +mx\/present +pass -> warn/);
  assert.match(table.stdout, /✔ better +mx\/targets +fail -> pass/);
  assert.match(table.stdout, /Something got worse \(exit 1\)\./);

  // A change that only fixes things: exit 0
  writeFileSync(file('fix.zone'), '$ORIGIN mx-bad.example.\n@ IN MX 10 ok\nok IN A 192.0.2.21\n');
  await audit(file('fixed.json'), '--zone', file('fix.zone'));
  const fixed = await runBin(['diff', file('before.json'), file('fixed.json')]);
  assert.equal(fixed.code, 0, fixed.stdout);
  assert.match(fixed.stdout, /Nothing got worse\./);

  const same = await runBin(['diff', file('before.json'), file('before.json'), '--format', 'markdown']);
  assert.equal(same.code, 0);
  assert.match(same.stdout, /^## smtp-audit diff: ✅ nothing got worse/);
});

test('a regression with a new finding exits 1; --output writes the diff', async () => {
  const audit = (domain: string, out: string) => runBin([domain, '--resolver', dns.address, '--no-smtp', '--only', 'mx,ptr', '--format', `json:${out}`]);
  await audit('clean.example', file('clean.json'));
  // the same domain name, judged from mx-bad's answers: relabel the later report
  await audit('mx-bad.example', file('bad.json'));
  const bad = JSON.parse(readFileSync(file('bad.json'), 'utf8'));
  bad.domain = 'clean.example';
  writeFileSync(file('bad.json'), JSON.stringify(bad));
  const out = file('diff.md');
  const r = await runBin(['diff', file('clean.json'), file('bad.json'), '--format', 'markdown', '--output', out]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(readFileSync(out, 'utf8'), /❌ worse \| `mx\/targets` \| pass → fail/);
});

test('bad input exits 2 with one line naming the file', async () => {
  writeFileSync(file('junk.json'), '{"hello": "world"}');
  writeFileSync(file('ok.json'), readFileSync(file('before.json')));
  const cases: Array<[string[], RegExp]> = [
    [['diff', file('missing.json'), file('ok.json')], /cannot read .*missing\.json: ENOENT/],
    [['diff', file('junk.json'), file('ok.json')], /junk\.json is not a smtp-audit report: schemaVersion is not 1/],
    [['diff', file('ok.json'), file('ok.json'), '--format', 'yaml'], /diff --format must be table, json, markdown/],
    [['diff', file('ok.json')], /missing required argument 'new'/],
  ];
  for (const [args, message] of cases) {
    const r = await runBin(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
