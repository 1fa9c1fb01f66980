// ptr/present: every mail server address has a reverse DNS name. RFC 1912 2.1: "every
// Internet-reachable host should have a name" with matching PTR; large receivers (and
// M3AAWG's best practices) reject or penalize mail from addresses without one, and the
// iprev method of RFC 8601 3 fails without it.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';

export default defineCheck({
  id: 'ptr/present',
  area: 'ptr',
  titles: {
    pass: 'Every mail server address has a PTR record',
    fail: 'Some mail server addresses have no PTR record',
    info: 'Some mail server addresses have several PTR records',
    error: 'Could not look up the PTR record of every mail server address',
  },
  description:
    'Looks up the PTR record of every address of every MX host (or of the IP target). fail: NXDOMAIN or no PTR. ' +
    'info: several PTR names (receivers may use any one). error: the lookup failed. skipped: no MX addresses (null MX, no MX).',
  reference: 'RFC 1912 section 2.1; RFC 8601 section 3',
  targets: ['domain', 'ip'],
  facts: ['ptr'],
  run(ctx) {
    const ptr = ctx.fact('ptr');
    if (ptr.addresses.length === 0) {
      if (ptr.mxKind === 'unknown') return ctx.undetermined('', 'the MX lookups failed, so the mail server addresses are unknown');
      if (ptr.mxKind === 'mx') return ctx.undetermined('', 'no MX host has an address that could be looked up');
      return ctx.skip(ptr.mxKind === 'null-mx' ? 'the domain publishes a null MX' : 'the domain has no mail server addresses');
    }
    for (const entry of ptr.addresses) {
      const via = entry.hosts.length > 0 ? ` (${entry.hosts.join(', ')})` : '';
      if (entry.ptr.outcome === 'error') {
        ctx.undetermined(entry.address, `PTR lookup failed: ${describeLookupError(entry.ptr)}`);
      } else if (entry.ptr.values.length === 0) {
        ctx.add('fail', 'missing', {
          subject: entry.address,
          message: `The address ${entry.address}${via} has no PTR record (${entry.ptr.outcome === 'nxdomain' ? 'NXDOMAIN' : 'no data'}); many receivers refuse or down-rank mail from addresses without reverse DNS.`,
          remediation: `Ask whoever owns ${entry.address} (your hosting or network provider) to set its PTR to the server's host name${entry.hosts[0] ? `, ${entry.hosts[0]}` : ''}.`,
          evidence: [`PTR ${entry.address}: ${entry.ptr.outcome.toUpperCase()}`],
        });
      } else if (entry.ptr.values.length > 1) {
        ctx.add('info', 'several', {
          subject: entry.address,
          message: `The address ${entry.address}${via} has ${entry.ptr.values.length} PTR records (${entry.ptr.values.join(', ')}); receivers may check any one of them.`,
          remediation: 'Keep a single PTR record naming the mail server.',
          evidence: entry.ptr.values.map((v) => `PTR ${v}`),
        });
      }
    }
  },
});
