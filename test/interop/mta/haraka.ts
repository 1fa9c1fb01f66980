// Haraka from npm (a devDependency), with the configuration `haraka -i` installs (plugins
// mail_from.is_resolvable, rcpt_to.in_host_list and queue/smtp_forward). Changes of the suite's
// own:
// - listen on the site's address; `me` and `host_list` are the site's name and domain;
// - the log at level "protocol", where Haraka logs every SMTP line, which the suite reads to
//   see that no audit reached DATA;
// - open: the relay plugin with relay.ini `all = true`, which relays for everyone;
// - nothing leaves the machine: smtp_forward points at a loopback port nothing listens on.
// Haraka runs in the foreground under this Node (process.execPath).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startDaemon } from '../support/daemons.ts';
import type { MtaStart, RunningMta } from './types.ts';

const HARAKA = join(dirname(createRequire(import.meta.url).resolve('Haraka/package.json')), 'bin', 'haraka');

export async function startHaraka(o: MtaStart): Promise<RunningMta> {
  const { site, dir } = o;
  rmSync(dir, { recursive: true, force: true });
  execFileSync(process.execPath, [HARAKA, '-i', dir], { stdio: 'ignore' });
  const config = join(dir, 'config');
  writeFileSync(join(config, 'me'), `${site.mx}\n`);
  writeFileSync(join(config, 'host_list'), `${site.domain}\n`);
  writeFileSync(join(config, 'smtp.ini'), `listen=${site.ip}:25\nnodes=0\n`);
  writeFileSync(join(config, 'log.ini'), '[main]\nlevel=protocol\ntimestamps=true\n');
  writeFileSync(join(config, 'smtp_forward.ini'), 'host=127.0.0.1\nport=9\n');
  if (site.variant === 'open') {
    const plugins = readFileSync(join(config, 'plugins'), 'utf8');
    writeFileSync(join(config, 'plugins'), `relay\n${plugins}`);
    writeFileSync(join(config, 'relay.ini'), '[relay]\nall=true\n');
  }
  const daemon = await startDaemon({
    name: `haraka-${site.variant}`, dir, hostname: site.mx, hosts: [`${site.ip} ${site.mx}`], nameserver: o.nameserver,
    command: process.execPath, args: [HARAKA, '-c', dir],
    ready: { host: site.ip, port: 25, timeoutMs: 30_000 },
  });
  return {
    site, daemon,
    // at level protocol Haraka logs the client's lines as "C: <line>"
    messageTransfers: () => (existsSync(daemon.logFile) ? readFileSync(daemon.logFile, 'utf8').split('\n').filter((l) => /\bC: (DATA|BDAT)\b/i.test(l)) : []),
    stop: () => daemon.stop(),
  };
}
