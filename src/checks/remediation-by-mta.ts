// Remediation written for the MTA that answered (src/probe/mta-fingerprint.ts): the setting to
// change in Postfix's main.cf, Exim's configuration (its GnuTLS or OpenSSL build), Sendmail's
// sendmail.mc, OpenSMTPD's smtpd.conf, Haraka's config/ or Exchange's receive connector, with a
// generic text when the software is unknown. All texts live here so that one MTA's advice is
// kept consistent across checks. A text for a family is used as is when the fingerprint is high
// or medium confidence; after a low-confidence guess it follows the generic text, marked as a
// guess.
//
// Every directive is as its software documents it:
// - Postfix, postconf(5): myhostname and smtpd_banner ("$myhostname ESMTP $mail_name");
//   smtpd_tls_auth_only; smtpd_tls_security_level; smtpd_tls_chain_files (3.4+, each key
//   immediately before its certificate chain); smtpd_tls_protocols and
//   smtpd_tls_mandatory_protocols (">=TLSv1.2" since 3.6, "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1"
//   before); smtpd_relay_restrictions (default permit_mynetworks, permit_sasl_authenticated,
//   defer_unauth_destination), reject_unauth_destination, mynetworks, relay_domains.
// - Exim, the specification: primary_hostname; auth_advertise_hosts = ${if eq{$tls_in_cipher}
//   {}{}{*}} ("advertise AUTH only when encrypted"); tls_certificate, tls_privatekey,
//   tls_advertise_hosts; tls_require_ciphers "is treated as the GnuTLS priority string and
//   controls both protocols and ciphers" in a GnuTLS build (section "Requiring specific ciphers
//   or other parameters in GnuTLS"); openssl_options "is only available if Exim is built
//   against OpenSSL" (+no_tlsv1 +no_tlsv1_1); relay_from_hosts and the RCPT ACL of
//   configure.default ("require message = relay not permitted"). Debian's exim4-config
//   (exim4.conf.template): MAIN_HARDCODE_PRIMARY_HOSTNAME, MAIN_TLS_ENABLE with the certificate
//   in CONFDIR/exim.crt and the key in CONFDIR/exim.key, dc_relay_nets; Debian and Ubuntu build
//   exim4 with GnuTLS. GnuTLS priority strings (gnutls.org manual, "Priority strings"):
//   NORMAL:-VERS-TLS1.0:-VERS-TLS1.1 removes TLS 1.0 and 1.1.
// - Sendmail, cf/README and doc/op/op.me: confDOMAIN_NAME ($j, which SmtpGreetingMessage "$j
//   Sendmail $v/$Z; $b" starts with); confAUTH_OPTIONS (AuthOptions "p": no PLAIN or LOGIN
//   unless a security layer is active); confSERVER_CERT, confSERVER_KEY, confCACERT;
//   confSERVER_SSL_OPTIONS (ServerSSLOptions, SSL_CTX_set_options flags, 8.15+; 8.14 takes
//   "O ServerSSLOptions=" in LOCAL_CONFIG); FEATURE(`promiscuous_relay'), FEATURE(`relay_local_from'),
//   FEATURE(`relay_based_on_MX'), the access map's "Connect:... RELAY" with FEATURE(`access_db').
// - OpenSMTPD, smtpd.conf(5): listen on ... hostname, pki <name> cert / key, listen on ... tls pki
//   <name>, protocols (tls_config_parse_protocols: "tlsv1.2,tlsv1.3"), match from local / match
//   auth from any ... action relay, match from any for domain ... action <local delivery>;
//   smtp_session.c advertises AUTH only on a TLS session.
// - Exim, the specification (tls_certificate): "the host's certificate itself, then the first
//   intermediate certificate ..." in one file. OpenSMTPD, smtpd.conf(5): "A certificate chain may
//   be created by appending one or many certificates ... to certfile". Haraka, docs/plugins/tls.md:
//   cert= holds the certificate then its chain.
// - Haraka: config/me (the host name; haraka-net-utils get_primary_host_name), the tls plugin with
//   config/tls.ini (key=, cert=, minVersion=) or config/tls_key.pem and tls_cert.pem,
//   plugins/auth/auth_base.js (AUTH offered only when connection.tls.enabled), haraka-plugin-relay
//   (config/relay.ini [relay] all=true "DO NOT USE THIS FEATURE", config/relay_acl_allow).
// - Exchange (learn.microsoft.com, receive connectors, "Allow anonymous relay on Exchange
//   servers"): Set-ReceiveConnector -Fqdn; the ms-Exch-SMTP-Accept-Any-Recipient extended right
//   of NT AUTHORITY\ANONYMOUS LOGON is what makes a connector an open relay.
import { MTA_NAMES, sourceWords } from '../probe/mta-fingerprint.ts';
import type { MtaFamily, MtaFingerprint } from '../probe/types.ts';

