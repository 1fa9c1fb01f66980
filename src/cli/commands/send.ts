// `smtp-audit send`: one test message with a timed, annotated transcript. Flags are checked
// here, before any connection, so a usage problem is one line and exit 2.
//
// Only commander and option parsing are imported up front: the sending machinery (nodemailer,
// mailauth, the resolver, the loopback server) is imported when the command runs, so that
// `smtp-audit --version` or another command's start-up does not pay for it.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { domainToASCII } from 'node:url';
import { Command } from 'commander';
import { parseConnectTo } from '../../net/dial.ts';
import { parseResolverSpec } from '../../net/dns/servers.ts';
import { CaFileError, readCaFile } from '../../send/ca-file.ts';
import { firstAddress, headerFields } from '../../send/compose.ts';
import { DkimKeyError, loadDkimKey, type DkimKey } from '../../send/dkim-keys.ts';
import { PasswordUnavailable, passwordFromEnv, promptPassword } from '../../send/password-prompt.ts';
import type { SendSettings } from '../../send/run-send.ts';
import type { TlsMode } from '../../send/smtp-delivery.ts';
import { prepareStoreFolder } from '../../serve/message-store.ts';
import type { RunIo } from '../run-audits.ts';
import { parseHostPort } from '../host-port.ts';
import { UsageError } from '../usage-error.ts';

export interface RawSendFlags {
  to?: string[];
  from?: string;
  mailFrom?: string;
  server?: string;
  loopback?: boolean;
  tls?: string;
  requireTls?: boolean;
  verifyCert?: boolean;
  caFile?: string[];
  auth?: string;
  authMethod?: string;
  allowPlaintextAuth?: boolean;
  helo?: string;
  subject?: string;
  body?: string;
  header?: string[];
  eml?: string;
  attach?: string[];
  dkimKey?: string[];
  dkimSelector?: string[];
  dkimDomain?: string;
  resolver?: string[];
  connectTo?: string[];
  timeout?: string;
  clientIp?: string;
  dir?: string;
  name?: string;
  format?: string;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** addr-spec check good enough to catch typos: local@domain, domain a valid host name (IDN allowed). */
export function checkAddress(value: string, flag: string): string {
  const text = value.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || /[\s<>]/.test(text)) throw new UsageError(`${flag} "${value}" is not an email address (local@domain)`);
  const domain = domainToASCII(text.slice(at + 1));
  if (!domain || !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i.test(domain)) {
    throw new UsageError(`${flag} "${value}": "${text.slice(at + 1)}" is not a valid domain`);
  }
  return `${text.slice(0, at)}@${domain}`;
}

function readable(file: string, flag: string): string {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    accessSync(file, constants.R_OK);
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return file;
}

