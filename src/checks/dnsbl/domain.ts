// dnsbl/domain: the domain is not listed on a domain blocklist. Receivers and filters look up
// the domains in a message (envelope, From, links) on domain-name DNSxLs (RFC 5782 section 2:
// the domain itself under the list's zone), and junk or refuse mail that carries a listed one.
// Lists that hold registrable domains only (URIBL, SURBL) are asked the organizational domain
// too; wildcarded lists (Spamhaus DBL) match the name itself at any level. A list is trusted
// only after its test points (RFC 5782 section 5: TEST listed, INVALID not, or the points the
// operator documents) read right through this resolver; refusals (Spamhaus 127.255.255.254,
// URIBL 127.0.0.1) and rewritten answers are `error` for that list, never a listing.
import { defineCheck } from '../../core/check.ts';
import { judgeLists, LISTING_FAIL_WEIGHT } from '../../dnsbl/judge-dnsbl.ts';

export default defineCheck({
  id: 'dnsbl/domain',
  area: 'dnsbl',
  titles: {
    pass: 'The domain is not listed on the domain blocklists',
    fail: 'The domain is listed on a domain blocklist',
    warn: 'The domain is listed on a low-weight domain blocklist',
    error: 'Could not check every domain blocklist',
  },
  description:
    'Looks up the domain (and, for lists of registrable domains, its organizational domain) on each domain blocklist: ' +
    'the shipped set unless --no-default-dnsbls, plus each --dnsbl zone:domain. Each list must first list its ' +
    'always-listed test point and not its never-listed one through this resolver. ' +
    `fail: listed on a list of weight ${LISTING_FAIL_WEIGHT} or more; warn: listed only on lighter lists ` +
    `(weight 1-${LISTING_FAIL_WEIGHT - 1}). error: a list failed its test points (refuses this resolver, or the resolver ` +
    'rewrites NXDOMAIN), or a query timed out, failed, was refused or got an answer outside 127.0.0.0/8, and no listing ' +
    'fails: such answers are never read as listings. skipped: no domain lists selected.',
  reference: 'RFC 5782 sections 2 and 5',
  targets: ['domain'],
  facts: ['dnsbl'],
  run(ctx) {
    const subjects = ctx.fact('dnsbl').subjects.filter((s) => s.kind === 'domain');
    if (subjects.length === 0) return ctx.skip('no domain to look up');
    judgeLists(ctx, 'domain', subjects);
  },
});
