// Deterministic reports for the reporter golden files: hand-built facts replayed through the
// real engine (audit() with `facts`), a clock that never moves, a fixed tool version, and only
// the MX and PTR checks, so checks added later do not change the golden files.
import { mxChecks } from '../../src/checks/mx/index.ts';
import { ptrChecks } from '../../src/checks/ptr/index.ts';
import type { MxHostFacts } from '../../src/collect/mx.ts';
import { audit } from '../../src/core/audit.ts';
import type { AuditEnv } from '../../src/core/context.ts';
import type { FactSlots, LookupFact } from '../../src/core/facts.ts';
import type { Report } from '../../src/core/report-types.ts';
import { NetDialer } from '../../src/net/dial.ts';
import type { DnsResolver } from '../../src/net/dns/types.ts';
import { finishReport, type FinishOptions } from '../../src/report/finish-report.ts';
import { failed, host, mxFacts, nodata, nx, ok, ptrEntry, ptrFacts } from '../support/facts.ts';

export const GOLDEN_VERSION = '9.9.9-golden';
export const GOLDEN_TIME = '2026-11-23T10:00:00.000Z';

const noDns: DnsResolver = {
  query: () => Promise.reject(new Error('golden reports use saved facts only')),
  resolve: () => Promise.reject(new Error('golden reports use saved facts only')),
};

export function goldenEnv(at = GOLDEN_TIME): AuditEnv {
  return { resolver: noDns, dialer: new NetDialer(), clock: { now: () => new Date(at), monotonicMs: () => 0 } };
}

/** An alias chain with characters that are markup in Markdown, XML and terminals. */
export const HOSTILE_TARGET = 'x<b>&`|\u001b[31m.broken.example';

/** ptrEntry with the MX host names that resolve to the address. */
function entry(address: string, hosts: string[], ...rest: Parameters<typeof ptrEntry> extends [string, ...infer R] ? R : never) {
  return { ...ptrEntry(address, ...rest), hosts };
}

function slots(domain: string, hosts: MxHostFacts[], kind: Parameters<typeof mxFacts>[0], ptr: ReturnType<typeof ptrFacts>, mx?: LookupFact<{ priority: number; exchange: string }>): FactSlots {
  return {
    mx: { ok: true, ms: 3, value: { ...mxFacts(kind, hosts, mx), domain } },
    ptr: { ok: true, ms: 2, value: ptr },
  };
}

export function brokenFacts(): FactSlots {
  return slots('broken.example', [
    host('mx1.broken.example', ok('192.0.2.10')),
    host('alias.broken.example', { ...ok('192.0.2.10'), cnames: [HOSTILE_TARGET] }, nodata(), { priority: 20 }),
    host('private.broken.example', ok('10.0.0.5'), nodata(), { priority: 30 }),
  ], 'mx', ptrFacts([
    entry('192.0.2.10', ['mx1.broken.example', 'alias.broken.example'], ok('mx1.broken.example'), { 'mx1.broken.example': ok('192.0.2.10') }),
    entry('10.0.0.5', ['private.broken.example'], nx()),
    entry('192.0.2.11', ['mx1.broken.example'], ok('elsewhere.broken.example'), { 'elsewhere.broken.example': nx() }),
  ]));
}

export function cleanFacts(): FactSlots {
  const mxLookup = { ...ok({ priority: 10, exchange: 'mx.clean.example' }), fromZoneFile: true };
  return slots('clean.example', [host('mx.clean.example', { ...ok('192.0.2.50'), fromZoneFile: true })], 'mx',
    ptrFacts([entry('192.0.2.50', ['mx.clean.example'], ok('mx.clean.example'), { 'mx.clean.example': { ...ok('192.0.2.50'), fromZoneFile: true } })]), mxLookup);
}

export function timeoutFacts(): FactSlots {
  return slots('timeout.example', [], 'unknown', ptrFacts([], 'unknown'), failed('ETIMEOUT: no answer within 3000 ms'));
}

export function nullMxFacts(): FactSlots {
  return slots('nullmx.example', [], 'null-mx', ptrFacts([], 'null-mx'), ok({ priority: 0, exchange: '' }));
}

export async function goldenReport(domain: string, facts: FactSlots, finish: FinishOptions = {}, at = GOLDEN_TIME): Promise<Report> {
  const raw = await audit(domain, { env: goldenEnv(at), facts, checks: [...mxChecks, ...ptrChecks] });
  const report = finishReport(raw, finish);
  return { ...report, tool: { ...report.tool, version: GOLDEN_VERSION } };
}

export const GOLDEN_IGNORE = ['ptr/forward-confirmed.mismatch'];
export const GOLDEN_ZONE = { zoneFiles: [{ file: 'dns/clean.example.zone', origin: 'clean.example' }], zoneFileNames: ['clean.example', 'mx.clean.example'] };

/** broken (fail, warn ignored), clean (zone file), timeout (error), null MX (info, skipped). */
export async function goldenReports(): Promise<Report[]> {
  return [
    await goldenReport('broken.example', brokenFacts(), { ignore: GOLDEN_IGNORE }),
    await goldenReport('clean.example', cleanFacts(), GOLDEN_ZONE),
    await goldenReport('timeout.example', timeoutFacts()),
    await goldenReport('nullmx.example', nullMxFacts()),
  ];
}
