// dkim/selectors: some DKIM key is published for the domain, at a selector the user named or
// one discovered from the provider catalogue. RFC 6376 3.6.2.1: verifiers fetch the key from
// `<selector>._domainkey.<domain>`; with no key there, mail signed with d=<domain> cannot
// verify and DMARC can only pass through SPF. Selectors cannot be listed from DNS (RFC 6376
// 3.1), so "not found" means "not at any name tried", which the finding says.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { dkimKeyRecords, holdsKey } from '../../dkim/key-records.ts';

export default defineCheck({
  id: 'dkim/selectors',
  area: 'dkim',
  titles: {
    pass: 'A DKIM key is published at a known selector',
    warn: 'No DKIM key was found at the selectors tried',
    info: 'The domain answers every DKIM selector (a _domainkey wildcard)',
    error: 'Could not look up every DKIM selector',
  },
  description:
    'Tries every --selector, the selectors of providers inferred from the MX hosts and SPF includes, the curated ' +
    'catalogue (data/dkim-selectors.json) and generic names; a note lists them. A random selector is asked first, and ' +
    'answers equal to its answer are a _domainkey wildcard, not keys (info). warn: no key at any selector tried, a given ' +
    'selector has no key, or every key found is revoked. error: nothing found and some lookups failed. pass: a key was found.',
  reference: 'RFC 6376 sections 3.1 and 3.6.2.1',
  targets: ['domain'],
  facts: ['dkim'],
  run(ctx) {
    const dkim = ctx.fact('dkim');
    const { keys, ignored } = dkimKeyRecords(dkim);
    const withKey = keys.filter(holdsKey);
    const revoked = keys.filter((k) => k.key.revoked);
    ctx.note(`Tried ${dkim.tried.length} selectors: ${dkim.tried.join(', ')}.`);
    for (const inferred of dkim.inferred) {
      ctx.note(`${inferred.provider} inferred from ${inferred.reason}${inferred.selectors.length > 0 ? `; its selectors ${inferred.selectors.join(', ')} were tried first` : ''}.${inferred.note ? ` ${inferred.note}` : ''}`);
    }
    if (dkim.probe.txt.outcome === 'error') ctx.note(`The wildcard probe ${dkim.probe.name} failed (${describeLookupError(dkim.probe.txt)}), so a _domainkey wildcard could not be ruled out.`);
    for (const { lookup, text } of ignored) ctx.note(`${lookup.name} holds a TXT record that is not a DKIM key, ignored: ${text.slice(0, 80)}`);

    if (dkim.wildcard) {
      const noise = dkim.lookups.filter((l) => l.wildcard).map((l) => l.selector);
      ctx.add('info', 'wildcard', {
        subject: `*._domainkey.${dkim.domain}`,
        message: `${dkim.probe.name}, a selector nobody uses, has a TXT record, so a wildcard answers every selector; ` +
          `${noise.length} matching answer${noise.length === 1 ? '' : 's'} (${noise.join(', ') || 'none'}) ${noise.length === 1 ? 'was' : 'were'} ignored as wildcard noise.`,
        remediation: 'Remove the wildcard under _domainkey unless it is intended; it makes every selector look published.',
        evidence: dkim.probe.txt.values,
      });
    }

    for (const selector of dkim.given) {
      const lookup = dkim.lookups.find((l) => l.selector === selector);
      if (!lookup) continue;
      if (lookup.txt.outcome === 'error') {
        ctx.undetermined(lookup.name, `TXT lookup failed: ${describeLookupError(lookup.txt)}`);
      } else if (lookup.wildcard || lookup.txt.outcome !== 'ok') {
        ctx.add('warn', 'selector-not-found', {
          subject: lookup.name,
          message: lookup.wildcard
            ? `The selector ${selector} you named has no record of its own; it only matches the _domainkey wildcard.`
            : `The selector ${selector} you named has no DKIM key: ${lookup.name} is ${lookup.txt.outcome.toUpperCase()}${lookup.txt.cnames ? ` (CNAME ${lookup.txt.cnames.join(' -> ')})` : ''}.`,
          remediation: `Publish the key at ${lookup.name}, or check the s= tag of a DKIM-Signature your mail carries.`,
          evidence: [`${lookup.name}: ${lookup.txt.outcome.toUpperCase()}`],
        });
      }
    }

    if (withKey.length > 0) {
      ctx.note(`DKIM keys found at: ${withKey.map((k) => k.lookup.selector + (k.lookup.provider ? ` (${k.lookup.provider})` : '')).join(', ')}.`);
      return;
    }
    if (revoked.length > 0) {
      ctx.add('warn', 'only-revoked', {
        subject: dkim.domain,
        message: `The only DKIM records found (${revoked.map((k) => k.lookup.selector).join(', ')}) are revoked (empty p=), so no signature can verify.`,
        remediation: 'Publish the current signing key at the selector your mail server uses.',
        evidence: revoked.map((k) => `${k.lookup.name}: ${k.text}`),
      });
      return;
    }
    const failed = dkim.lookups.filter((l) => l.txt.outcome === 'error');
    if (failed.length > 0) {
      const shown = failed.slice(0, 3).map((l) => `${l.selector}: ${describeLookupError(l.txt)}`).join('; ');
      const more = failed.length > 3 ? `; and ${failed.length - 3} more` : '';
      ctx.undetermined(dkim.domain, `no DKIM key found, but ${failed.length} selector lookup${failed.length === 1 ? '' : 's'} failed (${shown}${more})`);
      return;
    }
    if (keys.length > 0) {
      // records were found but none holds a decodable key: dkim/key-record fails them
      ctx.note(`Key records found at ${keys.map((k) => k.lookup.selector).join(', ')}, but none holds a decodable key (see dkim/key-record).`);
      return;
    }
    ctx.add('warn', 'no-key-found', {
      subject: dkim.domain,
      message: `No DKIM key was found for ${dkim.domain} at any of the ${dkim.tried.length} selectors tried; DKIM selectors cannot be listed from DNS, so the key may exist under another name.`,
      remediation: 'Run again with --selector <name> (the s= tag of a DKIM-Signature header in mail you sent), or enable DKIM signing at your mail provider and publish its key.',
      evidence: [`tried: ${dkim.tried.join(' ')}`],
    });
  },
});
