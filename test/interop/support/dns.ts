// Real DNS for the interop suite: BIND (named) authoritative for interop.example and
// 127.in-addr.arpa (MX, A and PTR of every MTA site), and rbldnsd serving a blocklist that BIND
// forwards to. BIND also serves an empty root zone of its own, so a recursive question for any
// other name ends in NXDOMAIN here and nothing is ever asked of a server outside the machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type Daemon } from './daemons.ts';
import { BIND, BLOCKLIST_ZONE, LISTED_IP, RBLDNSD, SITES, ZONE } from './network.ts';

export interface SuiteDns { bind: Daemon; rbldnsd: Daemon; resolver: string; stop(): Promise<void> }

function zoneFile(): string {
  const lines = [
    '$TTL 300',
    `@ IN SOA ns.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 300`,
    `@ IN NS ns.${ZONE}.`,
    `ns IN A ${BIND.host}`,
    // the blocklist is delegated to rbldnsd (and BIND forwards questions about it there)
    `${BLOCKLIST_ZONE.slice(0, -ZONE.length - 1)} IN NS ns-bl.${ZONE}.`,
    `ns-bl IN A ${RBLDNSD.host}`,
  ];
  for (const s of SITES) {
    const label = s.domain.slice(0, -ZONE.length - 1);
    lines.push(`${label} IN MX 10 ${s.mx}.`, `mx.${label} IN A ${s.ip}`, `${label} IN TXT "v=spf1 mx -all"`);
  }
  return `${lines.join('\n')}\n`;
}

function reverseZone(): string {
  const lines = ['$TTL 300', `@ IN SOA ns.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 300`, `@ IN NS ns.${ZONE}.`];
  for (const s of SITES) {
    const [a, b, c, d] = s.ip.split('.');
    void a;
    lines.push(`${d}.${c}.${b} IN PTR ${s.mx}.`);
  }
  return `${lines.join('\n')}\n`;
}

export async function startSuiteDns(dir: string): Promise<SuiteDns> {
  const bindDir = join(dir, 'bind');
  const rblDir = join(dir, 'rbldnsd');
  mkdirSync(bindDir, { recursive: true });
  mkdirSync(rblDir, { recursive: true });
  writeFileSync(join(bindDir, 'interop.zone'), zoneFile());
  writeFileSync(join(bindDir, '127.zone'), reverseZone());
  // the relay test's outside sender and recipient domains exist, as they do on the Internet, so
  // MTAs that check the sender's domain (Sendmail, Haraka) judge the relay, not the domain
  writeFileSync(join(bindDir, 'outside.zone'), `$TTL 300\n@ IN SOA ns.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 300\n@ IN NS ns.${ZONE}.\n@ IN MX 10 mail\nmail IN A 192.0.2.25\n`);
  writeFileSync(join(bindDir, 'root.zone'), `$TTL 300\n. IN SOA ns.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 300\n. IN NS ns.${ZONE}.\nns.${ZONE}. IN A ${BIND.host}\n`);
  writeFileSync(join(bindDir, 'named.conf'), `
options {
  directory "${bindDir}";
  pid-file "${bindDir}/named.pid";
  listen-on port ${BIND.port} { ${BIND.host}; };
  listen-on-v6 { none; };
  recursion yes;
  allow-recursion { 127.0.0.0/8; };
  allow-query { 127.0.0.0/8; };
  dnssec-validation no;
  qname-minimization off;
  notify no;
};
zone "." { type primary; file "root.zone"; };
zone "${ZONE}" { type primary; file "interop.zone"; };
zone "127.in-addr.arpa" { type primary; file "127.zone"; };
zone "example.net" { type primary; file "outside.zone"; };
zone "example.org" { type primary; file "outside.zone"; };
zone "${BLOCKLIST_ZONE}" { type forward; forward only; forwarders { ${RBLDNSD.host} port ${RBLDNSD.port}; }; };
`);
  // rbldnsd ip4set: the always-listed test point of the DNSBL convention (RFC 5782 5) and one address
  writeFileSync(join(rblDir, 'bl.txt'), `:127.0.0.2:Listed by the interop blocklist: see https://${BLOCKLIST_ZONE}/$\n127.0.0.2\n${LISTED_IP}\n`);
  const rbldnsd = await startDaemon({
    name: 'rbldnsd', dir: rblDir, hostname: `bl.${ZONE}`, hosts: [], nameserver: BIND.host,
    command: 'rbldnsd', args: ['-n', '-b', `${RBLDNSD.host}/${RBLDNSD.port}`, '-r', rblDir, '-u', 'rbldns', `${BLOCKLIST_ZONE}:ip4set:bl.txt`],
  });
  const bind = await startDaemon({
    name: 'named', dir: bindDir, hostname: `ns.${ZONE}`, hosts: [], nameserver: BIND.host,
    command: 'named', args: ['-g', '-c', join(bindDir, 'named.conf')],
    ready: { host: BIND.host, port: BIND.port },
  });
  return {
    bind, rbldnsd, resolver: `${BIND.host}:${BIND.port}`,
    async stop() { await Promise.all([bind.stop(), rbldnsd.stop()]); },
  };
}