export type RemediationTopic =
  /** smtp/banner: how to make the server announce a given name */
  | 'server-name'
  /** smtp/auth-plaintext: AUTH only after STARTTLS */
  | 'auth-after-tls'
  /** tls/starttls: enable STARTTLS with a certificate and key */
  | 'starttls-setup'
  /** tls/protocol, tls/starttls: accept TLS 1.2 and 1.3 only */
  | 'tls-versions'
  /** tls/certificate: send the intermediate certificates with the leaf */
  | 'certificate-chain'
  /** relay/open: relay only for your own networks and authenticated users */
  | 'relay-closed'
  /** relay/open: a relay refusal with a temporary code (Postfix's defer_unauth_destination) */
  | 'relay-refuse-permanently';

export interface RemediationVars {
  /** the host name the server should announce (server-name) */
  name?: string;
  /** the audited domain (relay-closed: the domain the server receives mail for) */
  domain?: string;
}

type Family = Exclude<MtaFamily, 'unknown'>;
type Text = (v: Required<RemediationVars>, fp: MtaFingerprint) => string;

interface TopicTexts {
  generic: (v: Required<RemediationVars>) => string;
  family: Partial<Record<Family, Text>>;
}

const MC = 'then rebuild sendmail.cf (m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf) and restart sendmail';

/** Debian and Ubuntu build Exim with GnuTLS; otherwise the build is unknown from outside. */
function eximTlsLibrary(fp: MtaFingerprint): 'gnutls' | 'unknown' {
  return fp.platform !== null && /debian|ubuntu/i.test(fp.platform) ? 'gnutls' : 'unknown';
}

const EXIM_GNUTLS = 'tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1';
const EXIM_OPENSSL = 'openssl_options = +no_sslv2 +no_sslv3 +no_tlsv1 +no_tlsv1_1';