export function parseSendFlags(flags: RawSendFlags): { settings: Omit<SendSettings, 'session'> & { session: Omit<SendSettings['session'], 'auth'> }; auth: { user: string; method: 'PLAIN' | 'LOGIN' | null } | null; format: 'table' | 'json'; resolvers: string[]; connectTo: string[]; verbose: boolean } {
  const format = (flags.format ?? 'table').toLowerCase();
  if (format !== 'table' && format !== 'json') throw new UsageError(`send --format must be table or json, not "${flags.format}"`);
  const loopback = flags.loopback === true;
  if (loopback && flags.server) throw new UsageError('--loopback and --server cannot be combined: --loopback sends to its own server');
  if (!loopback && flags.clientIp) throw new UsageError('--client-ip only applies to --loopback (the loopback server evaluates SPF as if the message came from it)');
  if (!loopback && flags.dir) throw new UsageError('--dir only applies to --loopback (where the received message is kept)');
  if (flags.clientIp && !net.isIP(flags.clientIp)) throw new UsageError(`--client-ip "${flags.clientIp}" is not an IP address`);

  const tls = (flags.tls ?? 'starttls').toLowerCase() as TlsMode;
  if (!['starttls', 'implicit', 'none'].includes(tls)) throw new UsageError(`--tls must be starttls, implicit or none, not "${flags.tls}"`);
  if (tls === 'none' && flags.requireTls) throw new UsageError('--require-tls cannot be combined with --tls none');
  const authMethod = flags.authMethod ? flags.authMethod.toUpperCase() : null;
  if (authMethod !== null && authMethod !== 'PLAIN' && authMethod !== 'LOGIN') throw new UsageError(`--auth-method must be plain or login, not "${flags.authMethod}"`);
  if (authMethod && !flags.auth) throw new UsageError('--auth-method needs --auth <user>');
  if (flags.allowPlaintextAuth && !flags.auth) throw new UsageError('--allow-plaintext-auth only applies with --auth <user>');
  // RFC 4616 section 4, RFC 8314 section 3: a password goes over TLS (see src/send/auth-policy.ts)
  if (flags.auth && tls === 'none' && !flags.allowPlaintextAuth) {
    throw new UsageError('--auth with --tls none would send the password unencrypted: use --tls starttls or implicit (add --allow-plaintext-auth only for a test rig)');
  }
  const caCertificates = (flags.caFile ?? []).map((file) => {
    try {
      return readCaFile(file);
    } catch (error) {
      if (error instanceof CaFileError) throw new UsageError(error.message);
      throw error;
    }
  });
  const helo = flags.helo?.trim();
  if (helo !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9a-fA-F:.]+\]$|^\[IPv6:[0-9a-fA-F:.]+\]$/.test(helo)) {
    throw new UsageError(`--helo "${flags.helo}" is not a host name or address literal`);
  }
  const timeoutText = flags.timeout ?? '30000';
  if (!/^\d+$/.test(timeoutText) || Number(timeoutText) < 100 || Number(timeoutText) > 600000) throw new UsageError(`--timeout must be a whole number of milliseconds between 100 and 600000, not "${flags.timeout}"`);
  for (const spec of flags.resolver ?? []) {
    try { parseResolverSpec(spec); } catch (error) { throw new UsageError((error as Error).message); }
  }
  for (const spec of flags.connectTo ?? []) {
    try { parseConnectTo(spec); } catch (error) { throw new UsageError((error as Error).message); }
  }

  // The message: --eml as is, or composed from the flags.
  const headers = (flags.header ?? []).map((h) => {
    // RFC 5322 section 3.6.8: a field name is printable US-ASCII other than colon.
    const m = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/.exec(h);
    if (!m || /[\r\n]/.test(h)) throw new UsageError(`--header "${h}" must look like "Name: value" on one line`);
    return { key: m[1]!, value: m[2]! };
  });
  let emlFrom: string | null = null;
  if (flags.eml) {
    const clashing = [flags.subject !== undefined && '--subject', flags.body !== undefined && '--body', headers.length > 0 && '--header', (flags.attach ?? []).length > 0 && '--attach'].filter(Boolean);
    if (clashing.length > 0) throw new UsageError(`--eml sends the file as it is; it cannot be combined with ${clashing.join(', ')}`);
    readable(flags.eml, '--eml');
    const from = headerFields(readFileSync(flags.eml)).find((f) => f.name.toLowerCase() === 'from');
    emlFrom = from ? firstAddress(from.value) : null;
  }
  for (const file of flags.attach ?? []) readable(file, '--attach');

  const fromAddress = flags.from ? checkAddress(firstAddress(flags.from) ?? flags.from, '--from') : null;
  if (!flags.eml && !fromAddress) throw new UsageError('send needs --from <address> (or --eml <file> with a From field)');
  if (flags.eml && !fromAddress && !flags.mailFrom && !emlFrom) throw new UsageError(`--eml ${flags.eml} has no From address: give --from or --mail-from for the envelope`);
  const mailFrom = flags.mailFrom !== undefined ? (flags.mailFrom === '' ? '' : checkAddress(flags.mailFrom, '--mail-from')) : (fromAddress ?? emlFrom!);
  const to = (flags.to ?? []).map((t) => checkAddress(t, '--to'));
  if (to.length === 0) {
    if (!loopback) throw new UsageError('send needs at least one --to <address>');
    to.push('loopback@smtp-audit.invalid');
  }

  // DKIM keys: --dkim-key and --dkim-selector pair up in order.
  const keyFiles = flags.dkimKey ?? [];
  const selectors = flags.dkimSelector ?? [];
  if (keyFiles.length !== selectors.length) throw new UsageError(`every --dkim-key needs its --dkim-selector (got ${keyFiles.length} key${keyFiles.length === 1 ? '' : 's'} and ${selectors.length} selector${selectors.length === 1 ? '' : 's'})`);
  if (flags.dkimDomain && keyFiles.length === 0) throw new UsageError('--dkim-domain needs --dkim-key and --dkim-selector');
  const headerFrom = flags.eml ? emlFrom : fromAddress;
  const dkimDomainText = flags.dkimDomain ?? (headerFrom ? headerFrom.slice(headerFrom.lastIndexOf('@') + 1) : null);
  const dkimDomain = dkimDomainText ? domainToASCII(dkimDomainText.replace(/\.$/, '')) : '';
  if (keyFiles.length > 0 && !dkimDomain) throw new UsageError('cannot tell the DKIM signing domain: give --dkim-domain');
  const dkimKeys: DkimKey[] = keyFiles.map((file, i) => {
    const selector = selectors[i]!.trim();
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(selector)) throw new UsageError(`--dkim-selector "${selector}" is not a valid selector`);
    try {
      return loadDkimKey(file, selector.toLowerCase(), dkimDomain);
    } catch (error) {
      if (error instanceof DkimKeyError) throw new UsageError(error.message);
      throw error;
    }
  });

  const authPort = flags.auth ? 587 : 25;
  const server = flags.server ? parseHostPort(flags.server, '--server', tls === 'implicit' ? 465 : authPort) : null;
  const folderProblem = flags.dir ? prepareStoreFolder(flags.dir) : null;
  if (folderProblem) throw new UsageError(`--dir ${folderProblem}`);

  return {
    settings: {
      message: flags.eml
        ? { kind: 'eml', file: flags.eml }
        : { kind: 'compose', input: { from: flags.from!, to, subject: flags.subject ?? null, body: flags.body ?? null, headers, attachments: flags.attach ?? [] } },
      mailFrom,
      to,
      server,
      mxPort: 25,
      loopback: loopback ? { clientIp: flags.clientIp ?? null, dir: flags.dir ?? null, serverName: flags.name ?? 'smtp-audit.loopback' } : null,
      session: {
        tls, requireTls: flags.requireTls === true, verifyCert: flags.verifyCert === true, caCertificates,
        allowPlaintextAuth: flags.allowPlaintextAuth === true, helo: helo ?? null, timeoutMs: Number(timeoutText),
      },
      dkimKeys,
    },
    auth: flags.auth ? { user: flags.auth, method: authMethod as 'PLAIN' | 'LOGIN' | null } : null,
    format,
    resolvers: flags.resolver ?? [],
    connectTo: flags.connectTo ?? [],
    verbose: flags.verbose === true,
  };
}

