// OpenSMTPD 6.8 from Debian (opensmtpd, unpacked by test/interop/setup.sh), with Debian's
// /etc/smtpd.conf as the package installs it: deliver local mail, relay for local senders only
// ("match from local for any action relay"). Changes of the suite's own:
// - `listen on` the site's address (Debian's file listens on localhost) with the site's name;
// - open: "match from any for any action relay", the classic open relay;
// - `-T smtp`: OpenSMTPD traces every SMTP line, which the suite reads to see that no audit
//   reached DATA.
// `smtpd -d` keeps it in the foreground. Its queue and privilege-separation paths are compiled
// in (/var/spool/smtpd, /var/lib/opensmtpd/empty); test/interop/setup.sh creates them.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon } from '../support/daemons.ts';
import { PKG_ROOT } from '../support/network.ts';
import type { MtaStart, RunningMta } from './types.ts';

export async function startOpenSmtpd(o: MtaStart): Promise<RunningMta> {
  const { site, dir } = o;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'aliases'), '');
  const debian = readFileSync(join(PKG_ROOT, 'etc/smtpd.conf'), 'utf8');
  let conf = debian
    .replace('table aliases file:/etc/aliases', `table aliases file:${join(dir, 'aliases')}`)
    .replace(/^listen on localhost$/m, `listen on ${site.ip} hostname ${site.mx}`);
  if (site.variant === 'open') conf = conf.replace(/^match from local for any action "relay"$/m, 'match from any for any action "relay"');
  const file = join(dir, 'smtpd.conf');
  writeFileSync(file, conf);
  const daemon = await startDaemon({
    name: `opensmtpd-${site.variant}`, dir, hostname: site.mx, hosts: [`${site.ip} ${site.mx}`], nameserver: o.nameserver,
    command: join(PKG_ROOT, 'usr/sbin/smtpd'), args: ['-d', '-T', 'smtp', '-f', file],
    ready: { host: site.ip, port: 25 },
  });
  return {
    site, daemon,
    messageTransfers: () => (existsSync(daemon.logFile) ? readFileSync(daemon.logFile, 'utf8').split('\n').filter((l) => /<<< (DATA|BDAT)\b/i.test(l)) : []),
    stop: () => daemon.stop(),
  };
}
