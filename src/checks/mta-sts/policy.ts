// mta-sts/policy: the MTA-STS policy is served correctly, parses, is enforced, and covers every
// MX host. RFC 8461 3.3: fetched over HTTPS from mta-sts.<domain> with a certificate valid for
// that name and chained to a trusted root; only a 200 counts; redirects MUST NOT be followed.
// 3.2: text/plain, fields version, mode, max_age and mx; an invalid policy is ignored. 4.1: a
// sender in enforce mode refuses to deliver to an MX host no mx pattern matches, so an
// uncovered MX loses mail once enforced (and produces failure reports in testing). 5: testing
// only reports, none turns the policy off.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import type { PolicyFetchFact } from '../../mta-sts/fetch-policy.ts';
import { parseMtaStsPolicy, uncoveredMxHosts } from '../../parse/mta-sts.ts';

/** RFC 8461 3.2: max_age is "expected ... typically be in the range of weeks or greater". */
const ONE_WEEK = 7 * 24 * 3600;

function fetchEvidence(fetch: PolicyFetchFact): string[] {
  const lines = [`GET ${fetch.url}${fetch.destination ? ` (via ${fetch.destination})` : ''}`];
  if (fetch.status !== null) lines.push(`HTTP ${fetch.status}${fetch.contentType ? `, Content-Type: ${fetch.contentType}` : ''}${fetch.location ? `, Location: ${fetch.location}` : ''}`);
  if (fetch.certificate) lines.push(`certificate: ${fetch.certificate.subject ?? '?'} (${fetch.certificate.altNames.join(', ')}), issued by ${fetch.certificate.issuer ?? '?'}, valid until ${fetch.certificate.validTo}`);
  if (fetch.error) lines.push(fetch.error);
  return lines;
}

