// Fuzzing every parser that reads what a peer, a DNS server or a file hands us (issue 12,
// case 10): seeded mutations of valid inputs plus random bytes, a fixed seed and count. Each
// parser must return its errors as values (or throw only its documented error class) and
// finish every input quickly; a failure names the seed, the iteration and the input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { findJsonSyntaxError } from '../../src/cli/json-syntax.ts';
import { parseConfigText } from '../../src/cli/config-file.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { StubResolver } from '../../src/net/dns/resolver.ts';
import { TransportError } from '../../src/net/dns/transport.ts';
import { decodeResponse, selectAnswer } from '../../src/net/dns/wire.ts';
import { zoneFromText, ZoneOverlayError } from '../../src/net/dns/zone-overlay.ts';
import { parseEhlo } from '../../src/net/smtp/ehlo.ts';
import { ReplyReader } from '../../src/net/smtp/reply-reader.ts';
import { parseBimi } from '../../src/parse/bimi-record.ts';
import { parseDkimKey } from '../../src/parse/dkim-key-record.ts';
import { parseDmarc } from '../../src/parse/dmarc-record.ts';
import { parseMtaStsPolicy, parseMtaStsTxt } from '../../src/parse/mta-sts.ts';
import { parseTlsRpt } from '../../src/parse/tls-rpt-record.ts';
import { parseZoneFile, ZoneFileError } from '../../src/parse/zone-file.ts';
import { parseSpf } from '../../src/spf/parse-spf.ts';
import { rdata, response, rr, TYPE, type RawQuery } from '../hostile/support/raw-dns.ts';
import { inputs, Prng } from './support/prng.ts';

const SEED = 0x5eed12;
/** Any single input taking longer than this is a hang in the making (generous for a loaded 2-core machine). */
const SLOW_MS = 1500;

function fuzz(name: string, seeds: Array<string | Buffer>, count: number, run: (input: Buffer, random: Prng) => void, documented: (error: unknown) => boolean = () => false): void {
  const corpus = seeds.map((s) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s));
  let slowest = 0;
  const random = new Prng(SEED ^ 0x9e3779b9);
  for (const { index, input } of inputs(SEED, corpus, count)) {
    const started = performance.now();
    try {
      run(input, random);
    } catch (error) {
      if (!documented(error)) {
        assert.fail(`${name}: seed ${SEED.toString(16)} iteration ${index} threw ${(error as Error)?.stack ?? String(error)}\ninput (base64): ${input.toString('base64')}`);
      }
    }
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    if (ms > SLOW_MS) assert.fail(`${name}: iteration ${index} took ${Math.round(ms)} ms\ninput (base64): ${input.toString('base64')}`);
  }
  assert.ok(slowest <= SLOW_MS);
}

test('SMTP replies and EHLO: fed in random pieces, the reader never throws; every 250 reply parses as EHLO', { timeout: 30000 }, () => {
  const seeds = [
    '220 mx.example.com ESMTP Postfix\r\n',
    '250-mx.example.com Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n',
    '421 4.3.2 Service shutting down\r\n', '554 5.7.1 No SMTP service here\r\n', '250 2.1.5 Ok\r\n550 5.7.1 Relaying denied\r\n',
    '220-first\r\n220-second\r\n220 last\r\n', '334 VXNlcm5hbWU6\r\n', '250 OK\n', '\r\n', '220\r\n',
  ];
  fuzz('reply-reader', seeds, 6000, (input, random) => {
    const reader = new ReplyReader({ limits: { maxLineLength: 2048, maxReplyBytes: 16384 } });
    let at = 0;
    while (at < input.length) {
      const step = 1 + random.int(Math.max(1, input.length - at));
      reader.feed(input.subarray(at, at + step));
      at += step;
      for (let reply = reader.take(); reply !== undefined; reply = reader.take()) {
        if (reply.code === 250) JSON.stringify(parseEhlo(reply)); // parseEhlo's precondition: an EHLO's 250 reply
      }
    }
    reader.partial();
    reader.tail();
  });
});

