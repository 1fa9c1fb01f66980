// The audit against the MTAs people run, in their distribution's default configuration
// (closed) and with the classic open-relay mistake (open): Postfix, Exim, Sendmail, OpenSMTPD
// and Haraka, on loopback, with DNS from BIND and a blocklist from rbldnsd. Each site is audited
// through the real bin as an outside client (from 127.0.0.99). The suite asserts:
// - relay/open: closed servers pass with every one of the 16 forms judged; open ones fail and
//   the finding names the accepted forms; no audit ever reached DATA (each server's own log);
// - STARTTLS, TLS versions and certificate: our verdicts agree with OpenSSL's s_client;
// - banner and PTR: the greeting names the MX host, whose PTR and A records agree.
// It prints the relay test's wall time per server (not asserted: speed belongs to the bench).
// Run with `npm run test:interop` as root after test/interop/setup.sh (README: "The MTA
// interop suite"). Every process is stopped by its PID at the end, pass or fail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SuiteDns } from './support/dns.ts';
import { AUDITOR_SOURCE, BLOCKLIST_ZONE, FAMILIES, LISTED_IP, site, type MtaFamily, type MtaSite } from './support/network.ts';
import type { SuitePki } from './support/pki.ts';
import { startSuite } from './support/suite.ts';
import { opensslStartTls, runBin } from './support/run.ts';
import { startExim } from './mta/exim.ts';
import { startHaraka } from './mta/haraka.ts';
import { startOpenSmtpd } from './mta/opensmtpd.ts';
import { startPostfix } from './mta/postfix.ts';
import { startSendmail } from './mta/sendmail.ts';
import type { MtaStart, RunningMta } from './mta/types.ts';

export const WORK = process.env.INTEROP_WORK ?? '/var/lib/smtp-audit-interop/run';

const STARTERS: Record<MtaFamily, (o: MtaStart) => Promise<RunningMta>> = {
  postfix: startPostfix, exim: startExim, sendmail: startSendmail, opensmtpd: startOpenSmtpd, haraka: startHaraka,
};

interface CheckJson { id: string; status: string; findings: Array<{ code: string; message: string }>; notes?: string[] }
interface ReportJson { checks: CheckJson[]; facts: { smtp: { value: { addresses: Array<Record<string, any>> } } } }

let dns: SuiteDns;
let pki: SuitePki;
const timings: string[] = [];

before(async () => {
  ({ dns, pki } = await startSuite(WORK));
});
after(async () => {
  await dns?.stop();
  if (timings.length > 0) console.log(`\nrelay test wall time (closed servers, default limits):\n${timings.map((t) => `  ${t}`).join('\n')}`);
});

async function audit(s: MtaSite, extra: string[] = []): Promise<{ code: number | null; report: ReportJson }> {
  const run = await runBin([s.domain, '--resolver', dns.resolver, '--source-address', AUDITOR_SOURCE, '--ca-file', pki.caFile,
    '--only', 'ptr,smtp,tls,relay', '--format', 'json', '--timeout', '5000', ...extra]);
  assert.ok(run.code === 0 || run.code === 1, `${s.domain}: exit ${run.code}: ${run.stderr}`);
  return { code: run.code, report: JSON.parse(run.stdout) as ReportJson };
}

const check = (r: ReportJson, id: string): CheckJson => r.checks.find((c) => c.id === id)!;

