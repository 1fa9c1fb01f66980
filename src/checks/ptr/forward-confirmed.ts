// ptr/forward-confirmed: forward-confirmed reverse DNS (FCrDNS). RFC 8601 3 ("iprev"): the
// check passes when some PTR name of the address resolves back to the same address; receivers
// use it as the identity of the connecting server.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { sameAddress } from '../../collect/ptr.ts';

export default defineCheck({
  id: 'ptr/forward-confirmed',
  area: 'ptr',
  titles: {
    pass: 'Every PTR name resolves back to its address',
    warn: 'Some PTR names do not resolve back to their address',
    error: 'Could not confirm every PTR name against its address',
  },
  description:
    'For each address with a PTR record, looks up the A/AAAA records of each PTR name. warn: no PTR name resolves ' +
    'back to the address (FCrDNS fails). error: a forward lookup failed and none confirmed. skipped: no PTR records to confirm.',
  reference: 'RFC 8601 section 3',
  targets: ['domain', 'ip'],
  facts: ['ptr'],
  run(ctx) {
    const ptr = ctx.fact('ptr');
    let confirmable = 0;
    for (const entry of ptr.addresses) {
      if (entry.ptr.values.length === 0) continue;
      confirmable++;
      const forward = Object.entries(entry.forward);
      if (forward.some(([, lookup]) => lookup.values.some((a) => sameAddress(a, entry.address)))) continue;
      const failed = forward.filter(([, lookup]) => lookup.outcome === 'error');
      if (failed.length > 0) {
        ctx.undetermined(entry.address, `forward lookup of ${failed.map(([n, l]) => `${n} (${describeLookupError(l)})`).join(', ')} failed`);
        continue;
      }
      const rr = entry.family === 4 ? 'A' : 'AAAA';
      ctx.add('warn', 'mismatch', {
        subject: entry.address,
        message: `The PTR name${forward.length > 1 ? 's' : ''} of ${entry.address} (${forward.map(([n]) => n).join(', ')}) ${forward.length > 1 ? 'do' : 'does'} not resolve back to it, so forward-confirmed reverse DNS (iprev) fails.`,
        remediation: `Publish "${forward[0]![0]}. IN ${rr} ${entry.address}", or change the PTR to a name that already resolves to ${entry.address}.`,
        evidence: forward.map(([name, lookup]) => `${rr} ${name}: ${lookup.values.length > 0 ? lookup.values.join(', ') : lookup.outcome.toUpperCase()}`),
      });
    }
    if (confirmable === 0) {
      if (ptr.addresses.some((a) => a.ptr.outcome === 'error')) return ctx.undetermined('', 'the PTR lookups failed');
      if (ptr.addresses.length === 0 && (ptr.mxKind === 'unknown' || ptr.mxKind === 'mx')) return ctx.undetermined('', 'the mail server addresses are unknown');
      return ctx.skip(ptr.addresses.length === 0 ? 'no mail server addresses' : 'no PTR records to confirm');
    }
  },
});
