// tls/protocol: no MX accepts TLS below 1.2. RFC 8996 sections 2 and 3 deprecate TLS 1.0 and
// 1.1 (MUST NOT be used), and RFC 9325 section 3.1.1 requires TLS 1.2 or later. A server that
// still accepts them lets a downgrade reach weak ciphers; one that offers nothing newer cannot
// talk to current senders at all (Node, OpenSSL 3 and most MTAs refuse TLS < 1.2 by default).
// The highest version comes from the main handshake; TLS 1.0 and 1.1 (and 1.2 when the main
// handshake chose 1.3 or failed) are tried in separate short sessions limited to one version.
import { defineCheck } from '../../core/check.ts';
import { reachedProbes } from '../../probe/describe.ts';
import { mtaOf } from '../../probe/mta-fingerprint.ts';
import { remediationFor } from '../remediation-by-mta.ts';
import { VERSION_ORDER } from '../../probe/tls-versions.ts';
import type { TlsVersionName } from '../../probe/types.ts';

const LEGACY: readonly TlsVersionName[] = ['TLSv1', 'TLSv1.1'];
const MODERN: readonly TlsVersionName[] = ['TLSv1.2', 'TLSv1.3'];

export default defineCheck({
  id: 'tls/protocol',
  area: 'tls',
  titles: {
    pass: 'No MX accepts TLS versions below 1.2',
    // one title for both failures: only TLS 1.0/1.1 work, or no version at all (never "accepts deprecated versions" for a server that accepts none)
    fail: 'Some MX addresses complete no TLS 1.2 or 1.3 handshake (only older versions, or none at all)',
    warn: 'Some MX addresses accept deprecated TLS versions',
    error: 'Could not test the TLS versions of every MX address',
  },
  description:
    'Records the version of the main handshake, then tries TLS 1.0 and 1.1 (and 1.2 when needed) in separate short sessions limited to that version. ' +
    'warn: TLS 1.0 or 1.1 is accepted beside a current version. fail: neither TLS 1.2 nor 1.3 completes a handshake, whether TLS 1.0 or 1.1 does or no version at all. ' +
    'error: the server could not be reached, or an old version could not be tried (the session failed before the handshake). ' +
    'skipped: --no-smtp, no MX address, or no MX address offers STARTTLS (see tls/starttls). The notes show the highest and lowest accepted versions.',
  reference: 'RFC 8996 sections 2 and 3; RFC 9325 section 3.1.1',
  targets: ['domain', 'ip'],
  facts: ['smtp'],
  run(ctx) {
    const smtp = ctx.fact('smtp');
    const probes = reachedProbes(ctx, smtp);
    if (probes === null) return;
    let judged = 0;
    let unknown = probes.unreachable;
    for (const { p, subject } of probes.reached) {
      if (p.versions === null) {
        if (p.ehlo?.starttls) {
          unknown++;
          ctx.undetermined(subject, 'STARTTLS is offered, but the TLS versions could not be tried');
        }
        continue;
      }
      judged++;
      const mta = mtaOf(p);
      const v = p.versions.versions;
      const accepted = (list: readonly TlsVersionName[]) => list.filter((x) => v[x]?.result === 'accepted');
      const legacy = accepted(LEGACY);
      const modern = accepted(MODERN);
      const untested = LEGACY.filter((x) => v[x]?.result === 'untested');
      const evidence = VERSION_ORDER.filter((x) => v[x] !== undefined).map((x) => `${x}: ${v[x]!.result} (${v[x]!.via === 'main-handshake' ? 'main handshake' : 'separate connection'}${v[x]!.detail ? `: ${v[x]!.detail}` : ''})`);
      ctx.note(`${subject}: highest ${p.versions.highest ?? 'none'}, lowest ${p.versions.lowest ?? 'none'}; ${VERSION_ORDER.filter((x) => v[x] !== undefined).map((x) => `${x} ${v[x]!.result}`).join(', ')}`);
      if (legacy.length > 0 && modern.length === 0) {
        const modernRefused = MODERN.some((x) => v[x]?.result === 'refused') || p.starttls.outcome === 'handshake-failed';
        if (modernRefused) {
          ctx.add('fail', 'legacy-only', {
            subject,
            message: `${p.address} accepts only ${legacy.join(' and ')}, which RFC 8996 forbids, and no TLS 1.2 or 1.3: current senders cannot negotiate TLS with it and deliver in plaintext or not at all.`,
            remediation: `Upgrade the TLS library if it cannot do TLS 1.2 and 1.3, then accept only those. ${remediationFor('tls-versions', mta)}`,
            evidence,
          });
          continue;
        }
      }
      if (legacy.length > 0) {
        ctx.add('warn', 'legacy-accepted', {
          subject,
          message: `${p.address} still accepts ${legacy.join(' and ')} (deprecated by RFC 8996), beside ${modern.join(' and ') || 'newer versions'}; a downgraded session can use weak ciphers.`,
          remediation: remediationFor('tls-versions', mta),
          evidence,
        });
        continue;
      }
      if (modern.length === 0 && LEGACY.every((x) => v[x]?.result === 'refused')) {
        ctx.add('fail', 'no-version', {
          subject,
          message: `${p.address} accepts no TLS version at all: it completed no handshake at any version from TLS 1.0 to 1.3, so no sender can use TLS with it.`,
          remediation: `Fix the TLS setup (certificate, key, protocols and ciphers); tls/starttls shows the handshake error. ${remediationFor('starttls-setup', mta, p.hosts[0] ? { name: p.hosts[0] } : {})}`,
          evidence,
        });
        continue;
      }
      if (untested.length > 0) {
        unknown++;
        ctx.undetermined(subject, `${untested.join(' and ')} could not be tried: ${untested.map((x) => v[x]!.detail).join('; ')}`);
      }
    }
    if (judged === 0 && unknown === 0) ctx.skip('no MX address offers STARTTLS (see tls/starttls)');
  },
});