for (const family of FAMILIES) {
  describe(`${family}`, () => {
    test(`${family}, distribution default (closed): every relay form judged and refused, TLS and names as OpenSSL and DNS say`, async () => {
      const s = site(family, 'closed');
      const mta = await STARTERS[family]({ site: s, dir: join(WORK, `${family}-closed`), pki, nameserver: dns.resolver.split(':')[0]! });
      try {
        const { report } = await audit(s);
        const probe = report.facts.smtp.value.addresses[0]!;
        const relay = probe.relay;
        assert.equal(check(report, 'relay/open').status, 'pass', JSON.stringify(check(report, 'relay/open')));
        assert.equal(relay.verdict, 'closed');
        assert.equal(relay.tries.length, 16, 'all 16 forms');
        assert.deepEqual(relay.tries.filter((t: { outcome: string }) => t.outcome !== 'refused').map((t: { form: string }) => t.form), [], 'every form judged and refused');
        assert.deepEqual(relay.untried, []);
        const step = probe.steps.find((x: { name: string }) => x.name === 'relay test');
        timings.push(`${family.padEnd(10)} ${String(step.ms).padStart(5)} ms, ${relay.sessions} session(s), limits: ${relay.limits.family} ${relay.limits.rules.map((r: { budget: number; counts: string; per: string }) => `${r.budget} ${r.counts} per ${r.per}`).join(', ')}`);

        // names: the greeting and EHLO name the MX host, whose PTR and A records agree
        for (const id of ['smtp/reachable', 'smtp/banner', 'ptr/present', 'ptr/forward-confirmed']) assert.equal(check(report, id).status, 'pass', `${id}: ${JSON.stringify(check(report, id))}`);
        assert.equal(probe.bannerHost, s.mx);
        assert.equal(probe.mta.family, family, `fingerprint: ${JSON.stringify(probe.mta)}`);

        // TLS, against OpenSSL's own handshake
        const offers = opensslStartTls(s.ip, s.mx);
        assert.equal(check(report, 'tls/starttls').status, offers ? 'pass' : 'fail', `OpenSSL ${offers ? 'completed' : 'could not complete'} a STARTTLS handshake`);
        if (offers) {
          assert.equal(check(report, 'tls/certificate').status, 'pass', 'a certificate from the suite\'s CA, trusted with --ca-file');
          for (const [name, flag] of [['TLSv1', '-tls1'], ['TLSv1.1', '-tls1_1'], ['TLSv1.2', '-tls1_2']] as const) {
            const ours = probe.versions.versions[name]?.result;
            assert.equal(ours === 'accepted', opensslStartTls(s.ip, s.mx, flag), `${name}: we say ${ours}`);
          }
          const legacy = ['TLSv1', 'TLSv1.1'].some((v) => probe.versions.versions[v]?.result === 'accepted');
          assert.equal(check(report, 'tls/protocol').status, legacy ? 'warn' : 'pass');
          if (legacy && family === 'exim') {
            // Debian's Exim is built with GnuTLS: the fix must name GnuTLS's option, not only OpenSSL's
            assert.match((check(report, 'tls/protocol').findings[0] as { remediation?: string }).remediation ?? '', /tls_require_ciphers/);
          }
        }
        assert.deepEqual(mta.messageTransfers(), [], 'the server\'s log shows no DATA');
      } finally {
        await mta.stop();
      }
    });

    test(`${family}, open relay: relay/open fails and names the accepted forms; still no DATA`, async () => {
      const s = site(family, 'open');
      const mta = await STARTERS[family]({ site: s, dir: join(WORK, `${family}-open`), pki, nameserver: dns.resolver.split(':')[0]! });
      try {
        const { code, report } = await audit(s);
        assert.equal(code, 1);
        const c = check(report, 'relay/open');
        assert.equal(c.status, 'fail');
        const relay = report.facts.smtp.value.addresses[0]!.relay;
        const accepted: string[] = relay.tries.filter((t: { outcome: string }) => t.outcome === 'accepted').map((t: { form: string }) => t.form);
        assert.ok(accepted.includes('null-sender') || accepted.includes('plain'), `accepted: ${accepted.join(', ')}`);
        assert.ok(c.findings[0]!.message.includes(`(${accepted.join(', ')})`), c.findings[0]!.message);
        assert.deepEqual(relay.tries.filter((t: { outcome: string }) => t.outcome === 'untested' || t.outcome === 'deferred').map((t: { form: string }) => t.form), [], 'every form judged');
        assert.deepEqual(mta.messageTransfers(), [], 'the server\'s log shows no DATA');
      } finally {
        await mta.stop();
      }
    });
  });
}

test('rbldnsd behind BIND: an address on the suite\'s blocklist is reported with the list\'s own reason', async () => {
  const run = await runBin(['postfix.interop.example', '--resolver', dns.resolver, '--only', 'dnsbl/ip', '--no-default-dnsbls',
    '--dnsbl', BLOCKLIST_ZONE, '--ip', LISTED_IP, '--no-smtp', '--format', 'json']);
  assert.equal(run.code, 1, run.stderr);
  const c = (JSON.parse(run.stdout) as ReportJson).checks.find((x) => x.id === 'dnsbl/ip')!;
  assert.equal(c.status, 'fail');
  assert.match(c.findings[0]!.message, new RegExp(`${LISTED_IP.replaceAll('.', '\\.')} .*listed on ${BLOCKLIST_ZONE.replaceAll('.', '\\.')}.*Listed by the interop blocklist`));
});
