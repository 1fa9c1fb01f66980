// tls/certificate: the certificate each MX presents after STARTTLS chains to a trusted root,
// covers the MX host name, and is in date. Opportunistic TLS senders deliver anyway, but
// senders that authenticate do not: MTA-STS in enforce mode requires a valid PKIX certificate
// for the MX name (RFC 8461 section 4.2), and DANE-TA(2) requires the name to match (RFC 7672
// section 3.2.2). Expired is a failure; untrusted, self-signed, a name mismatch or fewer than
// 14 days left are warnings (14 days: renewals such as ACME's run at 30 days before expiry,
// so under 14 means the renewal has been failing for two weeks).
// Dates are judged against the audit clock (env.clock), names with RFC 6125 rules
// (cert-names.ts), trust by OpenSSL's verdict at probe time without its date errors.
import { defineCheck, type CheckContext } from '../../core/check.ts';
import type { DaneFacts } from '../../collect/dane.ts';
import type { SmtpFacts } from '../../collect/smtp.ts';
import { certificateCoversName, certificateNames } from '../../probe/cert-names.ts';
import { certificateEvidence, oneLineDn, probeSubject, reachedProbes } from '../../probe/describe.ts';
import { mtaOf } from '../../probe/mta-fingerprint.ts';
import type { SmtpAddressProbe } from '../../probe/types.ts';
import { remediationFor } from '../remediation-by-mta.ts';

const DAY_MS = 86_400_000;
const SOON_DAYS = 14;

// OpenSSL verify errors about dates: the chain itself was built and anchored, only a date is
// off, and dates are judged here against the audit clock instead.
const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

function trustProblem(code: string | null): { name: 'self-signed' | 'untrusted'; text: string } | null {
  if (code === null || DATE_ERRORS.has(code)) return null;
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return { name: 'self-signed', text: 'is self-signed' };
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return { name: 'untrusted', text: 'chains to a root that is not trusted' };
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return { name: 'untrusted', text: 'does not chain to a trusted root (unknown issuer, or the server does not send its intermediate certificate)' };
    default:
      return { name: 'untrusted', text: `failed verification (${code})` };
  }
}

function mtaStsAnnounced(smtp: SmtpFacts): boolean {
  return (smtp.mtaStsTxt?.values ?? []).some((v) => /^v=STSv1(;|\s|$)/i.test(v.trim()));
}

/** What authenticating senders do about a certificate problem on `host`. */
function consequences(smtp: SmtpFacts, dane: DaneFacts, hosts: string[], problem: 'trust' | 'name' | 'date'): string {
  const parts: string[] = [];
  if (mtaStsAnnounced(smtp)) {
    parts.push(` The domain announces an MTA-STS policy (_mta-sts TXT): if the policy is in enforce mode, senders that honour it will refuse to deliver to this MX (RFC 8461 section 4.2).`);
  }
  for (const host of hosts) {
    const entry = dane.hosts.find((h) => h.host === host.replace(/\.$/, '').toLowerCase());
    const records = entry?.tlsa.values ?? [];
    if (!entry?.authenticated || records.length === 0) continue;
    const ta = records.some((r) => r.usage === 2);
    const ee = records.some((r) => r.usage === 3);
    if (ta && (problem === 'name' || problem === 'date')) {
      parts.push(` DANE applies to ${host} with DANE-TA(2) records, so DANE senders will refuse delivery too (RFC 7672 section 3.2.2).`);
    } else if (ee && !ta) {
      parts.push(` DANE applies to ${host} with DANE-EE(3) records: DANE senders check the TLSA match instead (see dane/tlsa) and are not affected.`);
    }
  }
  return parts.join('');
}

