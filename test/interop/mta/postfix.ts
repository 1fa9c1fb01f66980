// Postfix from Debian (apt), one instance per site with its own configuration folder, queue and
// log. The configuration is Debian's /etc/postfix/main.cf and master.cf as the package installs
// them, with these changes:
// - the site's address, host name and domain; the queue, data folder and log file of its own;
// - mynetworks: Debian's postinst writes 127.0.0.0/8, which would trust the auditor's loopback
//   address; the line is dropped so Postfix's own default applies (mynetworks_style = host:
//   only the machine's addresses, here 127.0.0.1), as for any outside client;
// - closed: STARTTLS with a certificate from the suite's CA (smtpd_tls_security_level = may);
// - open: the classic mistake, mynetworks = 0.0.0.0/0, so everyone is trusted to relay;
// - nothing leaves the machine: every transport is discard;
// - no chroot (the services would need copies of /etc files inside this instance's queue).
// `postfix -c <dir> start-fg` keeps the master in the foreground; the alternate configuration
// folders are listed in /etc/postfix/main.cf by test/interop/setup.sh.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon } from '../support/daemons.ts';
import type { MtaStart, RunningMta } from './types.ts';

function postconf(dir: string, settings: Record<string, string>): void {
  execFileSync('postconf', ['-c', dir, '-e', ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`)]);
}

export async function startPostfix(o: MtaStart): Promise<RunningMta> {
  const { site, dir } = o;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'spool'), { recursive: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'main.cf'), readFileSync('/etc/postfix/main.cf', 'utf8').split('\n').filter((l) => !/^(mynetworks|alternate_config_directories)\s*=/.test(l)).join('\n'));
  // no chroot: a chrooted service would need copies of /etc files inside this instance's queue
  writeFileSync(join(dir, 'master.cf'), readFileSync('/etc/postfix/master.cf', 'utf8').replace(/^(\S+\s+(?:inet|unix|unix-dgram|pass|fifo)\s+[-ny]\s+[-ny]\s+)y(?=\s)/gm, '$1n'));
  const uid = Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());
  chownSync(join(dir, 'data'), uid, -1);
  const log = join(dir, 'maillog');
  const settings: Record<string, string> = {
    queue_directory: join(dir, 'spool'),
    data_directory: join(dir, 'data'),
    inet_interfaces: site.ip,
    inet_protocols: 'ipv4',
    myhostname: site.mx,
    mydestination: `${site.domain}, localhost`,
    maillog_file: log,
    maillog_file_prefixes: dir,
    alias_maps: '',
    alias_database: '',
    // nothing this instance accepts goes anywhere
    local_transport: 'discard:interop',
    default_transport: 'discard:interop',
    relay_transport: 'discard:interop',
  };
  if (site.variant === 'open') {
    settings.mynetworks = '0.0.0.0/0';
  } else {
    const cert = o.pki.certFor(site.mx);
    Object.assign(settings, {
      smtpd_tls_chain_files: `${cert.keyFile}, ${cert.chainFile}`,
      smtpd_tls_security_level: 'may',
    });
  }
  postconf(dir, settings);
  execFileSync('postfix', ['-c', dir, 'set-permissions'], { stdio: 'ignore' });
  const daemon = await startDaemon({
    name: `postfix-${site.variant}`, dir, hostname: site.mx, hosts: [`${site.ip} ${site.mx}`], nameserver: o.nameserver,
    command: 'postfix', args: ['-c', dir, 'start-fg'],
    ready: { host: site.ip, port: 25 },
  });
  return {
    site, daemon,
    messageTransfers: () => {
      if (!existsSync(log)) return [];
      // smtpd's disconnect line counts the commands of the session: "... data=1 ..." after DATA;
      // a queued message logs "message-id=" and "from=<...>, size="
      return readFileSync(log, 'utf8').split('\n').filter((l) => /\bdata=\d|\bbdat=\d|\bsize=\d|message-id=/.test(l));
    },
    async stop() {
      // the master is a child of `postfix start-fg`: stop it by the PID in its pid file
      const pidFile = join(dir, 'spool', 'pid', 'master.pid');
      if (existsSync(pidFile)) {
        try { process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM'); } catch { /* already gone */ }
      }
      await daemon.stop();
    },
  };
}
