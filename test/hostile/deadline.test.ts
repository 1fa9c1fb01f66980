// --deadline (issue 12, case 8): the whole run's time budget. When it is reached every wait ends
// (DNS in flight, a banner that never comes), unfinished checks end `error` ("deadline
// reached"), what finished is kept, the report is written whole, and the exit code is 3.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Report } from '../../src/core/report-types.ts';
import { assertValidReport } from '../support/schema.ts';
import { rdata, response, rr, startRawDns, TYPE, type RawDnsServer } from './support/raw-dns.ts';
import { startRawSmtp, type RawSmtpServer } from './support/raw-smtp.ts';
import { assertCleanStderr, runCli } from './support/run.ts';

let dns: RawDnsServer;
let silent: RawSmtpServer;

before(async () => {
  // MX and A answer at once; TXT never (so SPF/DMARC wait for their DNS timeout)
  dns = await startRawDns((query) => {
    if (query.type === TYPE.MX && query.name === 'slow.test') return response(query, { answers: [rr(query.name, TYPE.MX, rdata.mx(10, 'mx.slow.test'))] });
    if (query.type === TYPE.A && query.name === 'mx.slow.test') return response(query, { answers: [rr(query.name, TYPE.A, rdata.a('192.0.2.80'))] });
    if (query.type === TYPE.TXT) return null;
    return response(query, { rcode: 3 });
  });
  silent = await startRawSmtp(() => undefined); // accepts, never greets
});
after(async () => { await dns.stop(); await silent.stop(); });

test('--deadline 2s: the run ends near the deadline, not at the 60 s timeouts; unfinished checks are error, finished ones kept; exit 3', async () => {
  const run = await runCli([
    'slow.test', 'second.slow.test', '--resolver', dns.address, '--format', 'json', '--deadline', '2s', '--timeout', '60000', '--greeting-timeout', '60000',
    '--dns-tries', '1', '--concurrency', '1', '--connect-to', `192.0.2.80:25=127.0.0.1:${silent.port}`, '--only', 'mx,smtp,spf',
  ], { timeoutMs: 60000 });
  assertCleanStderr(run.stderr, assert);
  assert.equal(run.code, 3, run.stderr);
  assert.ok(run.ms < 20000, `the run took ${run.ms} ms; the deadline was 2 s`);
  const reports = JSON.parse(run.stdout) as Report[];
  assert.equal(reports.length, 2);
  for (const report of reports) assertValidReport(report);
  const [first, second] = reports as [Report, Report];
  const status = (r: Report, id: string) => r.checks.find((c) => c.id === id)!;
  assert.equal(status(first, 'mx/present').status, 'pass', 'finished before the deadline: kept');
  for (const id of ['smtp/reachable', 'spf/present']) {
    assert.equal(status(first, id).status, 'error', id);
    assert.match(status(first, id).error ?? '', /deadline reached/, id);
  }
  // the second target's turn came after the deadline: nothing was asked for it
  assert.ok(second.checks.filter((c) => c.status !== 'skipped').every((c) => c.status === 'error' && /deadline reached/.test(c.error ?? '')));
  assert.equal(dns.queries.filter((q) => q.name.endsWith('second.slow.test')).length, 0);
});

test('--deadline takes ms, s and m; anything else is a usage error', async () => {
  for (const bad of ['soon', '5h', '50ms', '-1s']) {
    const run = await runCli(['example.com', '--deadline', bad]);
    assert.equal(run.code, 2, bad);
    assert.match(run.stderr, /^smtp-audit: --deadline must be/);
  }
});

test('"deadline" in a config file: checked like the flag, and honoured', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-deadline-'));
  try {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ domains: ['slow.test'], deadline: 'forever' }));
    const bad = await runCli(['--config', join(dir, 'bad.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.json: "deadline" must be a duration/);
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ domains: ['slow.test'], deadline: 1500, resolvers: [dns.address], only: ['mx', 'spf'], timeout: 60000 }));
    const run = await runCli(['--config', join(dir, 'good.json'), '--format', 'json', '--dns-tries', '1'], { timeoutMs: 60000 });
    assert.equal(run.code, 3, run.stderr);
    assert.ok(run.ms < 20000, `took ${run.ms} ms`);
    assert.match(JSON.parse(run.stdout).checks.find((c: { id: string }) => c.id === 'spf/present').error, /deadline reached/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
