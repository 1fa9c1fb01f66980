// smtp/banner: the host name a server announces in its greeting (RFC 5321 section 4.3.1:
// "220 <domain>") and in its EHLO reply (section 4.1.1.1) is a fully qualified name that
// matches the reverse DNS (PTR) name of its address. Receivers and blocklists score a mismatch
// as a sign of a misconfigured or hijacked host (M3AAWG sender best practices; RFC 1912
// section 2.1 asks for matching forward and reverse names).
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { sameAddress } from '../../collect/ptr.ts';
import { formatReply } from '../../probe/facts-of.ts';
import { reachedProbes } from '../../probe/describe.ts';
import { describeMta, mtaOf } from '../../probe/mta-fingerprint.ts';
import { remediationFor } from '../remediation-by-mta.ts';

const norm = (name: string): string => name.replace(/\.$/, '').toLowerCase();
const FQDN = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)+$/;

function isFqdn(name: string): boolean {
  const n = norm(name);
  return FQDN.test(n) && !/^\d+(\.\d+){3}$/.test(n) && !/(^|\.)(localhost|localdomain)$/.test(n);
}

export default defineCheck({
  id: 'smtp/banner',
  area: 'smtp',
  titles: {
    pass: 'Greeting and EHLO names match the reverse DNS',
    warn: 'Greeting or EHLO names do not match the reverse DNS',
    error: 'Could not compare every greeting with the reverse DNS',
  },
  description:
    'Compares the host name in each server\'s 220 greeting and in its EHLO reply with the PTR name of the address. ' +
    'warn: a name that is not a fully qualified host name, or that differs from every PTR name. ' +
    'error: the server could not be reached or its PTR lookup failed. ' +
    'skipped: --no-smtp, no MX address, or no address has a PTR name to compare with (see ptr/present). ' +
    'The notes name the MTA software when its replies show it (Postfix, Exim, Sendmail, OpenSMTPD, Haraka, Exchange, Gmail), and the remediation is written for it.',
  reference: 'RFC 5321 sections 4.1.1.1 and 4.3.1; RFC 1912 section 2.1',
  targets: ['domain', 'ip'],
  facts: ['smtp', 'ptr'],
  run(ctx) {
    const smtp = ctx.fact('smtp');
    const ptr = ctx.fact('ptr');
    const probes = reachedProbes(ctx, smtp);
    if (probes === null) return;
    let compared = 0;
    let unknown = probes.unreachable;
    // which MTA answered: after the name comparisons, one note per address
    const mtaNotes: string[] = [];
    for (const { p, subject } of probes.reached) {
      const mta = mtaOf(p);
      mtaNotes.push(`${subject}: ${describeMta(mta)}`);
      const names: Array<{ what: 'greeting' | 'EHLO'; name: string; line: string }> = [];
      if (p.bannerHost) names.push({ what: 'greeting', name: p.bannerHost, line: formatReply(p.banner) });
      if (p.ehlo?.domain) names.push({ what: 'EHLO', name: p.ehlo.domain, line: `${p.ehlo.command} reply: ${formatReply(p.ehlo.reply)}` });
      const entry = ptr.addresses.find((a) => sameAddress(a.address, p.address));
      const ptrName = entry?.ptr.outcome === 'ok' ? entry.ptr.values[0]?.replace(/\.$/, '') : undefined;
      for (const n of names) {
        if (!isFqdn(n.name)) {
          ctx.add('warn', n.what === 'greeting' ? 'greeting-not-fqdn' : 'ehlo-not-fqdn', {
            subject,
            message: `The ${n.what} of ${p.address} names "${n.name}", which is not a fully qualified host name; RFC 5321 asks for the server's own domain name there, and receivers' spam filters look for it.`,
            remediation: remediationFor('server-name', mta, { name: ptrName ?? 'its fully qualified host name, the PTR name of its address' }),
            evidence: [n.line],
          });
        }
      }
      if (!entry) continue;
      if (entry.ptr.outcome === 'error') {
        unknown++;
        ctx.undetermined(subject, `PTR lookup failed: ${describeLookupError(entry.ptr)}`);
        continue;
      }
      if (entry.ptr.values.length === 0) {
        ctx.note(`${subject}: no PTR name to compare with (see ptr/present)`);
        continue;
      }
      compared++;
      const ptrNames = entry.ptr.values.map(norm);
      for (const n of names) {
        if (!isFqdn(n.name) || ptrNames.includes(norm(n.name))) continue;
        ctx.add('warn', n.what === 'greeting' ? 'greeting-mismatch' : 'ehlo-mismatch', {
          subject,
          message: `The ${n.what} of ${p.address} names ${n.name}, but the address's PTR ${ptrNames.length === 1 ? 'name is' : 'names are'} ${ptrNames.join(', ')}; receivers and blocklists treat the mismatch as a sign of a misconfigured host.`,
          remediation: remediationFor('server-name', mta, { name: ptrNames[0]! }) +
            (mta.family === 'gmail' && mta.confidence !== 'low' ? '' : ` Or set the PTR of ${p.address} to ${n.name} and make that name resolve back to it.`),
          evidence: [n.line, ...ptrNames.map((v) => `PTR ${p.address}: ${v}`)],
        });
      }
      if (names.every((n) => isFqdn(n.name) && ptrNames.includes(norm(n.name)))) {
        ctx.note(`${subject}: greeting ${p.bannerHost ?? '-'}, EHLO ${p.ehlo?.domain ?? '-'}, PTR ${ptrNames.join(', ')}`);
      }
    }
    for (const note of mtaNotes) ctx.note(note);
    if (compared === 0 && unknown === 0) ctx.skip('no MX address has a PTR name to compare with (see ptr/present)');
  },
});