export default defineCheck({
  id: 'mta-sts/policy',
  area: 'mta-sts',
  titles: {
    pass: 'The MTA-STS policy is served, valid, enforced and covers every MX',
    fail: 'The MTA-STS policy is unusable or does not cover the MX hosts',
    warn: 'The MTA-STS policy has problems',
    info: 'The MTA-STS policy does not enforce TLS',
    error: 'Could not fetch the MTA-STS policy',
  },
  description:
    'Fetches https://mta-sts.<domain>/.well-known/mta-sts.txt as RFC 8461 section 3.3 requires (certificate verified for ' +
    'the host, no redirects, text/plain, at most 64 KiB, within the timeout) and parses it. fail: the host has no address ' +
    'or is unreachable, the certificate does not verify, the answer is a redirect or not 200 or not text/plain or too ' +
    'large, the policy is invalid (a field missing or malformed, an empty extension value, max_age above 31557600), ' +
    'or some MX host matches no mx pattern (enforce or testing). warn: blank lines, repeated fields. info: mode testing or ' +
    'none, or max_age under a week. error: the policy host\'s address lookup failed. pass: mode enforce and every MX ' +
    'covered. skipped: no MTA-STS record.',
  reference: 'RFC 8461 sections 3.2, 3.3 and 4.1',
  targets: ['domain'],
  facts: ['mtaSts'],
  run(ctx) {
    const sts = ctx.fact('mtaSts');
    const fetch = sts.policy;
    if (!fetch) return ctx.skip('the domain publishes no MTA-STS record (see mta-sts/present)');
    const subject = fetch.host;
    const evidence = fetchEvidence(fetch);
    const fail = (name: string, message: string, remediation: string): void => ctx.add('fail', name, { subject, message, remediation, evidence });

    switch (fetch.outcome) {
      case 'dns-error':
        return ctx.undetermined(subject, `address lookup failed: ${describeLookupError(fetch.a.outcome === 'error' ? fetch.a : fetch.aaaa)}`);
      case 'no-address':
        return fail('unreachable', `The policy host ${subject} has no address (${fetch.a.outcome.toUpperCase()}), so senders cannot fetch the policy and MTA-STS is not in force.`,
          `Publish A/AAAA records for ${subject} pointing at an HTTPS server that serves the policy.`);
      case 'connect':
      case 'timeout':
      case 'protocol':
      case 'tls':
        return fail('unreachable', `The policy at ${fetch.url} could not be fetched: ${fetch.error}. Senders then apply no MTA-STS policy.`,
          `Make ${subject} answer HTTPS on port 443 with the policy file.`);
      case 'certificate':
        return fail('bad-certificate', `The certificate of ${subject} does not verify (${fetch.errorCode}): ${fetch.error}. RFC 8461 3.3 makes senders discard the policy.`,
          `Serve a certificate from a public CA that is valid for ${subject} and in date, with its intermediate certificates.`);
      case 'redirect':
        return fail('redirect', `${fetch.url} answers HTTP ${fetch.status} with a redirect to ${fetch.location ?? '(no Location)'}; RFC 8461 3.3 forbids following it, so senders get no policy.`,
          `Serve the policy file directly at ${fetch.url} with status 200.`);
      case 'http-status':
        return fail('http-status', `${fetch.url} answers HTTP ${fetch.status}, and only 200 counts (RFC 8461 3.3), so senders get no policy.`,
          `Serve the policy file at ${fetch.url} with status 200.`);
      case 'too-large':
        return fail('too-large', `${fetch.url} is larger than 64 KiB (${fetch.bytes} bytes), far beyond any real policy; senders may refuse it.`,
          'Serve only the policy: version, mode, mx and max_age lines.');
      case 'content-type':
        return fail('content-type', `${fetch.url} is served as ${fetch.contentType ?? 'no Content-Type'}; RFC 8461 3.2 requires text/plain, so senders may reject it.`,
          'Serve the file with "Content-Type: text/plain".');
      case 'ok':
        break;
    }

    const policy = parseMtaStsPolicy(fetch.body ?? '');
    ctx.note(`Policy from ${fetch.url}: ${(fetch.body ?? '').trim().split(/\r?\n/).join(' | ')}`);
    for (const issue of policy.issues) {
      ctx.add(issue.severity, issue.code.replace(/^mta-sts-policy-/, 'policy-'), {
        subject,
        message: issue.message,
        remediation: 'Fix the policy file; each line is "key: value" with version: STSv1, mode, mx (one per host pattern) and max_age.',
        evidence: [...evidence, ...(fetch.body ?? '').split(/\r?\n/).filter((l) => l !== '').map((l) => `| ${l}`)],
      });
    }
    const invalid = policy.issues.some((i) => i.severity === 'fail');
    if (invalid || policy.mode === null) return;

    if (policy.mode === 'none') {
      ctx.add('info', 'mode-none', {
        subject,
        message: 'The policy has mode: none, which tells senders to stop applying MTA-STS (RFC 8461 5), so TLS is not enforced.',
        remediation: 'Use mode: testing, then mode: enforce, once every MX serves a valid certificate.',
        evidence,
      });
      return;
    }
    if (policy.mode === 'testing') {
      ctx.add('info', 'mode-testing', {
        subject,
        message: 'The policy is in mode: testing: senders report TLS failures (with TLS-RPT) but still deliver, so an attacker can still strip TLS.',
        remediation: 'Switch to mode: enforce once the TLS reports are clean (and change the id in the TXT record).',
        evidence,
      });
    }
    if (policy.maxAge !== null && policy.maxAge < ONE_WEEK) {
      ctx.add('info', 'max-age-short', {
        subject,
        message: `max_age is ${policy.maxAge} seconds; RFC 8461 3.2 expects weeks or more, and a short cache leaves senders unprotected between fetches.`,
        remediation: 'Set max_age to at least 604800 (one week); 31557600 is the maximum.',
        evidence,
      });
    }

    if (sts.mxHosts === null) {
      ctx.undetermined(subject, `the MX hosts are unknown (${sts.mxError ?? 'mx facts unavailable'}), so coverage by the mx patterns could not be checked`);
      return;
    }
    if (sts.mxHosts.length === 0) {
      ctx.note('The domain has no MX hosts to match against the policy.');
      return;
    }
    const uncovered = uncoveredMxHosts(sts.mxHosts, policy.mx);
    for (const host of uncovered) {
      ctx.add('fail', 'mx-not-covered', {
        subject: host,
        message: `The MX host ${host} matches no mx pattern of the policy (${policy.mx.join(', ') || 'none'}); ` +
          (policy.mode === 'enforce' ? 'senders enforcing the policy refuse to deliver to it.' : 'senders report it as a failure now and will refuse it once the policy is enforced.'),
        remediation: `Add "mx: ${host}" (or a "*." pattern covering it) to the policy and change the id in the TXT record.`,
        evidence: [...evidence, `mx patterns: ${policy.mx.join(', ') || '(none)'}`],
      });
    }
    if (uncovered.length === 0) ctx.note(`Every MX host (${sts.mxHosts.join(', ')}) matches the mx patterns (${policy.mx.join(', ')}); mode ${policy.mode}.`);
  },
});
