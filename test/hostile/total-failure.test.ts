// When the resolver answers SERVFAIL to everything, or answers garbage, or cannot be reached at
// all, nothing is known: no check may pass or fail on it, dane/tlsa is `error` (not `info`),
// the score is withheld, the exit code is 3 and the report is whole. (issue 12, cases 1-3)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreChecks } from '../../src/report/score.ts';
import type { CheckResult, Report } from '../../src/core/report-types.ts';
import { assertValidReport } from '../support/schema.ts';
import { response, rdata, rr, startRawDns, TYPE, type RawDnsServer } from './support/raw-dns.ts';
import { assertCleanStderr, canUnshareNetwork, runCli } from './support/run.ts';

let servfail: RawDnsServer;
let malformed: RawDnsServer;

before(async () => {
  servfail = await startRawDns((query) => response(query, { rcode: 2 }));
  // every answer promises a record and is cut inside it, TC clear
  malformed = await startRawDns((query) => {
    const whole = response(query, { answers: [rr(query.name, query.type === TYPE.MX ? TYPE.MX : TYPE.TXT, query.type === TYPE.MX ? rdata.mx(10, 'mx.example.test') : rdata.txt('v=spf1 -all'))] });
    return whole.subarray(0, whole.length - 4);
  });
});
after(async () => { await servfail.stop(); await malformed.stop(); });

function assertNothingJudged(report: Report): void {
  assertValidReport(report);
  const judged = report.checks.filter((c) => c.status !== 'error' && c.status !== 'skipped');
  assert.deepEqual(judged.map((c) => `${c.id}=${c.status}`), [], 'no check may pass, warn, fail or inform on answers that never came');
  assert.equal(report.score?.total, null);
  assert.equal(report.score?.grade, null);
  assert.match(report.score?.withheld ?? '', /not enough was determined/);
}

test('SERVFAIL for every query: every check error or skipped, dane/tlsa error, score withheld, exit 3', async () => {
  const run = await runCli(['example.com', '--resolver', servfail.address, '--format', 'json', '--timeout', '1000', '--smtp-concurrency', '1']);
  assertCleanStderr(run.stderr, assert);
  assert.equal(run.code, 3, run.stderr);
  const report = JSON.parse(run.stdout) as Report;
  assertNothingJudged(report);
  const dane = report.checks.find((c) => c.id === 'dane/tlsa')!;
  assert.equal(dane.status, 'error');
  assert.match(dane.error ?? '', /MX lookup of example\.com failed: ESERVFAIL/);
});

test('the table says the score is withheld', async () => {
  const run = await runCli(['example.com', '--resolver', servfail.address, '--no-smtp', '--timeout', '1000']);
  assert.equal(run.code, 3);
  assert.match(run.stdout, /score withheld: not enough was determined/);
  assert.doesNotMatch(run.stdout, /\(A\)/);
});

test('malformed answers (cut short without TC) everywhere: mx/spf/dmarc present are error, not fail; exit 3', async () => {
  const run = await runCli(['example.com', '--resolver', malformed.address, '--format', 'json', '--no-smtp', '--timeout', '1000']);
  assertCleanStderr(run.stderr, assert);
  assert.equal(run.code, 3, run.stderr);
  const report = JSON.parse(run.stdout) as Report;
  assertNothingJudged(report);
  for (const id of ['mx/present', 'spf/present', 'dmarc/present']) {
    const check = report.checks.find((c) => c.id === id)!;
    assert.equal(check.status, 'error', id);
    assert.match(check.error ?? '', /EBADRESP|malformed/, id);
  }
});

test('an unreachable resolver (no route: a network namespace with loopback down) is exit 3 with a report, not a crash', async () => {
  // Where no namespace can be made, the closed port of a loopback resolver stands in (ECONNREFUSED).
  const isolated = canUnshareNetwork();
  // in the namespace: IPv6 loopback is not even an address there (EADDRNOTAVAIL), IPv4 has no route (ENETUNREACH)
  const resolvers = isolated ? ['--resolver', '[::1]:53', '--resolver', '127.0.0.1:53'] : ['--resolver', `127.0.0.1:${servfail.port + 1}`];
  const run = await runCli(['example.com', ...resolvers, '--format', 'json', '--timeout', '1000'], { isolatedNetwork: isolated });
  assertCleanStderr(run.stderr, assert);
  assert.equal(run.code, 3, run.stderr);
  const report = JSON.parse(run.stdout) as Report;
  assertNothingJudged(report);
  const mx = report.checks.find((c) => c.id === 'mx/present')!;
  assert.match(mx.error ?? '', isolated ? /ENETUNREACH/ : /ECONNREFUSED|ETIMEOUT/);
});

test('the score is withheld when more checks ended error than got a status, and given otherwise', () => {
  const c = (id: string, status: CheckResult['status']): CheckResult => ({ id, area: id.split('/')[0]!, status, title: 't', reference: 'r', findings: [], error: status === 'error' ? 'x' : null });
  const mostlyUnknown = scoreChecks([c('dane/tlsa', 'info'), c('mx/present', 'error'), c('spf/present', 'error')]);
  assert.deepEqual([mostlyUnknown.total, mostlyUnknown.grade], [null, null]);
  assert.equal(mostlyUnknown.withheld, 'not enough was determined: 2 of 3 checks that ran could not be determined');
  const half = scoreChecks([c('dane/tlsa', 'pass'), c('mx/present', 'error')]);
  assert.deepEqual([half.total, half.grade, half.withheld], [100, 'A', undefined]);
});
