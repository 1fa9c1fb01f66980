// npm run bench: speed and memory of a bulk DNS audit on the fixture network.
// 300 domains share 20 MX hosts and one SPF include (as hosted mail does); every DNS check
// runs (MX, PTR, SPF, DMARC, DKIM discovery over 34 selectors, MTA-STS, TLS-RPT, BIMI),
// with --no-smtp and no shipped blocklists. The fixture DNS server adds 5 ms to every answer,
// like a nearby recursive resolver. Reported: wall time, questions the collectors asked vs.
// queries that reached the server (the run cache and in-flight de-duplication), and peak
// memory. Offline, loopback only.
import { performance } from 'node:perf_hooks';
import { audit } from '../src/core/audit.ts';
import { createAuditEnv } from '../src/core/env.ts';
import { mapPool } from '../src/util/pool.ts';
import { FixtureDnsServer } from '../src/testnet/dns-server.ts';
import { parseZoneFile } from '../src/parse/zone-file.ts';
import { reverseName } from '../src/collect/ptr.ts';
import { printStartup, startupFigures } from './startup.ts';

const DOMAINS = Number(process.env.BENCH_DOMAINS ?? 300);
const HOSTS = 20;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

let zone = '$TTL 300\n';
zone += `_spf.hosting.bench. IN TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"\n`;
for (let h = 0; h < HOSTS; h++) {
  zone += `mx${h}.hosting.bench. IN A 192.0.2.${h + 1}\nmx${h}.hosting.bench. IN AAAA 2001:db8::${h + 1}\n`;
  zone += `${h + 1}.2.0.192.in-addr.arpa. IN PTR mx${h}.hosting.bench.\n`;
  zone += `${reverseName(`2001:db8::${h + 1}`)}. IN PTR mx${h}.hosting.bench.\n`;
}
for (let d = 0; d < DOMAINS; d++) {
  zone += `d${d}.bench. IN MX 10 mx${d % HOSTS}.hosting.bench.\nd${d}.bench. IN MX 20 mx${(d + 1) % HOSTS}.hosting.bench.\n`;
  zone += `d${d}.bench. IN TXT "v=spf1 mx include:_spf.hosting.bench -all"\n_dmarc.d${d}.bench. IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@d${d}.bench"\n`;
}
const records = parseZoneFile(zone, { origin: 'bench' }).records;
const dns = await new FixtureDnsServer({ records, delayMs: 5 }).start();

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 10);
const env = createAuditEnv({ resolvers: [dns.address] });
// count every question the collectors ask, to compare with what reached the server
let asked = 0;
const query = env.resolver.query.bind(env.resolver);
env.resolver.query = (name, type) => { asked++; return query(name, type); };
const started = performance.now();
const reports = await mapPool(Array.from({ length: DOMAINS }, (_, d) => `d${d}.bench`), CONCURRENCY, (domain) =>
  audit(domain, { env, options: { smtp: false, defaultDnsbls: false } }));
const elapsed = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await dns.stop();

const failures = reports.filter((r) => r.summary.fail + r.summary.error > 0).length;
const checksRun = reports.reduce((n, r) => n + r.checks.filter((c) => c.status !== 'skipped').length, 0);
const sent = dns.queries.length;
console.log(JSON.stringify({
  domains: DOMAINS,
  concurrency: CONCURRENCY,
  wallMs: Math.round(elapsed),
  perDomainMs: Number((elapsed / DOMAINS).toFixed(2)),
  queriesReachingServer: sent,
  questionsAsked: asked,
  checksJudged: checksRun,
  reportsWithFailOrError: failures,
  peakRssMiB: Number((peakRss / 1048576).toFixed(1)),
  heapUsedMiB: Number((process.memoryUsage().heapUsed / 1048576).toFixed(1)),
}, null, 2));

printStartup(await startupFigures());
