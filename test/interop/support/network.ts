// The interop suite's network, all on loopback: one address per MTA (closed and open
// variants), BIND and rbldnsd, and the address the auditor connects from. The auditor starts
// its connections from 127.0.0.99 (--source-address) so that every MTA sees an outside client:
// the distributions' defaults trust connections from the local host (Postfix's mynetworks,
// Exim's relay_from_hosts, Sendmail's localhost relaying, OpenSMTPD's `from local`), and a
// relay test from 127.0.0.1 would test that trust instead of the relay rules.
import { existsSync } from 'node:fs';

export const ZONE = 'interop.example';
export const BIND = { host: '127.0.0.60', port: 53 };
export const RBLDNSD = { host: '127.0.0.61', port: 53 };
export const BLOCKLIST_ZONE = `bl.${ZONE}`;
/** listed on the suite's blocklist (a documentation address: blocklists skip loopback ones) */
export const LISTED_IP = '192.0.2.77';
export const AUDITOR_SOURCE = '127.0.0.99';

export type MtaFamily = 'postfix' | 'exim' | 'sendmail' | 'opensmtpd' | 'haraka';
export type Variant = 'closed' | 'open';

const LAST_OCTET: Record<MtaFamily, number> = { postfix: 21, exim: 22, sendmail: 23, opensmtpd: 24, haraka: 25 };

export interface MtaSite {
  family: MtaFamily;
  variant: Variant;
  /** the mail domain (what the audit is run on) */
  domain: string;
  /** the MX host name, its A record and PTR */
  mx: string;
  ip: string;
}

export function site(family: MtaFamily, variant: Variant): MtaSite {
  const label = variant === 'closed' ? family : `open-${family}`;
  const octet = LAST_OCTET[family] + (variant === 'open' ? 20 : 0);
  return { family, variant, domain: `${label}.${ZONE}`, mx: `mx.${label}.${ZONE}`, ip: `127.0.0.${octet}` };
}

export const FAMILIES: MtaFamily[] = ['postfix', 'exim', 'sendmail', 'opensmtpd', 'haraka'];
/** Exim with submission ports and AUTH, for the `send` tests */
export const SUBMISSION: MtaSite = { family: 'exim', variant: 'closed', domain: `submit.${ZONE}`, mx: `mx.submit.${ZONE}`, ip: '127.0.0.46' };
export const SITES: MtaSite[] = [...FAMILIES.flatMap((f) => [site(f, 'closed'), site(f, 'open')]), SUBMISSION];

/** Where test/interop/setup.sh unpacked Exim, Sendmail and OpenSMTPD. */
export const PKG_ROOT = `${process.env.INTEROP_PKGS ?? '/var/cache/smtp-audit-interop'}/root`;

/** Why the suite cannot run here, or null. It is not skipped quietly: `npm run test:interop` fails with this. */
export function notRunnableReason(): string | null {
  if (process.getuid?.() !== 0) return 'the interop suite runs MTAs on port 25 and in namespaces: run it as root';
  if (!existsSync(`${PKG_ROOT}/usr/sbin/exim4`)) return `the MTAs are not prepared: run test/interop/setup.sh as root (expected ${PKG_ROOT})`;
  return null;
}
