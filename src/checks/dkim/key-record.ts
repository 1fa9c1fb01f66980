// dkim/key-record: every DKIM key record found parses and can verify signatures. RFC 6376
// 3.6.1 defines the tags (v=DKIM1 first if present, k, h, s, t, p); a malformed record or an
// undecodable p= makes every signature at that selector fail (permfail, 6.1.2). t=y marks the
// domain as testing, which lets verifiers ignore failures (3.6.1). h=sha1 alone forbids the only
// hash RFC 8301 3.1 still allows. An empty p= is a revoked key (3.6.1). RFC 6376 3.6.2.2: several
// TXT records at one selector give undefined results. A provider's key reached through a CNAME
// whose target names another domain (Microsoft 365's selector1-<domain>) belongs to that domain.
import { defineCheck } from '../../core/check.ts';
import { KEY_SIZE_ISSUES, dkimKeyRecords } from '../../dkim/key-records.ts';
import { expectedCnamePrefix, loadSelectorCatalog } from '../../dkim/selector-catalog.ts';

export default defineCheck({
  id: 'dkim/key-record',
  area: 'dkim',
  titles: {
    pass: 'Every DKIM key record is well-formed and usable',
    fail: 'Some DKIM key records are malformed',
    warn: 'Some DKIM key records are in testing or weakened',
    info: 'Some DKIM keys are revoked',
    error: 'Could not read every DKIM key record',
  },
  description:
    'Parses each key record found (following CNAMEs). fail: the record is malformed (v= not DKIM1 or not first, no p=, ' +
    'p= not a decodable RSA or 32-byte Ed25519 key, unknown k=, s= excluding email). warn: t=y (testing), h= allowing ' +
    'only sha1, several TXT records at one selector, a provider CNAME that names another domain, and other parser ' +
    'warnings. info: the key is revoked (empty p=). pass: every record is clean. skipped: no key record was found.',
  reference: 'RFC 6376 sections 3.6.1 and 3.6.2.2; RFC 8301 section 3.1; RFC 8463 section 4.2',
  targets: ['domain'],
  facts: ['dkim'],
  run(ctx) {
    const dkim = ctx.fact('dkim');
    const { keys } = dkimKeyRecords(dkim);
    if (keys.length === 0) return ctx.skip('no DKIM key record was found (see dkim/selectors)');
    const catalog = loadSelectorCatalog();
    const multiples = new Set<string>();
    for (const { lookup, text, key } of keys) {
      const subject = lookup.name;
      const evidence = [`${subject}: ${text}`];
      if (lookup.txt.cnames?.length) evidence.unshift(`${subject} CNAME ${lookup.txt.cnames.join(' -> ')}`);
      if (lookup.txt.values.length > 1 && !multiples.has(subject)) {
        multiples.add(subject);
        ctx.add('warn', 'multiple-records', {
          subject,
          message: `${subject} has ${lookup.txt.values.length} TXT records; RFC 6376 3.6.2.2 leaves the result undefined, so verifiers may pick either.`,
          remediation: 'Keep one key record per selector; publish a new key under a new selector.',
          evidence: lookup.txt.values,
        });
      }
      for (const issue of key.issues) {
        if (KEY_SIZE_ISSUES.has(issue.code)) continue;
        ctx.add(issue.severity, issue.code.replace(/^dkim-/, ''), {
          subject,
          message: `Selector ${lookup.selector}: ${issue.message}`,
          remediation: issue.code === 'dkim-testing' ? 'Remove t=y once signing works.'
            : issue.code === 'dkim-key-revoked' ? 'Nothing to do if the key was retired on purpose; otherwise publish the current key.'
            : issue.code === 'dkim-hash-sha1-only' ? 'Remove h= (or set h=sha256) and sign with rsa-sha256.'
            : 'Republish the record as the signer generated it: "v=DKIM1; k=rsa; p=<base64 public key>".',
          evidence,
        });
      }
      const provider = lookup.provider ? catalog.providers.find((p) => p.name === lookup.provider) : undefined;
      const expected = provider ? expectedCnamePrefix(provider, lookup.selector, dkim.domain) : null;
      const target = lookup.txt.cnames?.[0];
      if (expected && target && !target.startsWith(expected)) {
        ctx.add('warn', 'cname-other-domain', {
          subject,
          message: `${subject} points to ${target}, but ${provider!.name} names the key for ${dkim.domain} ${expected}...; the key probably belongs to another domain, so signatures with d=${dkim.domain} will not verify.`,
          remediation: `Copy the CNAME target for ${dkim.domain} from the ${provider!.name} admin portal.`,
          evidence,
        });
      }
      if (key.issues.length === 0 || key.issues.every((i) => KEY_SIZE_ISSUES.has(i.code))) {
        ctx.note(`${lookup.selector}: ${key.keyType} key, ${key.keyFormat}${key.keyBits ? `, ${key.keyBits} bits` : ''}.`);
      }
    }
  },
});
