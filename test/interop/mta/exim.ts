// Exim 4 from Debian (exim4-daemon-light, unpacked by test/interop/setup.sh), run with Debian's
// own configuration template (exim4.conf.template) and the macros update-exim4.conf writes for
// dc_eximconfig_configtype='internet' ("mail is sent and received directly using SMTP"),
// with dc_relay_nets empty: Debian's default for an Internet site. Debian's Exim is built with
// GnuTLS. Changes of the suite's own:
// - the site's address, host name and domain; spool, logs and pid file in the site's folder;
//   exim_path pointing at the unpacked binary (Exim re-executes itself to deliver);
// - closed: STARTTLS with a certificate from the suite's CA (MAIN_TLS_ENABLE);
// - open: MAIN_RELAY_NETS = 0.0.0.0/0, so relay_from_hosts trusts everyone;
// - submission (for the `send` tests): ports 587 (STARTTLS), 465 (TLS on connect) and 2525,
//   AUTH PLAIN/LOGIN offered over TLS only (Debian's default), with one user and password, and
//   local mail appended to one mailbox file the suite reads;
// - nothing leaves the machine: the only router that delivers is the suite's mailbox.
// `exim4 -bdf` keeps the daemon in the foreground. Exim runs as root with -C only for the
// files in /etc/exim4/trusted_configs, which test/interop/setup.sh writes.
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startDaemon } from '../support/daemons.ts';
import { PKG_ROOT } from '../support/network.ts';
import type { MtaStart, RunningMta } from './types.ts';

export const SUBMISSION_USER = 'interop-user';
export const SUBMISSION_PASSWORD = 'interop-password-8f3c';

export interface EximStart extends MtaStart {
  /** the submission variant: ports 587/465/2525 and AUTH; the site's variant is then ignored */
  submission?: boolean;
}

export interface RunningExim extends RunningMta {
  mailbox: string;
}

export async function startExim(o: EximStart): Promise<RunningExim> {
  const { site, dir } = o;
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['spool', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  const ids = (user: string) => Number(execFileSync('id', [user === 'group' ? '-g' : '-u', 'Debian-exim'], { encoding: 'utf8' }).trim());
  const uid = ids('user');
  const gid = ids('group');
  for (const sub of ['spool', 'log']) chownSync(join(dir, sub), uid, gid);
  // appendfile makes lock files beside the mailbox: its folder belongs to Exim's user
  mkdirSync(join(dir, 'mail'));
  chownSync(join(dir, 'mail'), uid, gid);
  const mailbox = join(dir, 'mail', 'mailbox');
  writeFileSync(mailbox, '', { mode: 0o660 });
  chmodSync(mailbox, 0o660);
  chownSync(mailbox, uid, gid);
  const cert = o.pki.certFor(site.mx);
  chownSync(cert.keyFile, 0, gid);
  const ports = o.submission ? [25, 587, 465, 2525] : [25];
  const macros = [
    `MAIN_LOCAL_INTERFACES = <; ${ports.map((p) => `${site.ip}.${p}`).join(' ; ')}`,
    `MAIN_LOCAL_DOMAINS = @:localhost:${site.domain}`,
    'MAIN_RELAY_TO_DOMAINS =',
    `MAIN_RELAY_NETS = ${site.variant === 'open' && !o.submission ? '0.0.0.0/0' : ''}`,
    `ETC_MAILNAME = ${site.domain}`,
    `MAIN_HARDCODE_PRIMARY_HOSTNAME = ${site.mx}`,
    'LOCAL_DELIVERY = mail_spool',
    'DC_eximconfig_configtype = internet',
    'DCconfig_internet = 1',
    `SPOOLDIR = ${join(dir, 'spool')}`,
    // every SMTP command in the log, so the suite can see that no audit reached DATA
    'MAIN_LOG_SELECTOR = +smtp_protocol_error +smtp_syntax_error +smtp_connection +received_recipients +smtp_mailauth',
    ...(site.variant === 'closed' || o.submission ? ['MAIN_TLS_ENABLE = yes', `MAIN_TLS_CERTIFICATE = ${cert.chainFile}`, `MAIN_TLS_PRIVATEKEY = ${cert.keyFile}`] : []),
  ];
  let template = readFileSync(join(PKG_ROOT, 'etc/exim4/exim4.conf.template'), 'utf8');
  template = template.replace(/^exim_path = .*$/m, `exim_path = ${join(PKG_ROOT, 'usr/sbin/exim4')}`);
  const paths = [`log_file_path = ${join(dir, 'log')}/%slog`, `pid_file_path = ${join(dir, 'exim.pid')}`];
  if (o.submission) {
    paths.push('tls_on_connect_ports = 465');
    // the suite's mailbox first among the routers: every local recipient lands there
    template = template.replace(/^begin routers$/m, `begin routers\n\ninterop_mailbox:\n  driver = accept\n  domains = +local_domains\n  transport = interop_mailbox\n`);
    template = template.replace(/^begin transports$/m, `begin transports\n\ninterop_mailbox:\n  driver = appendfile\n  file = ${mailbox}\n  user = Debian-exim\n  group = Debian-exim\n  mode = 0660\n`);
    // AUTH over TLS only (Debian's template advertises its authenticators to TLS sessions)
    template = template.replace(/^begin authenticators$/m, `begin authenticators\n\ninterop_plain:\n  driver = plaintext\n  public_name = PLAIN\n  server_advertise_condition = \${if eq{$tls_in_cipher}{}{false}{true}}\n  server_condition = \${if and {{eq{$auth2}{${SUBMISSION_USER}}}{eq{$auth3}{${SUBMISSION_PASSWORD}}}}}\n  server_set_id = $auth2\n\ninterop_login:\n  driver = plaintext\n  public_name = LOGIN\n  server_prompts = Username:: : Password::\n  server_advertise_condition = \${if eq{$tls_in_cipher}{}{false}{true}}\n  server_condition = \${if and {{eq{$auth1}{${SUBMISSION_USER}}}{eq{$auth2}{${SUBMISSION_PASSWORD}}}}}\n  server_set_id = $auth1\n`);
  }
  const config = join(dir, 'exim4.conf');
  writeFileSync(config, `# smtp-audit interop: Debian's exim4.conf.template with update-exim4.conf's macros\n${macros.join('\n')}\n${paths.join('\n')}\n${template}`);
  chmodSync(config, 0o644);
  const binary = join(PKG_ROOT, 'usr/sbin/exim4');
  const check = execFileSync(binary, ['-C', config, '-bV'], { encoding: 'utf8' });
  if (!/Configuration file/.test(check)) throw new Error(`exim -bV: ${check}`);
  const daemon = await startDaemon({
    name: o.submission ? 'exim-submission' : `exim-${site.variant}`, dir, hostname: site.mx, hosts: [`${site.ip} ${site.mx}`], nameserver: o.nameserver,
    command: binary, args: ['-C', config, '-bdf', '-q30m'],
    ready: { host: site.ip, port: 25 },
  });
  const mainlog = join(dir, 'log', 'mainlog');
  return {
    site, daemon, mailbox,
    // "<=" is a message received; Exim logs a transfer cut short "after DATA" or "while reading message data"
    messageTransfers: () => (existsSync(mainlog) ? readFileSync(mainlog, 'utf8').split('\n').filter((l) => / <= |after DATA|message data|after BDAT/.test(l)) : []),
    stop: () => daemon.stop(),
  };
}
