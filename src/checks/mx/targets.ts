// mx/targets: every MX exchange is a host name with address records. RFC 5321 5.1: the
// exchange is a domain name whose A/AAAA records give the addresses; it must not be an
// alias (RFC 2181 10.3: "the domain name used as the value of a NS resource record, or part
// of the value of a MX resource record must not be an alias"), and an IP literal in an MX
// is not a host name at all (RFC 7505 / RFC 5321 5.1: senders look up the name's addresses).
// An address that is not globally reachable per the IANA special-purpose registries (private,
// loopback, link-local, documentation, benchmarking, reserved, multicast..., classified by
// src/net/address-class.ts, an IPv4-mapped address judged as its IPv4 address) cannot be
// reached by outside senders.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { classifyAddress, type AddressClass } from '../../net/address-class.ts';

/**
 * The names RFC 2606 (and RFC 6761) reserve for documentation and testing: the TLDs .test,
 * .example, .invalid and .localhost, and example.com, example.net and example.org. They never
 * exist on the Internet, so an audit of one runs on a test network, where the documentation
 * addresses (RFC 5737, RFC 3849, RFC 9637) are exactly what stands in for public ones.
 */
export function isDocumentationName(domain: string): boolean {
  const name = domain.toLowerCase().replace(/\.$/, '');
  return /(?:^|\.)(?:test|example|invalid|localhost)$/.test(name) || /(?:^|\.)example\.(?:com|net|org)$/.test(name);
}

/**
 * Why outside senders cannot reach this MX address, or null when they can. Documentation
 * addresses are accepted for documentation names only (see isDocumentationName).
 */
export function unreachableReason(address: string, domain: string): string | null {
  const cls: AddressClass | null = classifyAddress(address);
  if (cls === null) return 'not an IP address';
  if (cls.scope === 'global') return null;
  if (cls.scope === 'documentation' && isDocumentationName(domain)) return null;
  return cls.description;
}

export default defineCheck({
  id: 'mx/targets',
  area: 'mx',
  titles: {
    pass: 'Every MX target is a host name with address records',
    fail: 'Some MX targets are unusable',
    warn: 'Some MX targets have private or loopback addresses',
    error: 'Could not check every MX target',
  },
  description:
    'For each MX exchange (or the implicit MX): fail when it is an IP literal, an alias (CNAME), ' +
    'has no A/AAAA records, or resolves only to addresses that are not globally reachable per the IANA special-purpose ' +
    'registries (private, loopback, link-local, shared CGN, documentation, benchmarking, reserved, multicast, broadcast; ' +
    'an IPv4-mapped address is judged as its IPv4 address); warn when only some of its addresses are. Documentation ' +
    'addresses are accepted for the documentation names of RFC 2606 (.example, .test, example.com...), which exist only ' +
    'on test networks. error: its address lookups failed. skipped: null MX or no MX hosts.',
  reference: 'RFC 5321 section 5.1; RFC 2181 section 10.3',
  targets: ['domain'],
  facts: ['mx'],
  run(ctx) {
    const mx = ctx.fact('mx');
    if (mx.kind === 'null-mx') return ctx.skip('the domain publishes a null MX');
    if (mx.kind === 'none') return ctx.skip('the domain has no MX hosts');
    if (mx.kind === 'unknown') return ctx.undetermined(mx.domain, `MX lookup failed: ${describeLookupError(mx.mx.outcome === 'error' ? mx.mx : mx.hosts[0]?.a ?? mx.mx)}`);
    for (const host of mx.hosts) {
      const subject = host.name;
      if (host.ipLiteral) {
        ctx.add('fail', 'ip-literal', {
          subject,
          message: `The MX target "${host.name}" is an IP address, not a host name; senders look up its A/AAAA records and find none.`,
          remediation: `Create a host name (e.g. mail.${mx.domain}) with an A record for that address and point the MX at it.`,
          evidence: [`MX ${host.priority} ${host.name}`],
        });
        continue;
      }
      const cnames = host.a.cnames ?? host.aaaa.cnames ?? [];
      if (cnames.length > 0) {
        ctx.add('fail', 'cname', {
          subject,
          message: `The MX target ${host.name} is an alias (CNAME to ${cnames.join(' -> ')}); RFC 2181 section 10.3 forbids aliases in MX records and some senders refuse to deliver.`,
          remediation: `Point the MX record directly at ${cnames.at(-1)}.`,
          evidence: [`MX ${host.priority} ${host.name}`, `${host.name} CNAME ${cnames.join(' -> ')}`],
        });
      }
      const addresses = [...host.a.values, ...host.aaaa.values];
      if (addresses.length === 0) {
        const failed = [host.a, host.aaaa].find((l) => l.outcome === 'error');
        if (failed) {
          ctx.undetermined(subject, `address lookup failed: ${describeLookupError(failed)}`);
        } else {
          const nx = host.a.outcome === 'nxdomain';
          ctx.add('fail', nx ? 'target-not-found' : 'no-address', {
            subject,
            message: nx
              ? `The MX target ${host.name} does not exist (NXDOMAIN), so mail for ${mx.domain} cannot be delivered to it.`
              : `The MX target ${host.name} has no A or AAAA records, so senders cannot connect to it.`,
            remediation: `Publish an A (and AAAA) record for ${host.name}, or point the MX at a host that has one.`,
            evidence: [`A ${host.name}: ${host.a.outcome.toUpperCase()}`, `AAAA ${host.name}: ${host.aaaa.outcome.toUpperCase()}`],
          });
        }
        continue;
      }
      const unroutable = addresses.map((a) => ({ a, reason: unreachableReason(a, mx.domain) })).filter((x) => x.reason);
      if (unroutable.length === addresses.length) {
        ctx.add('fail', 'unroutable', {
          subject,
          message: `The MX target ${host.name} resolves only to addresses that cannot be reached from the Internet (${unroutable.map((u) => `${u.a} is ${u.reason}`).join('; ')}).`,
          remediation: `Publish the public address of your mail server for ${host.name}.`,
          evidence: addresses.map((a) => `${a.includes(':') ? 'AAAA' : 'A'} ${a}`),
        });
      } else if (unroutable.length > 0) {
        ctx.add('warn', 'partly-unroutable', {
          subject,
          message: `The MX target ${host.name} also resolves to addresses that cannot be reached from the Internet (${unroutable.map((u) => `${u.a} is ${u.reason}`).join('; ')}); senders that pick them will time out.`,
          remediation: `Remove those addresses from ${host.name}, keeping only public ones.`,
          evidence: addresses.map((a) => `${a.includes(':') ? 'AAAA' : 'A'} ${a}`),
        });
      }
    }
  },
});
