// dane/tlsa: where an MX host publishes TLSA records (_25._tcp.<mx>), they match the
// certificate it presents. DANE (RFC 7672) lets senders authenticate the MX through DNSSEC
// instead of public CAs; senders that do DANE treat a mismatch, or an MX with TLSA records and
// no working STARTTLS, as a failure and hold the mail (RFC 7672 sections 2.2 and 3). Records
// count only when DNSSEC-validated (the AD flag); PKIX-TA(0) and PKIX-EE(1) are unusable for
// SMTP (section 3.1.3). Matching itself is src/probe/dane-match.ts.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { describeTlsa, matchTlsa, tlsaDataFor } from '../../probe/dane-match.ts';
import { probeSubject, unreachableReason } from '../../probe/describe.ts';

export default defineCheck({
  id: 'dane/tlsa',
  area: 'dane',
  titles: {
    pass: 'TLSA records match the MX certificates',
    fail: 'TLSA records do not match what the MX hosts present',
    info: 'DANE does not protect the MX hosts',
    error: 'Could not match the TLSA records of every MX host',
  },
  description:
    'Looks up TLSA records at _<port>._tcp.<mx host> and matches DANE-EE(3) and DANE-TA(2) records (full certificate or SPKI; exact, SHA-256 or SHA-512) against the chain each address of that host presented. ' +
    'fail: no usable record matches, or the host publishes TLSA records but does not complete STARTTLS. ' +
    'info: no MX host publishes TLSA records; records not DNSSEC-authenticated (AD flag clear); PKIX-TA/PKIX-EE records, which SMTP ignores. ' +
    'error: a TLSA lookup or the MX lookup failed, or an address with records could not be reached. ' +
    'skipped: a null MX, an IP target, or records found but --no-smtp.',
  reference: 'RFC 7672 sections 2.2 and 3; RFC 6698 section 2.1; RFC 7671 section 5',
  targets: ['domain'],
  facts: ['dane', 'smtp'],
  run(ctx) {
    const dane = ctx.fact('dane');
    const smtp = ctx.fact('smtp');
    if (dane.skipped !== null) return ctx.skip(dane.skipped);
    const domain = ctx.target.kind === 'domain' ? ctx.target.domain : '';
    if (dane.mxUnknown !== undefined) return ctx.undetermined(domain, `${dane.mxUnknown}, so the TLSA records of the MX hosts could not be looked up`);
    const withRecords = dane.hosts.filter((h) => h.tlsa.values.length > 0);
    for (const h of dane.hosts) {
      if (h.tlsa.outcome === 'error') ctx.undetermined(h.host, `TLSA lookup of ${h.name} failed: ${describeLookupError(h.tlsa)} (DANE senders hold mail while it fails)`);
    }
    if (withRecords.length === 0) {
      if (dane.hosts.every((h) => h.tlsa.outcome !== 'error')) {
        ctx.add('info', 'none', {
          subject: domain,
          message: `No MX host publishes TLSA records (${dane.hosts.map((h) => h.name).join(', ') || 'no MX host'}), so DANE does not protect mail to this domain against STARTTLS stripping.`,
          remediation: 'Sign the zone with DNSSEC and publish "3 1 1" TLSA records with the SHA-256 of each MX\'s public key (RFC 7672 section 3.1.1).',
          evidence: dane.hosts.map((h) => `TLSA ${h.name}: ${h.tlsa.outcome.toUpperCase()}`),
        });
      }
      return;
    }
    if (smtp.skipped !== null) {
      return ctx.skip(`TLSA records found for ${withRecords.map((h) => h.host).join(', ')}, but there is nothing to match them against: ${smtp.skipped}`);
    }

    for (const h of withRecords) {
      const records = h.tlsa.values;
      const recordEvidence = records.map((r) => `TLSA ${h.name}: ${describeTlsa(r)}`);
      if (!h.authenticated) {
        ctx.add('info', 'not-authenticated', {
          subject: h.host,
          message: `The TLSA answer for ${h.name} was not DNSSEC-authenticated (AD flag clear): senders use TLSA records only when DNSSEC validates them, so either the zone is not signed (DANE is inactive) or the resolver used does not validate.`,
          remediation: 'Sign the zone with DNSSEC (and its parents must be signed too), or run the audit with a validating resolver to check it.',
          evidence: recordEvidence,
        });
      }
      const unusable = records.map((r) => matchTlsa(r, [], [])).filter((m) => !m.usable);
      if (unusable.length > 0) {
        ctx.add('info', 'unusable-records', {
          subject: h.host,
          message: `${h.name} has ${unusable.length} TLSA record(s) SMTP senders ignore: ${unusable.map((m) => m.detail).join('; ')}.`,
          remediation: 'Publish DANE-EE(3) or DANE-TA(2) records instead (RFC 7672 section 3.1).',
          evidence: unusable.map((m) => `TLSA ${h.name}: ${describeTlsa(m.record)}`),
        });
      }
      const usable = records.filter((r) => matchTlsa(r, [], []).usable);
      const probes = smtp.addresses.filter((p) => p.hosts.some((n) => n.replace(/\.$/, '').toLowerCase() === h.host));
      for (const p of probes) {
        const subject = probeSubject(p);
        const reason = unreachableReason(p);
        if (reason !== null) {
          ctx.undetermined(subject, reason);
          continue;
        }
        if (p.tls === null) {
          if (p.starttls.outcome === 'error' || p.starttls.outcome === 'not-tried') {
            ctx.undetermined(subject, 'the session ended before the TLS handshake');
            continue;
          }
          ctx.add('fail', 'no-tls', {
            subject,
            message: `${h.host} publishes TLSA records, but ${p.address} ${p.starttls.outcome === 'not-offered' ? 'does not offer STARTTLS' : p.starttls.outcome === 'refused' ? 'refuses STARTTLS' : 'fails the TLS handshake'}: DANE senders will not deliver to it (RFC 7672 section 2.2).`,
            remediation: 'Make STARTTLS work on every address of the host, or remove the TLSA records (first, with DNSSEC TTLs in mind).',
            evidence: recordEvidence,
          });
          continue;
        }
        if (usable.length === 0) continue;
        const chain = p.tls.chain;
        const matches = usable.map((r) => matchTlsa(r, chain, [h.host]));
        const hit = matches.find((m) => m.matched);
        if (hit) {
          ctx.note(`${subject}: ${describeTlsa(hit.record)} matches ${hit.certIndex === 0 ? 'the server certificate' : `the chain certificate [${hit.certIndex}]`}${h.authenticated ? ', DNSSEC-authenticated' : ', not DNSSEC-authenticated'}`);
          continue;
        }
        const leaf = chain[0];
        ctx.add('fail', 'mismatch', {
          subject,
          message: `None of the ${usable.length} usable TLSA record(s) of ${h.host} matches the certificate chain ${p.address} presents${matches.some((m) => m.detail) ? ` (${matches.filter((m) => m.detail).map((m) => m.detail).join('; ')})` : ''}: DANE senders will refuse to deliver to it.`,
          remediation: leaf
            ? `Publish a record for the current key, e.g. "${h.name}. IN TLSA 3 1 1 ${tlsaDataFor(leaf, 1, 1)}", keeping the old one until the change has propagated (RFC 7671 section 8.1).`
            : 'Publish records for the certificate the server presents.',
          evidence: [
            ...recordEvidence,
            ...(leaf ? [`presented leaf: 3 1 1 ${tlsaDataFor(leaf, 1, 1)}`, `presented leaf: 3 0 1 ${tlsaDataFor(leaf, 0, 1)}`] : ['no certificate presented']),
            ...chain.slice(1).map((c, i) => `presented chain [${i + 1}] ${c.subject.split('\n').join(', ')}: 2 0 1 ${tlsaDataFor(c, 0, 1)}`),
          ],
        });
      }
    }
  },
});
