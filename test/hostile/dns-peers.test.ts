// Hostile DNS answers through the real CLI (issue 12, case 9): CNAME loops, 1000 TXT strings,
// an SPF include bomb, truncation followed by a TCP fallback that stalls. Bounded time and
// memory, honest statuses, a valid report.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Report } from '../../src/core/report-types.ts';
import { assertValidReport } from '../support/schema.ts';
import { rdata, response, rr, startRawDns, TYPE, type RawDnsServer, type RawQuery } from './support/raw-dns.ts';
import { assertCleanStderr, runCli, type CliRun } from './support/run.ts';

let dns: RawDnsServer;

function answer(query: RawQuery): Buffer | null | 'stall' {
  const { name, type } = query;
  const soa = [rr(name.split('.').slice(-2).join('.'), TYPE.SOA, rdata.soa('ns.test', 'hostmaster.test'))];
  // loop.test: MX target in a CNAME loop; its TXT too
  if (name === 'loop.test' && type === TYPE.MX) return response(query, { answers: [rr(name, TYPE.MX, rdata.mx(10, 'a.loop.test'))] });
  if (name === 'a.loop.test' || name === 'b.loop.test' || name === '_dmarc.loop.test') {
    const next = name === 'a.loop.test' ? 'b.loop.test' : 'a.loop.test';
    return response(query, { answers: [rr(name, TYPE.CNAME, rdata.name(next))] });
  }
  if (name === 'loop.test' && type === TYPE.TXT) return response(query, { answers: [rr(name, TYPE.CNAME, rdata.name('a.loop.test'))] });
  // many.test: one SPF record of 1000 strings (over UDP truncated, whole over TCP)
  if (name === 'many.test' && type === TYPE.TXT) {
    const strings = ['v=spf1 ', ...Array.from({ length: 998 }, (_, i) => `ip4:198.51.${Math.floor(i / 250)}.${i % 250} `), '-all'];
    const record = rr(name, TYPE.TXT, rdata.txt(...strings));
    return query.protocol === 'udp' ? response(query, { tc: true }) : response(query, { answers: [record] });
  }
  // bomb.test: every include names ten more, ten levels deep
  const bomb = /^(?:(i\d+)\.)*bomb\.test$/.exec(name);
  if (bomb && type === TYPE.TXT) {
    const depth = name.split('.').length - 2;
    const includes = depth >= 10 ? [] : Array.from({ length: 10 }, (_, i) => `include:i${i}.${name}`);
    return response(query, { answers: [rr(name, TYPE.TXT, rdata.txt(['v=spf1', ...includes, '-all'].join(' ')))] });
  }
  // stall.test: TXT truncated over UDP, and the TCP connection never answers
  if (name === 'stall.test' && type === TYPE.TXT) return query.protocol === 'udp' ? response(query, { tc: true }) : 'stall';
  if (type === TYPE.MX && /^(many|bomb|stall)\.test$/.test(name)) return response(query, { answers: [rr(name, TYPE.MX, rdata.mx(0, ''))] }); // null MX: no probes
  return response(query, { rcode: 3, authority: soa });
}

before(async () => { dns = await startRawDns(answer); });
after(() => dns.stop());

async function audit(domain: string, only: string): Promise<{ run: CliRun; report: Report }> {
  const run = await runCli([domain, '--resolver', dns.address, '--only', only, '--format', 'json', '--timeout', '1500', '--dns-tries', '1'], { timeoutMs: 60000 });
  assertCleanStderr(run.stderr, assert);
  assert.ok([0, 1, 3].includes(run.code ?? -1), `exit ${run.code}: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as Report;
  assertValidReport(report);
  return { run, report };
}
const check = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;

test('CNAME loops (an MX target, the TXT record, _dmarc): error, never NODATA or a verdict', async () => {
  const { run, report } = await audit('loop.test', 'mx,spf/present,dmarc/present');
  assert.ok(run.ms < 20000);
  assert.equal(check(report, 'mx/targets').status, 'error', JSON.stringify(check(report, 'mx/targets')));
  assert.equal(check(report, 'spf/present').status, 'error');
  assert.match(check(report, 'spf/present').error ?? '', /EBADRESP/);
  assert.match(JSON.stringify(report.facts), /CNAME loop \(_dmarc\.loop\.test -> a\.loop\.test -> b\.loop\.test -> a\.loop\.test\)/);
  assert.equal(run.code, 3);
});

test('an SPF record of 1000 strings (truncated over UDP, whole over TCP): judged, bounded', async () => {
  const { run, report } = await audit('many.test', 'spf');
  assert.ok(run.ms < 20000, `took ${run.ms} ms`);
  assert.ok(run.peakRssMb < 400, `peak RSS ${run.peakRssMb} MB`);
  assert.equal(check(report, 'spf/present').status, 'pass');
  assert.equal(check(report, 'spf/single-record').status, 'warn', 'over 512 octets: a UDP truncation warning');
});

test('an SPF include bomb (ten includes a level, ten levels): the lookup limit fails it, with a bounded number of queries', async () => {
  const before = dns.queries.length;
  const { run, report } = await audit('bomb.test', 'spf');
  assert.ok(run.ms < 30000, `took ${run.ms} ms`);
  assert.ok(run.peakRssMb < 400, `peak RSS ${run.peakRssMb} MB`);
  assert.equal(check(report, 'spf/lookup-limit').status, 'fail');
  const asked = dns.queries.length - before;
  assert.ok(asked < 2000, `${asked} queries for a tree of 10^10 records`);
});

test('truncation, then a TCP fallback that never answers: error within the timeout, never "no SPF record"', async () => {
  const { run, report } = await audit('stall.test', 'spf/present');
  assert.ok(run.ms < 20000, `took ${run.ms} ms`);
  assert.equal(check(report, 'spf/present').status, 'error');
  assert.match(check(report, 'spf/present').error ?? '', /ETIMEOUT/);
  assert.ok(dns.tcpConnections > 0, 'the fallback to TCP was tried');
  assert.equal(run.code, 3);
});