const TEXTS: Record<RemediationTopic, TopicTexts> = {
  'server-name': {
    generic: (v) => `Make the server announce ${v.name} in its greeting and EHLO reply (Postfix: myhostname; Exim: primary_hostname; Sendmail: confDOMAIN_NAME; OpenSMTPD: listen on ... hostname; Haraka: config/me).`,
    family: {
      postfix: (v) => `set myhostname = ${v.name} in main.cf (the greeting, smtpd_banner, and the EHLO reply start with $myhostname), then postfix reload.`,
      exim: (v) => `set primary_hostname = ${v.name} in the main section (Debian: MAIN_HARDCODE_PRIMARY_HOSTNAME = ${v.name} in /etc/exim4/exim4.conf.localmacros, then update-exim4.conf); the greeting and the EHLO reply use it.`,
      sendmail: (v) => `define(\`confDOMAIN_NAME', \`${v.name}')dnl in sendmail.mc (it sets $j, which the greeting starts with), ${MC}.`,
      opensmtpd: (v) => `add "hostname ${v.name}" to the listen on line in smtpd.conf (the greeting and EHLO name of that listener), then restart smtpd.`,
      haraka: (v) => `write ${v.name} into config/me (Haraka's host name for the greeting and EHLO reply; it defaults to the system host name), then restart Haraka.`,
      exchange: (v) => `set the Internet-facing receive connector's FQDN: Set-ReceiveConnector "<server>\\Default Frontend <server>" -Fqdn ${v.name}.`,
      gmail: () => 'Google operates this server and sets its names; nothing to change on your side.',
    },
  },
  'auth-after-tls': {
    generic: () => 'Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}; Sendmail: confAUTH_OPTIONS `p\'), and preferably not on the MX at all: submission belongs on port 587 or 465 (RFC 8314).',
    family: {
      postfix: () => 'set smtpd_tls_auth_only = yes in main.cf, or keep AUTH off the MX altogether (smtpd_sasl_auth_enable = no for the port 25 smtpd, -o smtpd_sasl_auth_enable=yes only on submission in master.cf); submission belongs on port 587 or 465 (RFC 8314).',
      exim: () => 'set auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}} in the main section, so AUTH is advertised only on encrypted sessions; submission belongs on port 587 or 465 (RFC 8314).',
      sendmail: () => `define(\`confAUTH_OPTIONS', \`p,y')dnl in sendmail.mc ("p": PLAIN and LOGIN only once STARTTLS protects the session), ${MC}; submission belongs on port 587 or 465 (RFC 8314).`,
      opensmtpd: () => 'OpenSMTPD itself offers AUTH only after STARTTLS, so something in front of it (a proxy or filter) advertises AUTH here: make that offer it only over TLS, or remove it.',
      haraka: () => 'Haraka\'s own auth plugins offer AUTH only after STARTTLS (plugins/auth/auth_base.js), so a custom or third-party plugin advertises it here: make it check connection.tls.enabled before adding AUTH to the capabilities.',
    },
  },
  'starttls-setup': {
    generic: () => 'Enable STARTTLS with a certificate for the MX host name and its private key (Postfix: smtpd_tls_security_level = may and smtpd_tls_chain_files; Exim: tls_certificate and tls_privatekey; Sendmail: confSERVER_CERT and confSERVER_KEY; OpenSMTPD: pki and listen on ... tls; Haraka: the tls plugin).',
    family: {
      postfix: () => 'in main.cf set smtpd_tls_security_level = may and smtpd_tls_chain_files = /etc/postfix/mx.pem (the private key, then the certificate and its chain, readable by Postfix; before Postfix 3.4: smtpd_tls_key_file and smtpd_tls_cert_file), then postfix reload and check the log for TLS errors.',
      exim: () => 'Debian: MAIN_TLS_ENABLE = yes in /etc/exim4/exim4.conf.localmacros, with the certificate chain in /etc/exim4/exim.crt and the key in /etc/exim4/exim.key (readable by Debian-exim; or MAIN_TLS_CERTIFICATE and MAIN_TLS_PRIVATEKEY), then update-exim4.conf and restart; other systems: tls_certificate = and tls_privatekey = in the main section (tls_advertise_hosts = * is the default).',
      sendmail: () => `define(\`confSERVER_CERT', \`/etc/mail/tls/mx.crt')dnl, define(\`confSERVER_KEY', \`/etc/mail/tls/mx.key')dnl and define(\`confCACERT', \`/etc/mail/tls/ca.crt')dnl in sendmail.mc (sendmail must be built with STARTTLS), ${MC}.`,
      opensmtpd: (v) => `in smtpd.conf: pki ${v.name} cert "/etc/ssl/${v.name}.crt", pki ${v.name} key "/etc/ssl/private/${v.name}.key" and listen on egress tls pki ${v.name}, then restart smtpd.`,
      haraka: () => 'enable the tls plugin (a line "tls" in config/plugins) with the key and certificate in config/tls_key.pem and config/tls_cert.pem (or key= and cert= in config/tls.ini), then restart Haraka.',
    },
  },
  'tls-versions': {
    generic: () => `Accept only TLS 1.2 and 1.3 (Postfix: smtpd_tls_protocols = >=TLSv1.2; Exim built with GnuTLS, as Debian and Ubuntu build it: ${EXIM_GNUTLS}; Exim built with OpenSSL: ${EXIM_OPENSSL}; Sendmail: confSERVER_SSL_OPTIONS with +SSL_OP_NO_TLSv1 +SSL_OP_NO_TLSv1_1; OpenSMTPD: protocols "tlsv1.2,tlsv1.3"; Haraka: minVersion=TLSv1.2).`,
    family: {
      postfix: () => 'in main.cf set smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_mandatory_protocols = >=TLSv1.2 (Postfix 3.6 and later; before: !SSLv2, !SSLv3, !TLSv1, !TLSv1.1), then postfix reload.',
      exim: (_v, fp) => (eximTlsLibrary(fp) === 'gnutls'
        ? `Debian and Ubuntu build Exim with GnuTLS: set ${EXIM_GNUTLS} in the main section (a GnuTLS priority string that controls the protocol versions too; on Debian in /etc/exim4/exim4.conf.localmacros, then update-exim4.conf) and restart; openssl_options does not exist in a GnuTLS build.`
        : `if Exim is built with GnuTLS (Debian, Ubuntu; "exim -bV" names the library): ${EXIM_GNUTLS}; if it is built with OpenSSL: ${EXIM_OPENSSL} (openssl_options exists only in OpenSSL builds); in the main section, then restart Exim.`),
      sendmail: () => `define(\`confSERVER_SSL_OPTIONS', \`+SSL_OP_NO_SSLv2 +SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1 +SSL_OP_NO_TLSv1_1')dnl in sendmail.mc (Sendmail 8.15 and later; 8.14: O ServerSSLOptions=... under LOCAL_CONFIG), ${MC}.`,
      opensmtpd: () => 'add protocols "tlsv1.2,tlsv1.3" to the listen on ... tls line in smtpd.conf, then restart smtpd.',
      haraka: () => 'set minVersion=TLSv1.2 in config/tls.ini (Node\'s default minimum; a lower value was set there), then restart Haraka.',
    },
  },
  'certificate-chain': {
    generic: () => 'Serve the full chain (the leaf certificate, then its intermediates) from a public CA (Postfix: smtpd_tls_chain_files; Exim: tls_certificate; OpenSMTPD: the pki cert file; Haraka: cert= in config/tls.ini), then reload the mail server.',
    family: {
      postfix: () => 'list the private key, the leaf certificate and its intermediates, in that order, in smtpd_tls_chain_files in main.cf (an ACME client\'s privkey.pem, fullchain.pem), then postfix reload.',
      exim: () => 'point tls_certificate at a file holding the leaf certificate followed by its intermediates (fullchain.pem, not cert.pem; Debian: /etc/exim4/exim.crt or MAIN_TLS_CERTIFICATE), then restart Exim.',
      opensmtpd: () => 'append the intermediate certificates to the file of the pki ... cert line in smtpd.conf (fullchain.pem), then restart smtpd.',
      haraka: () => 'append the intermediate certificates after the certificate in the cert= file of config/tls.ini (or in config/tls_cert.pem), then restart Haraka.',
    },
  },
  'relay-closed': {
    generic: () => 'Relay only for your own networks and authenticated users (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination; Exim: relay_from_hosts and the RCPT ACL; Sendmail: no FEATURE(`promiscuous_relay\'); OpenSMTPD: no "match from any for any" relay rule; Haraka: no all=true in config/relay.ini).',
    family: {
      postfix: () => 'in main.cf set smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, keep mynetworks to your own networks and relay_domains to the domains you relay for, and make sure no permit in smtpd_recipient_restrictions comes before reject_unauth_destination; then postfix reload.',
      exim: () => 'relay only for hostlist relay_from_hosts (your own networks; Debian: dc_relay_nets in /etc/exim4/update-exim4.conf.conf) and authenticated clients, and keep the RCPT ACL\'s "require message = relay not permitted / domains = +local_domains : +relay_to_domains" before any other accept (configure.default); then update-exim4.conf (Debian) and restart.',
      sendmail: () => `remove FEATURE(\`promiscuous_relay'), FEATURE(\`relay_local_from') and FEATURE(\`relay_based_on_MX') from sendmail.mc, and let only your own networks relay (Connect:192.0.2 RELAY entries in /etc/mail/access with FEATURE(\`access_db'), and /etc/mail/relay-domains) besides authenticated users; ${MC} and the access map (makemap hash /etc/mail/access < /etc/mail/access).`,
      opensmtpd: (v) => `in smtpd.conf relay only for local and authenticated senders (match from local for any action "outbound" and match auth from any for any action "outbound"), accept other mail only for your domains (match from any for domain ${v.domain} action "local"), and remove any "match from any for any" rule that relays; then restart smtpd.`,
      haraka: () => 'remove all=true from the [relay] section of config/relay.ini (haraka-plugin-relay: never on a real server), list only your own networks in config/relay_acl_allow, and let users relay after SMTP AUTH; check custom plugins that set connection.relaying.',
      exchange: () => 'remove the ms-Exch-SMTP-Accept-Any-Recipient right of NT AUTHORITY\\ANONYMOUS LOGON from the Internet-facing receive connector (Get-ReceiveConnector "<name>" | Remove-ADPermission -User "NT AUTHORITY\\ANONYMOUS LOGON" -ExtendedRights "ms-Exch-SMTP-Accept-Any-Recipient"), and limit any anonymous relay connector\'s RemoteIPRanges to the application servers that need it.',
    },
  },
  'relay-refuse-permanently': {
    generic: () => 'Refuse relaying with a permanent (5xx) reply, so senders and relay tests get a definite answer instead of retrying.',
    family: {
      postfix: () => 'the default smtpd_relay_restrictions end in defer_unauth_destination, which answers relay attempts with 454 4.7.1 (senders retry for days); reject_unauth_destination answers 554 5.7.1 instead: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination in main.cf.',
    },
  },
};

/**
 * The remediation for a topic, written for the MTA when it is known and this module has a text
 * for it; the generic text otherwise.
 */
export function remediationFor(topic: RemediationTopic, mta: MtaFingerprint | null | undefined, vars: RemediationVars = {}): string {
  const v: Required<RemediationVars> = { name: vars.name ?? '<its fully qualified host name>', domain: vars.domain ?? '<your domain>' };
  const texts = TEXTS[topic];
  const generic = texts.generic(v);
  if (!mta || mta.family === 'unknown') return generic;
  const text = texts.family[mta.family]?.(v, mta);
  if (text === undefined) return generic;
  const name = MTA_NAMES[mta.family];
  if (mta.confidence === 'low') return `${generic} If the server is ${name} (a guess from ${sourceWords(mta.source)}): ${text}`;
  return `${name} (recognised from ${sourceWords(mta.source)}): ${text}`;
}
