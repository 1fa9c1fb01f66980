// mx/targets: every MX exchange is a host name with address records. RFC 5321 5.1: the
// exchange is a domain name whose A/AAAA records give the addresses; it must not be an
// alias (RFC 2181 10.3: "the domain name used as the value of a NS resource record, or part
// of the value of a MX resource record must not be an alias"), and an IP literal in an MX
// is not a host name at all (RFC 7505 / RFC 5321 5.1: senders look up the name's addresses).
// Addresses on loopback, private or link-local networks are unreachable from the Internet.
import net from 'node:net';
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';

/** Addresses no outside sender can reach (RFC 1918, RFC 1122 loopback, RFC 3927/4291 link-local, RFC 4193 ULA). */
export function unroutableReason(address: string): string | null {
  if (net.isIPv4(address)) {
    const [a, b] = address.split('.').map(Number) as [number, number];
    if (a === 127) return 'loopback';
    if (a === 0) return 'the unspecified network';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private network (RFC 1918)';
    if (a === 169 && b === 254) return 'link-local';
    if (a === 100 && b >= 64 && b <= 127) return 'carrier-grade NAT space (RFC 6598)';
    return null;
  }
  const lower = address.toLowerCase();
  if (lower === '::1') return 'loopback';
  if (lower === '::') return 'the unspecified address';
  if (/^fe[89ab]/.test(lower)) return 'link-local';
  if (/^f[cd]/.test(lower)) return 'a unique-local network (RFC 4193)';
  return null;
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
    'has no A/AAAA records, or resolves only to loopback/private addresses. ' +
    'error: its address lookups failed. skipped: null MX or no MX hosts.',
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
      const unroutable = addresses.map((a) => ({ a, reason: unroutableReason(a) })).filter((x) => x.reason);
      if (unroutable.length === addresses.length) {
        ctx.add('fail', 'unroutable', {
          subject,
          message: `The MX target ${host.name} resolves only to addresses that cannot be reached from the Internet (${unroutable.map((u) => `${u.a}: ${u.reason}`).join(', ')}).`,
          remediation: `Publish the public address of your mail server for ${host.name}.`,
          evidence: addresses.map((a) => `${a.includes(':') ? 'AAAA' : 'A'} ${a}`),
        });
      } else if (unroutable.length > 0) {
        ctx.add('warn', 'partly-unroutable', {
          subject,
          message: `The MX target ${host.name} also resolves to unreachable addresses (${unroutable.map((u) => `${u.a}: ${u.reason}`).join(', ')}); senders that pick them will time out.`,
          remediation: `Remove the private or loopback addresses from ${host.name}.`,
          evidence: addresses.map((a) => `${a.includes(':') ? 'AAAA' : 'A'} ${a}`),
        });
      }
    }
  },
});