test('DNS responses: decodeResponse reports what it cannot read; only a message shorter than its header throws', { timeout: 30000 }, () => {
  const question = (name: string, type: number): RawQuery => {
    const labels = Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0, 0, type, 0, 1])]);
    return { id: 0x1234, name, type, question: labels, protocol: 'udp' };
  };
  const q = question('example.com', TYPE.MX);
  const t = question('example.com', TYPE.TXT);
  const seeds = [
    response(q, { answers: [rr('example.com', TYPE.MX, rdata.mx(10, 'mx.example.com'))] }),
    response(t, { answers: [rr('example.com', TYPE.CNAME, rdata.name('alias.example.net')), rr('alias.example.net', TYPE.TXT, rdata.txt('v=spf1 -all', 'x'.repeat(200)))] }),
    response(q, { rcode: 3, authority: [rr('example.com', TYPE.SOA, rdata.soa('ns.example.com', 'hostmaster.example.com'))] }),
    response(question('x.example', TYPE.A), { answers: [rr(Buffer.from([0xc0, 0x0c]), TYPE.A, rdata.a('192.0.2.1'))] }),
    response(question('_25._tcp.mx.example', TYPE.TLSA), { answers: [rr('_25._tcp.mx.example', TYPE.TLSA, Buffer.from([3, 1, 1, ...Array(32).fill(0xab)]))] }),
  ];
  fuzz('decodeResponse', seeds, 5000, (input) => {
    const decoded = decodeResponse(input);
    assert.ok(Array.isArray(decoded.answers) && Array.isArray(decoded.decodeErrors));
    if (decoded.question) selectAnswer(decoded.question.name, 'TXT', decoded.answers);
    JSON.stringify(decoded);
  }, (error) => (error as Error)?.name === 'DecodeError' && /too short for the 12-octet header|expected a Buffer/.test((error as Error).message));
});

test('the resolver over mutated answers: every query settles with an outcome, never a throw', { timeout: 30000 }, async () => {
  const seedFor = (name: string, type: number) => {
    const labels = Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0, 0, type, 0, 1])]);
    return { id: 0, name, type, question: labels, protocol: 'udp' as const };
  };
  const q = seedFor('fuzz.example', TYPE.TXT);
  const seeds = [
    response(q, { answers: [rr('fuzz.example', TYPE.CNAME, rdata.name('a.fuzz.example')), rr('a.fuzz.example', TYPE.TXT, rdata.txt('v=spf1 -all'))] }),
    response(q, { answers: [rr('fuzz.example', TYPE.CNAME, rdata.name('a.fuzz.example'))] }),
    response(q, { answers: [rr('fuzz.example', TYPE.TXT, rdata.txt('x'))] }),
  ];
  const outcomes = new Set<string>();
  for (const { index, input } of inputs(SEED + 1, seeds, 1500)) {
    // one resolver per input (no cache between them); the chase of a CNAME chain asks again and gets the seeds
    const queue = [input];
    const resolver = new StubResolver({
      servers: [{ host: '127.0.0.1', port: 9 }], timeoutMs: 100, tries: 1,
      transport: {
        async exchange(_server, name, type) {
          const next = queue.shift() ?? seeds[2]!;
          let decoded;
          try { decoded = decodeResponse(next); } catch (error) { throw new TransportError('bad-response', (error as Error).message); }
          // the transport's own check: the answer is to the question asked
          return { response: { ...decoded, question: { name, type: TYPE.TXT } }, protocol: 'udp' as const };
        },
      },
    });
    const answer = await resolver.query('fuzz.example', 'TXT');
    assert.ok(['ok', 'nxdomain', 'nodata', 'error'].includes(answer.outcome), `iteration ${index}: ${JSON.stringify(answer)}`);
    outcomes.add(answer.outcome);
  }
  assert.ok(outcomes.size >= 3, `the mutations reach several outcomes: ${[...outcomes].join(', ')}`);
});