export function sendCommand(io: RunIo, setExit: (code: number) => void): Command {
  return new Command('send')
    .description('send one test message and print a timed, annotated SMTP transcript')
    .option('--to <address>', 'recipient (repeatable)', collect)
    .option('--from <address>', 'From address, also MAIL FROM unless --mail-from ("Name <a@b>" allowed)')
    .option('--mail-from <address>', 'envelope sender (MAIL FROM); default: the From address')
    .option('--server <host[:port]>', 'send through this server (default port 25; 587 with --auth; 465 with --tls implicit) instead of the recipients\' MX')
    .option('--loopback', 'send to an in-process loopback server and print the verdicts it reached on arrival')
    .option('--tls <mode>', 'starttls (use it when offered), implicit (TLS from the first byte) or none', 'starttls')
    .option('--require-tls', 'fail unless the session is encrypted')
    .option('--verify-cert', 'refuse a certificate that is not trusted or does not cover the host name')
    .option('--ca-file <pem>', 'also trust the CA certificates in this PEM file when verifying the server (repeatable)', collect)
    .option('--auth <user>', 'log in as <user>, only over TLS and only when the server offers AUTH; the password comes from SMTP_AUDIT_PASSWORD, or is asked for on the terminal')
    .option('--auth-method <plain|login>', 'AUTH mechanism (default: the first the server offers of PLAIN, LOGIN, CRAM-MD5)')
    .option('--allow-plaintext-auth', 'with --auth: allow logging in over an unencrypted session (test rigs only)')
    .option('--helo <name>', 'the name to announce in EHLO')
    .option('--subject <text>', 'Subject (default: "smtp-audit test message <time>")')
    .option('--body <text>', 'plain-text body')
    .option('--header <"Name: value">', 'extra header field (repeatable)', collect)
    .option('--attach <file>', 'attach a file (repeatable)', collect)
    .option('--eml <file>', 'send this prepared message as it is (line endings become CRLF)')
    .option('--dkim-key <file>', 'sign with this private key, PEM RSA or Ed25519 (repeatable, paired with --dkim-selector)', collect)
    .option('--dkim-selector <selector>', 'DKIM selector for the matching --dkim-key (repeatable)', collect)
    .option('--dkim-domain <domain>', 'DKIM signing domain d= (default: the From domain)')
    .option('--resolver <ip[:port]>', 'DNS server for MX and host lookups and for --loopback verification (repeatable)', collect)
    .option('--connect-to <host:port=ip:port>', 'connect somewhere else for host:port (repeatable)', collect)
    .option('--timeout <ms>', 'per network operation', '30000')
    .option('--client-ip <address>', 'with --loopback: evaluate SPF as if the message came from this address')
    .option('--dir <folder>', 'with --loopback: keep the received message (.eml) and its verdicts (.json) here')
    .option('--format <format>', 'table or json', 'table')
    .option('--verbose', 'log every DNS query to stderr')
    .addHelpText('after', `
Exit codes: 0 every recipient accepted (with --loopback: and DMARC and every DKIM signature
passed on arrival), 1 the server refused the message or a recipient (also when it then closed
the connection), 2 usage error, or send stopped before AUTH rather than send the password
(no TLS, or AUTH not offered), 3 network error (no connection, TLS failure, timeout).

--auth sends the password only over TLS and only when the server's EHLO offers AUTH; otherwise
send stops before AUTH (exit 2) and the password never goes on the wire. The transcript never
shows AUTH credentials: the AUTH initial response and every answer to a 334 challenge are
replaced with <redacted>.

Examples:
  smtp-audit send --loopback --from me@example.com \\
      --dkim-key key.pem --dkim-selector s1
      sign with a key you have not published yet and see SPF, DKIM and
      DMARC as a receiver would
  smtp-audit send --from me@example.com --to you@example.org
      deliver straight to example.org's MX on port 25
  SMTP_AUDIT_PASSWORD=... smtp-audit send --server smtp.example.com:587 \\
      --auth me@example.com --from me@example.com --to you@example.org \\
      --require-tls
  smtp-audit send --server 127.0.0.1:2525 --eml saved.eml \\
      --to you@example.org --format json
  smtp-audit send --server relay.corp.example:587 --ca-file corp-ca.pem \\
      --verify-cert --connect-to relay.corp.example:587=192.0.2.25:587 \\
      --from me@corp.example --to you@example.org
      trust a private CA; the mapped name needs no DNS`)
    .action(async (flags: RawSendFlags) => {
      const parsed = parseSendFlags(flags);
      let auth: SendSettings['session']['auth'] = null;
      if (parsed.auth) {
        let password = passwordFromEnv();
        if (password === null) {
          try {
            password = await promptPassword(`password for ${parsed.auth.user}: `);
          } catch (error) {
            if (error instanceof PasswordUnavailable) throw new UsageError(error.message);
            throw error;
          }
        }
        auth = { user: parsed.auth.user, password, method: parsed.auth.method };
      }
      const debug = parsed.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
      const [{ createAuditEnv }, { runSend }, { renderSendText }] = await Promise.all([
        import('../../core/env.ts'), import('../../send/run-send.ts'), import('../../send/render-send.ts'),
      ]);
      const env = createAuditEnv({ resolvers: parsed.resolvers, connectTo: parsed.connectTo, debug, dnsTimeoutMs: Math.min(5000, parsed.settings.session.timeoutMs) });
      const settings: SendSettings = { ...parsed.settings, session: { ...parsed.settings.session, auth } };
      const { report, arrivals } = await runSend(settings, env);
      io.stdout.write(parsed.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderSendText(report, arrivals));
      setExit(report.exitCode);
    });
}
