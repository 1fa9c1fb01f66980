// mx/present: the domain says where its mail goes. RFC 5321 5.1: a domain's MX records name
// its mail exchangers; with none, the domain's own A/AAAA is an implicit MX (it works, but
// mail lands on whatever serves the web site). RFC 7505 3: a single "0 ." MX (null MX)
// declares that the domain accepts no mail at all, and must be the only MX record.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';

export default defineCheck({
  id: 'mx/present',
  area: 'mx',
  titles: {
    pass: 'The domain publishes MX records',
    fail: 'The domain has no usable MX records',
    warn: 'The domain relies on an implicit MX or a malformed null MX',
    info: 'The domain accepts no mail (null MX)',
    error: 'Could not tell whether the domain publishes MX records',
  },
  description:
    'Looks up the MX records. fail: the domain does not exist, or has neither MX nor A/AAAA records. ' +
    'warn: no MX but an address record, so senders use the implicit MX (RFC 5321 section 5.1). ' +
    'info: a null MX (RFC 7505) says the domain receives no mail; mail probes are skipped. ' +
    'error: the MX lookup failed (timeout, SERVFAIL).',
  reference: 'RFC 5321 section 5.1; RFC 7505 section 3',
  targets: ['domain'],
  facts: ['mx'],
  run(ctx) {
    const mx = ctx.fact('mx');
    const domain = mx.domain;
    switch (mx.kind) {
      case 'mx': {
        const list = [...mx.mx.values].sort((a, b) => a.priority - b.priority);
        ctx.note(`${list.length} MX record${list.length === 1 ? '' : 's'}: ${list.map((r) => `${r.priority} ${r.exchange}`).join(', ')}`);
        return;
      }
      case 'null-mx': {
        const others = mx.mx.values.filter((r) => r.exchange !== '' && r.exchange !== '.');
        const nullRecord = mx.mx.values.find((r) => r.exchange === '' || r.exchange === '.')!;
        if (others.length > 0) {
          ctx.add('warn', 'null-mx-with-others', {
            subject: domain,
            message: `The domain publishes a null MX together with ${others.length} other MX record(s); RFC 7505 section 3 forbids that, and senders will treat the result inconsistently.`,
            remediation: 'Either remove the "0 ." record to receive mail, or remove every other MX record to refuse it.',
            evidence: mx.mx.values.map((r) => `MX ${r.priority} ${r.exchange || '.'}`),
          });
          return;
        }
        if (nullRecord.priority !== 0) {
          ctx.add('warn', 'null-mx-preference', {
            subject: domain,
            message: `The null MX has preference ${nullRecord.priority}; RFC 7505 section 3 requires preference 0.`,
            remediation: `Publish it as "${domain}. IN MX 0 ."`,
            evidence: [`MX ${nullRecord.priority} .`],
          });
          return;
        }
        ctx.add('info', 'null-mx', {
          subject: domain,
          message: 'The domain publishes a null MX (RFC 7505): it accepts no mail, so mail probes are skipped.',
          evidence: ['MX 0 .'],
        });
        return;
      }
      case 'implicit': {
        const host = mx.hosts[0]!;
        const addresses = [...host.a.values, ...host.aaaa.values];
        ctx.add('warn', 'implicit-mx', {
          subject: domain,
          message: `The domain has no MX records; senders fall back to its address records (${addresses.join(', ')}) as an implicit MX.`,
          remediation: `Publish an MX record naming your mail server, or a null MX ("${domain}. IN MX 0 .") if the domain sends and receives no mail.`,
          evidence: addresses.map((a) => `${a.includes(':') ? 'AAAA' : 'A'} ${a}`),
        });
        return;
      }
      case 'none': {
        const nx = mx.mx.outcome === 'nxdomain';
        ctx.add('fail', nx ? 'domain-not-found' : 'no-mx', {
          subject: domain,
          message: nx
            ? 'The domain does not exist in DNS (NXDOMAIN), so no mail can be delivered to it.'
            : 'The domain has no MX records and no A/AAAA records: mail to it cannot be delivered.',
          remediation: nx
            ? 'Check the spelling, or register and delegate the domain.'
            : `Publish an MX record for your mail server, or a null MX ("${domain}. IN MX 0 .") to state that it receives no mail.`,
          evidence: [`MX ${domain}: ${mx.mx.outcome.toUpperCase()}`],
        });
        return;
      }
      case 'unknown': {
        if (mx.mx.outcome === 'error') {
          ctx.undetermined(domain, `MX lookup failed: ${describeLookupError(mx.mx)}`);
        } else {
          const host = mx.hosts[0];
          const failing = host && host.a.outcome === 'error' ? host.a : host?.aaaa;
          ctx.undetermined(domain, `no MX records, and the implicit-MX address lookup failed: ${failing ? describeLookupError(failing) : 'unknown error'}`);
        }
        return;
      }
    }
  },
});
