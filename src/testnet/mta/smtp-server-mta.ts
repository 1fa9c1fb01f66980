// Well-behaved (or deliberately misconfigured, but protocol-correct) fixture MTAs on loopback,
// built on smtp-server: STARTTLS with one of the committed certificates, TLS version limits,
// AUTH offered before TLS, closed or open relaying. They never accept a message: a DATA that
// reached one would be counted in `dataCommands` and refused, so tests can assert it never does.
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type net from 'node:net';
import type tls from 'node:tls';
import { fixtureCert, type FixtureCert, type FixtureCertName } from './fixture-certs.ts';

export type RelayPolicy =
  /** outside recipients: 554 5.7.1; local domains: known users only */
  | 'closed'
  /** every recipient is accepted (an open relay that accepts all) */
  | 'open'
  /** only %-hack recipients are relayed; others as 'closed' */
  | 'percent-hack-only'
  /** 530 5.7.0 authentication required at MAIL */
  | 'auth-required'
  /** 450 4.7.1 greylisted to every recipient */
  | 'greylist';

export interface SmtpServerMtaOptions {
  /** host name in the greeting and EHLO reply */
  name: string;
  /** certificate for STARTTLS: a committed test certificate by name, or a key and chain; null: no STARTTLS */
  cert: FixtureCertName | FixtureCert | null;
  /** TLS versions accepted (default TLS 1.2 to 1.3) */
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  relay?: RelayPolicy;
  /** domains the server receives mail for; their only user is "postmaster" */
  localDomains?: string[];
  /** offer AUTH PLAIN LOGIN on the plaintext session */
  authBeforeTls?: boolean;
  pipelining?: boolean;
}

export interface FixtureMta {
  host: string;
  port: number;
  /** ip:port, for --connect-to */
  address: string;
  /** connections accepted so far */
  connections: number;
  /** MAIL FROM / RCPT TO addresses seen, in order */
  commands: string[];
  /** DATA commands that reached the server (must stay 0) */
  dataCommands: number;
  stop(): Promise<void>;
}

export async function startSmtpServerMta(options: SmtpServerMtaOptions): Promise<FixtureMta> {
  const relay = options.relay ?? 'closed';
  const local = new Set((options.localDomains ?? []).map((d) => d.toLowerCase()));
  const state = { connections: 0, commands: [] as string[], dataCommands: 0 };
  const cert = options.cert === null ? null : typeof options.cert === 'string' ? fixtureCert(options.cert) : options.cert;
  const legacy = (options.minVersion ?? 'TLSv1.2') < 'TLSv1.2';
  const disabled: string[] = [];
  if (cert === null) disabled.push('STARTTLS');
  if (!options.authBeforeTls) disabled.push('AUTH');
  const server = new SMTPServer({
    name: options.name,
    banner: 'fixture ready',
    secure: false,
    ...(cert ?? {}),
    minVersion: options.minVersion ?? 'TLSv1.2',
    maxVersion: options.maxVersion ?? 'TLSv1.3',
    // security level 0 lets the legacy fixture speak TLS 1.0 with today's OpenSSL
    ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    disabledCommands: disabled,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: options.authBeforeTls === true,
    authOptional: true,
    hidePIPELINING: options.pipelining === false,
    disableReverseLookup: true,
    logger: false,
    onConnect(_session: SMTPServerSession, callback: (err?: Error | null) => void) {
      state.connections++;
      callback();
    },
    onAuth(_auth, _session, callback) {
      callback(new Error('fixture: no logins'));
    },
    onMailFrom(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      state.commands.push(`MAIL ${address.address}`);
      if (relay === 'auth-required') return callback(replyError(530, '5.7.0 Authentication required'));
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      state.commands.push(`RCPT ${address.address}`);
      const rcpt = address.address.toLowerCase();
      const domain = rcpt.slice(rcpt.lastIndexOf('@') + 1);
      if (relay === 'open') return callback();
      if (relay === 'greylist') return callback(replyError(450, '4.7.1 Greylisted, try again later'));
      if (relay === 'percent-hack-only' && rcpt.includes('%')) return callback();
      if (local.has(domain)) {
        return rcpt.startsWith('postmaster@') ? callback() : callback(replyError(550, '5.1.1 No such user here'));
      }
      callback(replyError(554, '5.7.1 Relay access denied'));
    },
    onData(stream, _session, callback) {
      state.dataCommands++;
      stream.resume();
      stream.on('end', () => callback(replyError(554, '5.7.1 fixture never accepts messages')));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    get connections() { return state.connections; },
    get commands() { return state.commands; },
    get dataCommands() { return state.dataCommands; },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function replyError(code: number, message: string): Error {
  const error = new Error(message) as Error & { responseCode: number };
  error.responseCode = code;
  return error;
}
