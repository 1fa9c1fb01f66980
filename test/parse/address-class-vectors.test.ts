// IP address class vectors (test/vectors/records/address-ranges.json), written from the IANA
// special-purpose address registries: the class src/net/address-class.ts gives each address, and
// what the places that classify addresses make of it: mx/targets, the blocklist subjects, --ip.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import targets from '../../src/checks/mx/targets.ts';
import { parseAuditFlags } from '../../src/cli/audit-options.ts';
import { dnsblCollector } from '../../src/collect/dnsbl.ts';
import type { MxFacts } from '../../src/collect/mx.ts';
import { DEFAULT_OPTIONS } from '../../src/core/context.ts';
import type { FactKey, FactMap } from '../../src/core/facts.ts';
import { NetDialer } from '../../src/net/dial.ts';
import { fixedClock } from '../../src/net/clock.ts';
import type { DnsResolver } from '../../src/net/dns/types.ts';
import { classifyAddress } from '../../src/net/address-class.ts';
import { host, mxFacts, nodata, ok } from '../support/facts.ts';
import { judge } from '../support/run-check.ts';
import { loadVectors } from './vector-file.ts';

interface AddressExpect {
  range: string; scope: string; globallyReachable: boolean; mxTargets: string; dnsblLookedUp: boolean; ipOption: 'ok' | 'usage-error';
}

// A domain that is not one of the documentation names of RFC 2606.
const DOMAIN = 'smtp-audit-vectors.net';

function mxWith(address: string): MxFacts {
  const v6 = address.includes(':');
  const facts = mxFacts('mx', [host(`mx.${DOMAIN}`, v6 ? nodata() : ok(address), v6 ? ok(address) : nodata())]);
  return { ...facts, domain: DOMAIN };
}

const noDns = { query: () => Promise.reject(new Error('no DNS in this test')), resolve: () => Promise.reject(new Error('no DNS')) } as unknown as DnsResolver;

async function dnsblLooksUp(address: string): Promise<boolean> {
  const facts = await dnsblCollector.collect({
    target: { kind: 'domain', input: DOMAIN, domain: DOMAIN },
    env: { resolver: noDns, dialer: new NetDialer(), clock: fixedClock('2026-11-23T10:00:00Z') },
    options: { ...DEFAULT_OPTIONS, defaultDnsbls: false, dnsbls: [], ips: [address] },
    need: async <K extends FactKey>(key: K): Promise<FactMap[K]> => (key === 'mx' ? mxFacts('none') : Promise.reject(new Error(key))) as FactMap[K],
  });
  const subject = facts.subjects.find((s) => s.kind === 'ip');
  assert.ok(subject, 'the --ip address is a blocklist subject');
  return subject.notApplicable === null;
}

function ipOption(address: string): 'ok' | 'usage-error' {
  try {
    parseAuditFlags({ ip: [address] });
    return 'ok';
  } catch {
    return 'usage-error';
  }
}

describe('IP address class vectors (IANA special-purpose registries)', () => {
  for (const vector of loadVectors<AddressExpect>('address-ranges').vectors) {
    const address = vector.address as string;
    it(`${address}: ${vector.rule}`, async () => {
      const { expect } = vector;
      const cls = classifyAddress(address);
      assert.ok(cls, 'classified');
      assert.deepEqual({ range: cls.range, scope: cls.scope, globallyReachable: cls.globallyReachable },
        { range: expect.range, scope: expect.scope, globallyReachable: expect.globallyReachable }, 'class');
      assert.equal(judge(targets, { mx: mxWith(address) }, DOMAIN).status, expect.mxTargets, 'mx/targets');
      assert.equal(await dnsblLooksUp(address), expect.dnsblLookedUp, 'looked up on blocklists');
      assert.equal(ipOption(address), expect.ipOption, '--ip');
    });
  }

  it('an IPv6 address with a zone index is no address for --ip, and the error says why', () => {
    assert.equal(classifyAddress('fe80::1%eth0'), null);
    assert.throws(() => parseAuditFlags({ ip: ['fe80::1%eth0'] }), /zone index/);
  });
});

describe('an IPv4-mapped address is its IPv4 address (RFC 4291 2.5.5.2)', () => {
  it('is a blocklist subject as the IPv4 address, once beside the same address written as IPv4', async () => {
    const facts = await dnsblCollector.collect({
      target: { kind: 'domain', input: DOMAIN, domain: DOMAIN },
      env: { resolver: noDns, dialer: new NetDialer(), clock: fixedClock('2026-11-23T10:00:00Z') },
      options: { ...DEFAULT_OPTIONS, defaultDnsbls: false, dnsbls: [], ips: ['::ffff:192.0.2.25', '192.0.2.25', '::ffff:10.0.0.1'] },
      need: async <K extends FactKey>(key: K): Promise<FactMap[K]> => (key === 'mx' ? mxFacts('none') : Promise.reject(new Error(key))) as FactMap[K],
    });
    assert.deepEqual(facts.subjects.filter((s) => s.kind === 'ip').map((s) => [s.subject, s.family, s.notApplicable]), [
      ['192.0.2.25', 4, null],
      ['10.0.0.1', 4, '10.0.0.1 is on a private network (RFC 1918): blocklists list public addresses only'],
    ]);
  });
});
