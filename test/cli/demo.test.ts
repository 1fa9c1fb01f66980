import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

test('demo audits the sample domains offline and exits 0', async () => {
  const r = await runBin(['demo', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const reports = JSON.parse(r.stdout);
  assertValidReport(reports);
  assert.deepEqual(reports.map((x: { domain: string }) => x.domain), ['good.example', 'broken.example', 'nomail.example', 'implicit.example']);
  const status = (domain: string, id: string) => reports.find((x: { domain: string }) => x.domain === domain).checks.find((c: { id: string }) => c.id === id).status;
  assert.equal(status('good.example', 'mx/targets'), 'pass');
  assert.equal(status('good.example', 'ptr/forward-confirmed'), 'pass');
  assert.equal(status('broken.example', 'mx/targets'), 'fail');
  assert.equal(status('broken.example', 'ptr/present'), 'fail');
  assert.equal(status('broken.example', 'ptr/forward-confirmed'), 'warn');
  assert.equal(status('nomail.example', 'mx/present'), 'info');
  assert.equal(status('implicit.example', 'mx/present'), 'warn');
});

test('demo prints a readable table', async () => {
  const r = await runBin(['demo']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /smtp-audit .* good\.example/);
  assert.match(r.stdout, /smtp-audit .* broken\.example/);
  assert.doesNotMatch(r.stdout, /\x1b/);
});
