// dmarc/external-reporting: every rua/ruf destination outside the domain has agreed to receive
// its reports. RFC 7489 7.1: before sending reports to a host outside the policy domain's
// Organizational Domain, receivers look up `<policy domain>._report._dmarc.<host>` and send
// nothing unless a TXT record there starts with v=DMARC1. Without it the address in the record
// silently receives no reports.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';

export default defineCheck({
  id: 'dmarc/external-reporting',
  area: 'dmarc',
  titles: {
    pass: 'External DMARC report destinations are authorized',
    warn: 'Some DMARC report destinations have not authorized the reports',
    error: 'Could not check every external DMARC report destination',
  },
  description:
    'For each rua/ruf host in another organizational domain, looks up <policy domain>._report._dmarc.<host> and ' +
    '*._report._dmarc.<host> for a v=DMARC1 record. warn: a destination publishes neither, so receivers send it no reports ' +
    '(each one is named). error: the lookup failed. pass: every external destination is authorized, or all reports stay ' +
    'inside the domain. skipped: no DMARC record applies.',
  reference: 'RFC 7489 section 7.1',
  targets: ['domain'],
  facts: ['dmarc'],
  run(ctx) {
    const dmarc = ctx.fact('dmarc');
    if (!dmarc.applied) return ctx.skip('no DMARC record applies (see dmarc/present)');
    const policyDomain = dmarc.applied.domain;
    if (dmarc.external.length === 0) {
      ctx.note('Every report address is inside the organizational domain, so no authorization record is needed.');
      return;
    }
    for (const destination of dmarc.external) {
      const tags = destination.tags.join('/');
      if (destination.authorized === true) {
        ctx.note(`${destination.host} (${tags}) is authorized by ${destination.authorizedBy}.`);
        continue;
      }
      if (destination.authorized === null) {
        ctx.undetermined(destination.host, `the authorization lookup ${destination.name} failed: ${describeLookupError(destination.lookup)}`);
        continue;
      }
      ctx.add('warn', 'unauthorized', {
        subject: destination.host,
        message: `${destination.uris.join(', ')} (${tags}) is outside ${policyDomain}, and ${destination.host} publishes no v=DMARC1 record at ` +
          `${destination.name} or ${destination.wildcardName}, so receivers send it no reports.`,
        remediation: `Ask the operator of ${destination.host} to publish the TXT record "v=DMARC1" at ${destination.name}, or send reports to an address in ${policyDomain}.`,
        evidence: [
          `${destination.name}: ${destination.lookup.outcome === 'ok' ? destination.lookup.values.join(' | ') : destination.lookup.outcome.toUpperCase()}`,
          `${destination.wildcardName}: ${destination.wildcard.outcome === 'ok' ? destination.wildcard.values.join(' | ') : destination.wildcard.outcome.toUpperCase()}`,
        ],
      });
    }
  },
});
