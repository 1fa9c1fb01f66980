// Sendmail 8.17 from Debian (sendmail-bin, unpacked by test/interop/setup.sh), configured from
// Debian's own sendmail.mc (the file the package installs as /etc/mail/sendmail.mc: greet_pause
// 1 s, BadRcptThrottle 3, delay_checks, access_db, conncontrol and ratecontrol), built with
// m4 and the package's cf tree. Changes of the suite's own:
// - paths: the cf tree of the unpacked package, and the site's folder for every file the .mc
//   puts under /etc/mail and /var/lib/sendmail (queue, status, pid, control socket, access db);
// - the site's address and host name;
// - open: FEATURE(`promiscuous_relay'), the classic open relay;
// - -X: Sendmail's own trace of every SMTP line, which the suite reads to see that no audit
//   reached DATA (Sendmail logs to syslog otherwise, which this machine may not run).
// `sendmail -bD` keeps the daemon in the foreground.
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startDaemon } from '../support/daemons.ts';
import { PKG_ROOT } from '../support/network.ts';
import type { MtaStart, RunningMta } from './types.ts';

const id = (flag: '-u' | '-g', user: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());

export async function startSendmail(o: MtaStart): Promise<RunningMta> {
  const { site, dir } = o;
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['queue', 'hoststat', 'm4']) mkdirSync(join(dir, sub), { recursive: true });
  chownSync(join(dir, 'queue'), id('-u', 'smmta'), id('-g', 'smmsp'));
  const cf = join(PKG_ROOT, 'usr/share/sendmail/cf');
  for (const f of ['m4/dialup.m4', 'm4/provider.m4', 'relay-domains', 'trusted-users', 'access', 'aliases']) writeFileSync(join(dir, f), '');
  writeFileSync(join(dir, 'local-host-names'), `${site.domain}\n`);
  writeFileSync(join(dir, 'sendmail.st'), '');
  // the version macros Debian's autoconf.m4 defines (its include path is the installed one)
  const versionDefines = readFileSync(join(cf, 'debian/autoconf.m4'), 'utf8').split('\n').filter((l) => l.startsWith('define(')).join('\n');
  let mc = readFileSync(join(cf, 'debian/sendmail.mc'), 'utf8')
    .replaceAll('/usr/share/sendmail/cf', cf)
    .replaceAll('/etc/mail/m4/', `${dir}/m4/`)
    .replace(/Addr=127\.0\.0\.1/g, `Addr=${site.ip}`)
    .replace("define(`_USE_ETC_MAIL_')dnl", `define(\`_USE_ETC_MAIL_')dnl\ndefine(\`MAIL_SETTINGS_DIR', \`${dir}/')dnl`)
    .replace("FEATURE(`access_db', , `skip')dnl", `FEATURE(\`access_db', \`hash -T<TMPF> -o ${dir}/access', \`skip')dnl`)
    .replace('MAILER_DEFINITIONS', [
      `define(\`STATUS_FILE', \`${dir}/sendmail.st')dnl`,
      `define(\`confHOST_STATUS_DIRECTORY', \`${dir}/hoststat')dnl`,
      `define(\`confPID_FILE', \`${dir}/sendmail.pid')dnl`,
      `define(\`confCONTROL_SOCKET_NAME', \`${dir}/smcontrol')dnl`,
      `define(\`QUEUE_DIR', \`${dir}/queue')dnl`,
      `define(\`ALIAS_FILE', \`${dir}/aliases')dnl`,
      `define(\`confDOMAIN_NAME', \`${site.mx}')dnl`,
      ...(site.variant === 'open' ? ["FEATURE(`promiscuous_relay')dnl"] : []),
      'MAILER_DEFINITIONS',
    ].join('\n'));
  mc = mc.replace(/^divert\(-1\)dnl$/m, `divert(-1)dnl\n${versionDefines}`);
  writeFileSync(join(dir, 'sendmail.mc'), mc);
  const config = execFileSync('m4', [join(dir, 'sendmail.mc')], { encoding: 'utf8' }).replace('/var/lib/sendmail/dead.letter', join(dir, 'dead.letter'));
  writeFileSync(join(dir, 'sendmail.cf'), config);
  const bin = join(PKG_ROOT, 'usr/libexec/sendmail');
  execFileSync(join(bin, 'makemap'), ['-C', join(dir, 'sendmail.cf'), 'hash', join(dir, 'access')], { input: '' });
  const trace = join(dir, 'smtp-trace.log');
  const daemon = await startDaemon({
    name: `sendmail-${site.variant}`, dir, hostname: site.mx, hosts: [`${site.ip} ${site.mx}`], nameserver: o.nameserver,
    command: join(bin, 'sendmail'), args: ['-C', join(dir, 'sendmail.cf'), '-bD', '-X', trace],
    ready: { host: site.ip, port: 25 },
  });
  return {
    site, daemon,
    // the trace has every line the client sent, prefixed with the process id and "<<<"
    messageTransfers: () => (existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter((l) => /<<< (DATA|BDAT)\b/i.test(l)) : []),
    stop: () => daemon.stop(),
  };
}
