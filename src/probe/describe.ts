// Shared wording for the probe checks (smtp/*, tls/*, relay/open, dane/tlsa): which addresses
// there are to judge, why one could not be judged, and the one-line summaries the table shows
// per address. Pure functions of the smtp facts.
import type { CheckContext } from '../core/check.ts';
import type { SmtpFacts } from '../collect/smtp.ts';
import { formatReply } from './facts-of.ts';
import type { CertFact, SmtpAddressProbe, StepFact, TlsFact } from './types.ts';

/** "192.0.2.10 (mx1.example.com)" */
export function probeSubject(p: SmtpAddressProbe): string {
  return p.hosts.length > 0 ? `${p.address} (${p.hosts.join(', ')})` : p.address;
}

/**
 * The probed addresses, or null after telling the check why there are none: skipped for
 * --no-smtp, a null MX or no mail route; undetermined when the MX lookups failed.
 */
export function probedAddresses(ctx: CheckContext, smtp: SmtpFacts): SmtpAddressProbe[] | null {
  if (smtp.skipped !== null) {
    ctx.skip(smtp.skipped);
    return null;
  }
  const leftOut = smtp.notProbed ?? [];
  if (leftOut.length > 0) {
    ctx.note(`Not probed (${leftOut[0]!.reason}): ${leftOut.map((a) => (a.hosts.length > 0 ? `${a.address} (${a.hosts.join(', ')})` : a.address)).join(', ')}.`);
  }
  if (smtp.addresses.length === 0) {
    if (leftOut.length > 0) {
      ctx.skip(`every MX address is of the family ${leftOut[0]!.reason} leaves out`);
    } else if (smtp.mxKind === 'unknown' || smtp.addressLookupFailed) {
      ctx.undetermined('', 'the MX lookups failed, so the mail server addresses are unknown');
    } else {
      ctx.skip('no MX host has an address to probe (see mx/targets)');
    }
    return null;
  }
  return smtp.addresses;
}

export interface ReachedProbe { p: SmtpAddressProbe; subject: string }

/**
 * The probes whose session reached EHLO, each with its subject, or null when the check has
 * nothing to judge (see probedAddresses). An address that could not be reached says nothing
 * about TLS, AUTH or relaying: it is recorded as undetermined, never as a pass or a failure.
 */
export function reachedProbes(ctx: CheckContext, smtp: SmtpFacts): { reached: ReachedProbe[]; unreachable: number } | null {
  const probes = probedAddresses(ctx, smtp);
  if (probes === null) return null;
  const reached: ReachedProbe[] = [];
  let unreachable = 0;
  for (const p of probes) {
    const subject = probeSubject(p);
    const reason = unreachableReason(p);
    if (reason === null) {
      reached.push({ p, subject });
    } else {
      unreachable++;
      ctx.undetermined(subject, reason);
    }
  }
  return { reached, unreachable };
}

/** Why the main session did not reach EHLO, in words; null when it did. */
export function unreachableReason(p: SmtpAddressProbe): string | null {
  const e = p.error;
  const port = `port ${p.port}`;
  switch (p.outcome) {
    case 'completed': return null;
    case 'connect-refused': return `connection refused on ${port} (nothing listens there, or a firewall rejects it)`;
    case 'connect-timeout': return `no answer to the connection on ${port}${e ? ` (${e.message})` : ''}`;
    case 'no-route': return `no route from this machine to ${p.address}${e?.code ? ` (${e.code})` : ''}${p.family === 6 ? ': this network may have no IPv6; test from one that has, or probe IPv4 only with -4' : ''}`;
    case 'connect-error': return `could not connect: ${e?.message ?? 'unknown error'}`;
    case 'greeting-timeout': return `connected, but no complete greeting arrived in time (${e?.message ?? 'timeout'}): a greet delay longer than --greeting-timeout, a tarpit, or a middlebox holding port 25`;
    case 'greeting-closed': return `the connection ended before a greeting (${e?.message ?? 'closed'})`;
    case 'greeting-temporary': return `the greeting was ${formatReply(p.banner)}: the server is busy or rate-limiting this client; try again later`;
    case 'greeting-rejected': return `the greeting was ${formatReply(p.banner)}`;
    case 'greeting-malformed': return `the greeting was malformed: ${e?.message ?? 'protocol error'}`;
    case 'ehlo-failed': return `EHLO failed: ${e?.message ?? 'unknown error'}`;
  }
}

/** True when the probe failed in a way that is certain rather than unknown: a 5xx greeting, a broken greeting, EHLO and HELO refused. */
export function definitelyBroken(p: SmtpAddressProbe): boolean {
  if (p.outcome === 'greeting-rejected' || p.outcome === 'greeting-malformed') return true;
  return p.outcome === 'ehlo-failed' && p.error?.kind === 'reply' && /HELO/.test(p.error.step);
}

/** "connect 1 ms, banner 3 ms, EHLO 2 ms, ..." for the main session's steps. */
export function formatTimings(steps: StepFact[]): string {
  return steps.filter((s) => !s.name.includes(': ')).map((s) => `${s.name} ${s.ms} ms${s.ok ? '' : ' (failed)'}`).join(', ');
}

export function describeTls(t: TlsFact): string {
  const cipher = t.cipherStandardName && t.cipherStandardName !== t.cipher ? `${t.cipher} (${t.cipherStandardName})` : t.cipher;
  return `${t.protocol}, ${cipher}${t.keyExchange ? `, key exchange ${t.keyExchange}` : ''}`;
}

/** Distinguished names are kept on one line already; older saved facts may hold newlines. */
export function oneLineDn(dn: string): string {
  return dn.split('\n').join(', ');
}

export function certificateEvidence(chain: CertFact[]): string[] {
  const leaf = chain[0];
  if (!leaf) return ['no certificate presented'];
  return [
    `subject: ${oneLineDn(leaf.subject)}`,
    `subjectAltName: ${leaf.subjectAltNames.join(', ') || '(none)'}`,
    `issuer: ${oneLineDn(leaf.issuer)}`,
    `valid: ${leaf.notBefore} to ${leaf.notAfter}`,
    `key: ${leaf.publicKey}; SHA-256 fingerprint ${leaf.fingerprint256}`,
    `chain: ${chain.map((c, i) => `[${i}] ${oneLineDn(c.subject)}`).join('; ')}`,
  ];
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