test('zone files: parseZoneFile and the --zone reader throw only their own errors, naming a line', { timeout: 30000 }, () => {
  const dir = new URL('../../fixtures/zones/', import.meta.url);
  const seeds = readdirSync(dir).filter((f) => f.endsWith('.zone')).slice(0, 12).map((f) => readFileSync(new URL(f, dir), 'utf8').slice(0, 4000));
  seeds.push('$ORIGIN example.com.\n$TTL 1h\n@ IN SOA ns hostmaster ( 1 2h 1h 1w 1h )\n@ MX 10 mx\nmx A 192.0.2.1\n* TXT "v=spf1 -all" "a\\"b"\n');
  fuzz('zone file', seeds, 3000, (input) => {
    const text = input.toString('utf8');
    parseZoneFile(text, { fileName: 'fuzz.zone', origin: 'example.com' });
    zoneFromText(text, 'fuzz.zone');
  }, (error) => error instanceof ZoneFileError || error instanceof ZoneOverlayError);
});

test('config files: only UsageError, never a quote of the text; the JSON locator agrees with JSON.parse', { timeout: 30000 }, () => {
  const seeds = [
    JSON.stringify({ domains: ['example.com', 'example.org'], failOn: 'warn', only: ['mx', 'spf'], selectors: ['s1'], resolvers: ['192.0.2.53'], dnsbls: ['bl.example.net:domain'], port: 25, timeout: 5000, smtp: false, ipFamily: 4 }, null, 2),
    '{"zones": ["dns/example.com.zone"], "caFiles": ["ca.pem"], "$schema": "x"}',
    '{"ignore": ["ptr/present.missing"], "skip": ["relay"], "ehlo": "audit.example.com"}', '[]', '{}', '"text"',
  ];
  fuzz('config', seeds, 4000, (input) => {
    const text = input.toString('utf8');
    let valid = true;
    try { JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); } catch { valid = false; }
    const located = findJsonSyntaxError(text);
    assert.equal(located === null, valid, `the locator and JSON.parse disagree on ${JSON.stringify(text.slice(0, 200))}: ${JSON.stringify(located)}`);
    try {
      parseConfigText(text, '/nonexistent-fuzz/smtp-audit.config.json');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      if (!valid) assert.doesNotMatch(error.message, /not valid JSON \(.*"/, 'a JSON error quotes no text');
      throw error;
    }
  }, (error) => error instanceof UsageError);
});

test('DNS record parsers (SPF, DMARC, DKIM, MTA-STS, TLS-RPT, BIMI): errors are values, never throws', { timeout: 30000 }, () => {
  const seeds = [
    'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a:mail.example.com mx/24 include:_spf.example.net exists:%{i}.%{d5r}.example -all',
    'v=spf1 redirect=_spf.example.com', 'v=spf1 ?all exp=explain.%{d}',
    'v=DMARC1; p=reject; sp=quarantine; pct=100; rua=mailto:dmarc@example.com!10m; ruf=mailto:f@example.net; adkim=s; aspf=r; fo=1:d; np=none; psd=n',
    'v=DKIM1; k=rsa; t=y:s; h=sha256; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwRf',
    'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
    'v=STSv1; id=20240101T000000;', 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 604800\n',
    'v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://report.example.com/tlsrpt',
    'v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem',
  ];
  const parsers: Array<[string, (text: string) => unknown]> = [
    ['spf', parseSpf], ['dmarc', parseDmarc], ['dkim', parseDkimKey], ['mta-sts txt', parseMtaStsTxt],
    ['mta-sts policy', parseMtaStsPolicy], ['tls-rpt', parseTlsRpt], ['bimi', parseBimi],
  ];
  fuzz('record parsers', seeds, 4000, (input) => {
    const text = input.toString('utf8');
    for (const [, parse] of parsers) JSON.stringify(parse(text));
  });
});