function judge(ctx: CheckContext, smtp: SmtpFacts, dane: DaneFacts, p: SmtpAddressProbe): void {
  const subject = probeSubject(p);
  const chain = p.tls!.chain;
  const leaf = chain[0];
  if (!leaf) {
    ctx.undetermined(subject, 'the TLS handshake completed without a server certificate to judge');
    return;
  }
  const now = ctx.now.getTime();
  const evidence = certificateEvidence(chain);
  const notAfter = Date.parse(leaf.notAfter);
  const notBefore = Date.parse(leaf.notBefore);
  const hostsToCheck = p.hosts;

  if (notAfter < now) {
    ctx.add('fail', 'expired', {
      subject,
      message: `The certificate of ${p.address} expired on ${leaf.notAfter.slice(0, 10)} (${Math.floor((now - notAfter) / DAY_MS)} days ago); senders that check certificates will not deliver.${consequences(smtp, dane, hostsToCheck, 'date')}`,
      remediation: 'Renew the certificate and reload the mail server; automate renewal (ACME) and monitor expiry.',
      evidence,
    });
  } else if (notBefore > now) {
    ctx.add('warn', 'not-yet-valid', {
      subject,
      message: `The certificate of ${p.address} is not valid until ${leaf.notBefore} (is the server's or the issuer's clock wrong?).${consequences(smtp, dane, hostsToCheck, 'date')}`,
      remediation: 'Install a certificate that is valid now, and check the clocks.',
      evidence,
    });
  } else if (notAfter - now < SOON_DAYS * DAY_MS) {
    ctx.add('warn', 'expires-soon', {
      subject,
      message: `The certificate of ${p.address} expires on ${leaf.notAfter.slice(0, 10)}, in ${Math.max(0, Math.floor((notAfter - now) / DAY_MS))} days (under ${SOON_DAYS}): the renewal seems to be failing.${consequences(smtp, dane, hostsToCheck, 'date')}`,
      remediation: 'Renew the certificate now and check why automatic renewal did not.',
      evidence,
    });
  }
  for (const [i, cert] of chain.entries()) {
    if (i === 0 || Date.parse(cert.notAfter) >= now) continue;
    ctx.add('fail', 'chain-expired', {
      subject,
      message: `The chain of ${p.address} includes an expired certificate (${oneLineDn(cert.subject)}, expired ${cert.notAfter.slice(0, 10)}).`,
      remediation: `Install the current intermediate certificate from your CA. ${remediationFor('certificate-chain', mtaOf(p))}`,
      evidence,
    });
  }

  const trust = trustProblem(p.tls!.authorizationError);
  if (trust !== null) {
    ctx.add('warn', trust.name, {
      subject,
      message: `The certificate of ${p.address} ${trust.text} (issuer ${oneLineDn(leaf.issuer)}); opportunistic senders still encrypt, but none can authenticate the server.${consequences(smtp, dane, hostsToCheck, 'trust')}`,
      remediation: trust.name === 'self-signed'
        ? 'Use a certificate from a public CA (ACME, e.g. Let\'s Encrypt, is free), or publish DANE-EE(3) TLSA records for it under DNSSEC.'
        : remediationFor('certificate-chain', mtaOf(p)),
      evidence,
    });
  }

  if (hostsToCheck.length === 0) {
    ctx.note(`${subject}: no host name to check the certificate names against`);
  } else {
    const uncovered = hostsToCheck.filter((h) => !certificateCoversName(leaf, h));
    if (uncovered.length > 0) {
      ctx.add('warn', 'name-mismatch', {
        subject,
        message: `The certificate of ${p.address} is for ${certificateNames(leaf).join(', ') || 'no name'}, which does not cover the MX host name ${uncovered.join(', ')}.${consequences(smtp, dane, uncovered, 'name')}`,
        remediation: `Get a certificate whose subjectAltName includes ${uncovered.join(', ')}.`,
        evidence,
      });
    }
  }
  const days = Math.floor((notAfter - now) / DAY_MS);
  const validity = days >= 0 ? `valid until ${leaf.notAfter.slice(0, 10)} (${days} days)` : `expired ${leaf.notAfter.slice(0, 10)}`;
  ctx.note(`${subject}: ${oneLineDn(leaf.subject)} [${certificateNames(leaf).join(', ')}], ${leaf.publicKey}, issued by ${oneLineDn(leaf.issuer)}, ${validity}, chain of ${chain.length}, ${trust === null ? 'trusted' : trust.name}`);
}

export default defineCheck({
  id: 'tls/certificate',
  area: 'tls',
  titles: {
    pass: 'MX certificates are trusted, match the host names and are in date',
    fail: 'Some MX certificates would fail authentication',
    warn: 'Some MX certificates are untrusted, mismatched or about to expire',
    error: 'Could not check the certificate of every MX address',
  },
  description:
    'Judges the certificate chain each MX address presents after STARTTLS. ' +
    'fail: the certificate (or an intermediate) has expired. ' +
    `warn: not yet valid, self-signed or not chaining to a trusted root, not covering the MX host name (RFC 6125 rules, wildcards included), or under ${SOON_DAYS} days left. ` +
    'The findings say when MTA-STS or DANE senders would refuse delivery. ' +
    'error: the server could not be reached, or the session ended before the handshake. ' +
    'skipped: --no-smtp, no MX address, or no MX address completed a TLS handshake (see tls/starttls).',
  reference: 'RFC 8461 section 4.2; RFC 6125 section 6; RFC 5280 section 4.1.2.5',
  targets: ['domain', 'ip'],
  facts: ['smtp', 'dane'],
  run(ctx) {
    const smtp = ctx.fact('smtp');
    const dane = ctx.fact('dane');
    const probes = reachedProbes(ctx, smtp);
    if (probes === null) return;
    let judged = 0;
    let unknown = probes.unreachable;
    for (const { p, subject } of probes.reached) {
      if (p.tls !== null) {
        judged++;
        judge(ctx, smtp, dane, p);
      } else if (p.starttls.outcome === 'error' || p.starttls.outcome === 'not-tried') {
        unknown++;
        ctx.undetermined(subject, 'the session ended before the TLS handshake');
      }
    }
    if (judged === 0 && unknown === 0) ctx.skip('no MX address completed a TLS handshake (see tls/starttls)');
  },
});
