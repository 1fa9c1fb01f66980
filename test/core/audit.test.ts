// The engine's promises: a throwing check or a failing collector ends `error` and the audit
// goes on; selection; the programmatic API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../src/core/audit.ts';
import { defineCheck } from '../../src/core/check.ts';
import { defineCollector, type Collector } from '../../src/core/collector.ts';
import type { AuditEnv } from '../../src/core/context.ts';
import { fixedClock } from '../../src/net/clock.ts';
import type { DnsResolver } from '../../src/net/dns/types.ts';
import { NetDialer } from '../../src/net/dial.ts';
import { assertValidReport } from '../support/schema.ts';

const unusedResolver: DnsResolver = {
  query: () => Promise.reject(new Error('no DNS in this test')),
  resolve: () => Promise.reject(new Error('no DNS in this test')),
};
const env: AuditEnv = { resolver: unusedResolver, dialer: new NetDialer(), clock: fixedClock('2026-11-23T10:00:00Z') };

declare module '../../src/core/facts.ts' {
  interface FactMap { testGood: { n: number }; testBroken: { n: number }; testDependent: { m: number } }
}

const good = defineCollector({ key: 'testGood', collect: async () => ({ n: 2 }) });
const broken = defineCollector({ key: 'testBroken', collect: async () => { throw new Error('socket hang up'); } });
const dependent = defineCollector({ key: 'testDependent', collect: async ({ need }) => ({ m: (await need('testBroken')).n }) });
const collectors = new Map<string, Collector>([[good.key, good as Collector], [broken.key, broken as Collector], [dependent.key, dependent as Collector]]);

const base = { area: 'mx' as const, titles: { pass: 't', fail: 'f', warn: 'f', info: 'i', error: 'e' }, description: 'd', reference: 'RFC 0 section 0', targets: ['domain' as const] };
const passing = defineCheck({ ...base, id: 'mx/passing', facts: ['testGood'], run: (ctx) => { assert.equal(ctx.fact('testGood').n, 2); } });
const throwing = defineCheck({ ...base, id: 'mx/throwing', facts: ['testGood'], run: () => { throw new TypeError('cannot read x of undefined'); } });
const starved = defineCheck({ ...base, id: 'mx/starved', facts: ['testBroken'], run: () => {} });
const chained = defineCheck({ ...base, id: 'mx/chained', facts: ['testDependent'], run: () => {} });
const sneaky = defineCheck({ ...base, id: 'mx/sneaky', facts: ['testGood'], run: (ctx) => { ctx.fact('testBroken'); } });
const warning = defineCheck({ ...base, id: 'mx/warning', facts: ['testGood'], run: (ctx) => ctx.add('warn', 'w', { subject: 's', message: 'm' }) });

test('a throwing check and failing collectors end error; the rest still run', async () => {
  const report = await audit('example.com', { env, checks: [passing, throwing, starved, chained, sneaky, warning], collectors });
  assertValidReport(report);
  const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
  assert.equal(byId['mx/passing']!.status, 'pass');
  assert.equal(byId['mx/throwing']!.status, 'error');
  assert.match(byId['mx/throwing']!.error!, /cannot read x of undefined/);
  assert.equal(byId['mx/starved']!.status, 'error');
  assert.match(byId['mx/starved']!.error!, /socket hang up/);
  assert.equal(byId['mx/chained']!.status, 'error');
  assert.match(byId['mx/chained']!.error!, /testBroken facts unavailable: socket hang up/);
  assert.equal(byId['mx/sneaky']!.status, 'error', 'reading an undeclared fact is a bug');
  assert.equal(byId['mx/warning']!.status, 'warn');
  assert.equal(byId['mx/warning']!.findings[0]!.code, 'mx/warning.w');
  assert.equal(byId['mx/warning']!.title, 'f', 'failure title for a bad status');
  assert.deepEqual(report.summary, { pass: 1, info: 0, warn: 1, fail: 0, error: 4, skipped: 0 });
  assert.equal(report.startedAt, '2026-11-23T10:00:00.000Z');
});

test('--only and --skip select by id or area; unselected checks are skipped with a reason and gather nothing', async () => {
  let gathered = 0;
  const counting = new Map<string, Collector>([['testGood', defineCollector({ key: 'testGood', collect: async () => { gathered++; return { n: 2 }; } }) as Collector], [broken.key, broken as Collector]]);
  const report = await audit('example.com', { env, checks: [passing, starved], collectors: counting, only: ['mx/starved'] });
  assert.equal(gathered, 0);
  assert.equal(report.checks[0]!.status, 'skipped');
  assert.equal(report.checks[0]!.skippedReason, 'not selected (--only)');
  const skipped = await audit('example.com', { env, checks: [passing, starved], collectors: counting, skip: ['mx'] });
  assert.ok(skipped.checks.every((c) => c.status === 'skipped'));
  await assert.rejects(audit('example.com', { env, checks: [passing], collectors, only: ['nope/x'] }), /unknown check id or area/);
});
