// dnsbl/ip: no mail server address (nor any --ip) is listed on an IP blocklist. Receivers
// query DNS blocklists for the connecting address (RFC 5782 section 2.1, reversed octets;
// section 2.4, reversed nibbles for IPv6) and refuse or junk mail from listed addresses, so a
// listing stops mail whatever SPF, DKIM and DMARC say. Answers are read with each list's
// documented codes (data/dnsbl.json), and a list is trusted only after its test points
// (RFC 5782 section 5) read right through this resolver: a refusal such as Spamhaus's
// 127.255.255.254 for public resolvers, or a resolver that rewrites NXDOMAIN, is `error` for
// that list, never a listing.
import { defineCheck } from '../../core/check.ts';
import { judgeLists, LISTING_FAIL_WEIGHT } from '../../dnsbl/judge-dnsbl.ts';

export default defineCheck({
  id: 'dnsbl/ip',
  area: 'dnsbl',
  titles: {
    pass: 'No mail server address is listed on the IP blocklists',
    fail: 'A mail server address is listed on an IP blocklist',
    warn: 'A mail server address is listed on a low-weight IP blocklist',
    error: 'Could not check every IP blocklist',
  },
  description:
    'Looks up every MX address (or the IP target) and every --ip on each IP blocklist: the shipped set unless ' +
    '--no-default-dnsbls, plus each --dnsbl zone. Each list must first list its always-listed test point and not its ' +
    `never-listed one through this resolver. fail: an address is listed on a list of weight ${LISTING_FAIL_WEIGHT} or more; ` +
    `warn: listed only on lighter lists (weight 1-${LISTING_FAIL_WEIGHT - 1}). error: a list failed its test points (it refuses ` +
    'this resolver, as Spamhaus does public resolvers with 127.255.255.254, or the resolver rewrites NXDOMAIN), or a query ' +
    'timed out, failed, was refused or got an answer outside 127.0.0.0/8, and no listing fails: such answers are never ' +
    'read as listings. skipped: no mail server addresses (null MX, no MX) or no IP lists selected.',
  reference: 'RFC 5782 sections 2 and 5',
  targets: ['domain', 'ip'],
  facts: ['dnsbl'],
  run(ctx) {
    const facts = ctx.fact('dnsbl');
    const subjects = facts.subjects.filter((s) => s.kind === 'ip');
    let unknown = false;
    if (facts.mxError) {
      ctx.undetermined('', `the mail server addresses are unknown: ${facts.mxError}`);
      unknown = true;
    } else if (facts.mxKind === 'unknown') {
      ctx.undetermined('', 'the MX lookup failed, so the mail server addresses are unknown');
      unknown = true;
    } else {
      for (const h of facts.mxUnresolved) {
        ctx.undetermined(h.host, `the addresses of this MX host could not be looked up (${h.error}), so they were not checked`);
        unknown = true;
      }
    }
    if (subjects.length === 0) {
      if (unknown) return;
      if (facts.mxKind === 'null-mx') return ctx.skip('the domain publishes a null MX and no --ip was given');
      if (facts.mxKind === 'mx') return ctx.skip('no MX host has an address, and no --ip was given');
      return ctx.skip('the domain has no mail server addresses, and no --ip was given');
    }
    if (subjects.every((s) => s.notApplicable !== null)) {
      for (const s of subjects) ctx.note(`Not looked up: ${s.notApplicable}.`);
      return ctx.skip('no public address to look up');
    }
    judgeLists(ctx, 'ip', subjects);
  },
});
