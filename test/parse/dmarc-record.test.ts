import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DMARC_DEFAULTS, isDmarcRecord, isDomainName, parseDmarc, parseReportUri, type DmarcRecord,
} from '../../src/parse/dmarc-record.ts';
import type { ParseIssue } from '../../src/parse/tag-list.ts';

const codes = (issues: ParseIssue[]): string[] => issues.map((i) => i.code);
const find = (record: DmarcRecord, code: string): ParseIssue | undefined => record.issues.find((i) => i.code === code);
const RUA = 'rua=mailto:dmarc@example.com';

describe('isDmarcRecord (RFC 7489 6.6.3 discovery filter)', () => {
  it('accepts records that open with v=DMARC1', () => {
    assert.equal(isDmarcRecord('v=DMARC1; p=none'), true);
    assert.equal(isDmarcRecord('v=DMARC1'), true);
    assert.equal(isDmarcRecord('v = DMARC1 ;p=none'), true);
    // RFC 7489 6.4 spells the tag name as a quoted (case-insensitive) string.
    assert.equal(isDmarcRecord('V=DMARC1; p=none'), true);
  });

  it('rejects everything else', () => {
    assert.equal(isDmarcRecord('v=DMARC1p=none'), false);
    assert.equal(isDmarcRecord('p=none; v=DMARC1'), false);
    assert.equal(isDmarcRecord('v=dmarc1; p=none'), false);
    assert.equal(isDmarcRecord('v=DMARC2; p=none'), false);
    assert.equal(isDmarcRecord('v=spf1 -all'), false);
    assert.equal(isDmarcRecord('; v=DMARC1; p=none'), false);
    assert.equal(isDmarcRecord(''), false);
  });
});

describe('parseDmarc', () => {
  it('reads a minimal valid record without issues', () => {
    const record = parseDmarc('v=DMARC1; p=reject');
    assert.equal(record.isDmarc, true);
    assert.equal(record.version, 'DMARC1');
    assert.equal(record.p, 'reject');
    assert.deepEqual(record.issues, []);
    assert.equal(record.sp, null);
    assert.equal(record.pct, null);
  });

  it('reads every tag of a complete record', () => {
    const record = parseDmarc(
      'v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; aspf=r; fo=1:d; ruf=mailto:f@example.com; ' +
      'rua=mailto:a@example.com, mailto:b@example.org!10m; t=y; psd=n;',
    );
    assert.equal(record.isDmarc, true);
    assert.equal(record.p, 'quarantine');
    assert.equal(record.sp, 'reject');
    assert.equal(record.np, 'reject');
    assert.equal(record.adkim, 's');
    assert.equal(record.aspf, 'r');
    assert.deepEqual(record.fo, ['1', 'd']);
    assert.equal(record.t, 'y');
    assert.equal(record.psd, 'n');
    assert.deepEqual(record.rua.map((u) => u.address), ['a@example.com', 'b@example.org']);
    assert.deepEqual(record.ruf.map((u) => u.domain), ['example.com']);
    assert.deepEqual(codes(record.issues), ['dmarc-uri-size-obsolete']);
    assert.equal(record.tags.fo, '1:d');
  });

  it('exposes the RFC defaults for absent tags', () => {
    assert.deepEqual(DMARC_DEFAULTS, { adkim: 'r', aspf: 'r', fo: ['0'], rf: ['afrf'], ri: 86400, pct: 100, t: 'n', psd: 'u' });
  });

  it('returns JSON-serialisable data', () => {
    const record = parseDmarc(`v=DMARC1; p=none; ${RUA}!1g; fo=0`);
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record);
  });

  describe('v tag (RFC 7489 6.3)', () => {
    it('fails a record with no v tag and still reports what it says', () => {
      const record = parseDmarc('p=reject');
      assert.equal(record.isDmarc, false);
      assert.equal(find(record, 'dmarc-version-missing')?.severity, 'fail');
      assert.equal(record.p, 'reject');
    });

    it('fails a record whose v tag is not first', () => {
      const record = parseDmarc('p=reject; v=DMARC1');
      assert.equal(record.isDmarc, false);
      assert.deepEqual(codes(record.issues), ['dmarc-version-not-first']);
    });

    it('fails a version other than exactly DMARC1', () => {
      const wrong = parseDmarc('v=DMARC2; p=reject');
      assert.equal(wrong.isDmarc, false);
      assert.deepEqual(codes(wrong.issues), ['dmarc-version-invalid']);
      const lower = parseDmarc('v=dmarc1; p=reject');
      assert.equal(lower.isDmarc, false);
      assert.match(find(lower, 'dmarc-version-invalid')!.message, /"dmarc1".*case-sensitive/);
    });
  });

  describe('p, sp and np (RFC 7489 6.3, RFC 9989 4.7)', () => {
    it('reads policy values case-insensitively', () => {
      const record = parseDmarc('v=DMARC1; p=Reject; sp=QUARANTINE; np=None');
      assert.equal(record.p, 'reject');
      assert.equal(record.sp, 'quarantine');
      assert.equal(record.np, 'none');
      assert.deepEqual(record.issues, []);
    });

    it('warns of an invalid p; with a valid rua the record falls back to p=none (RFC 9989 4.10.1)', () => {
      const record = parseDmarc(`v=DMARC1; p=rejected; ${RUA}`);
      assert.equal(record.p, null);
      assert.equal(find(record, 'dmarc-p-invalid')?.severity, 'warn');
      assert.match(find(record, 'dmarc-p-invalid')!.message, /"rejected"/);
      assert.equal(find(record, 'dmarc-policy-fallback-none')?.severity, 'warn');
      assert.equal(find(record, 'dmarc-policy-not-applied'), undefined);
    });

    it('without a valid rua, an invalid p means no DMARC processing at all (6.6.3)', () => {
      const record = parseDmarc('v=DMARC1; p=rejected; rua=not-a-uri');
      assert.equal(find(record, 'dmarc-policy-not-applied')?.severity, 'fail');
      assert.equal(find(record, 'dmarc-policy-fallback-none'), undefined);
      assert.doesNotMatch(find(record, 'dmarc-policy-not-applied')!.message, /RFC 9989/);
    });

    it('warns of a missing p; the fallback decides: p=none with a valid rua, nothing (fail) without', () => {
      const withRua = parseDmarc(`v=DMARC1; ${RUA}`);
      assert.equal(find(withRua, 'dmarc-p-missing')?.severity, 'warn');
      assert.ok(!withRua.issues.some((i) => i.severity === 'fail'));
      assert.ok(find(withRua, 'dmarc-policy-fallback-none'));
      const without = parseDmarc('v=DMARC1; adkim=s');
      assert.ok(find(without, 'dmarc-p-missing'));
      assert.equal(find(without, 'dmarc-policy-not-applied')?.severity, 'fail');
      // RFC 9989 reads a missing p as p=none regardless of rua; the message says so.
      assert.match(find(without, 'dmarc-policy-not-applied')!.message, /RFC 9989 receivers read a missing p as p=none/);
    });

    it('an invalid sp or np makes the whole record fall back, even with a valid p', () => {
      const sp = parseDmarc(`v=DMARC1; p=reject; sp=bogus; ${RUA}`);
      assert.equal(sp.p, 'reject');
      assert.equal(sp.sp, null);
      assert.equal(find(sp, 'dmarc-sp-invalid')?.severity, 'warn');
      assert.match(find(sp, 'dmarc-policy-fallback-none')!.message, /invalid sp="bogus"/);
      const np = parseDmarc('v=DMARC1; p=reject; np=maybe');
      assert.equal(find(np, 'dmarc-np-invalid')?.severity, 'warn');
      assert.ok(find(np, 'dmarc-policy-not-applied'));
    });

    it('does not add a fallback issue when the policies are valid', () => {
      const record = parseDmarc(`v=DMARC1; p=none; sp=reject; np=quarantine; ${RUA}`);
      assert.deepEqual(record.issues, []);
    });

    it('notes a p tag that is not right after v (RFC 7489 6.4 grammar)', () => {
      const late = parseDmarc(`v=DMARC1; ${RUA}; p=none`);
      assert.equal(find(late, 'dmarc-p-not-second')?.severity, 'info');
      assert.equal(find(parseDmarc(`v=DMARC1; p=none; ${RUA}`), 'dmarc-p-not-second'), undefined);
    });
  });

  describe('pct (RFC 7489 6.3: integer 0-100)', () => {
    it('accepts 0 to 100', () => {
      for (const value of ['0', '50', '100', '007']) {
        const record = parseDmarc(`v=DMARC1; p=none; pct=${value}`);
        assert.equal(record.pct, Number(value));
        assert.deepEqual(codes(record.issues), ['dmarc-tag-obsolete']);
      }
    });

    it('rejects anything else and leaves pct unset', () => {
      for (const value of ['101', '-1', '50.5', 'abc', '0100', '']) {
        const record = parseDmarc(`v=DMARC1; p=none; pct=${value}`);
        assert.equal(record.pct, null, value);
        assert.equal(find(record, 'dmarc-pct-invalid')?.severity, 'warn', value);
      }
    });
  });

  describe('adkim, aspf, t, psd', () => {
    it('accepts r and s (any case) and rejects other alignment values', () => {
      const ok = parseDmarc('v=DMARC1; p=none; adkim=S; aspf=r');
      assert.equal(ok.adkim, 's');
      assert.equal(ok.aspf, 'r');
      assert.deepEqual(ok.issues, []);
      const bad = parseDmarc('v=DMARC1; p=none; adkim=strict; aspf=x');
      assert.equal(bad.adkim, null);
      assert.deepEqual(codes(bad.issues), ['dmarc-adkim-invalid', 'dmarc-aspf-invalid']);
    });

    it('checks the RFC 9989 t and psd values', () => {
      const ok = parseDmarc('v=DMARC1; p=none; t=n; psd=u');
      assert.equal(ok.t, 'n');
      assert.equal(ok.psd, 'u');
      const bad = parseDmarc('v=DMARC1; p=none; t=yes; psd=x');
      assert.equal(bad.t, null);
      assert.equal(bad.psd, null);
      assert.deepEqual(codes(bad.issues), ['dmarc-t-invalid', 'dmarc-psd-invalid']);
    });
  });

  describe('fo (RFC 7489 6.3, RFC 9989 4.8)', () => {
    it('reads a colon list of 0, 1, d, s with optional whitespace', () => {
      const record = parseDmarc('v=DMARC1; p=none; ruf=mailto:f@example.com; fo=1 : d:S');
      assert.deepEqual(record.fo, ['1', 'd', 's']);
      assert.deepEqual(record.issues, []);
    });

    it('rejects unknown options', () => {
      const record = parseDmarc('v=DMARC1; p=none; ruf=mailto:f@example.com; fo=1:x');
      assert.equal(record.fo, null);
      assert.match(find(record, 'dmarc-fo-invalid')!.message, /"x"/);
      assert.ok(find(parseDmarc('v=DMARC1; p=none; ruf=mailto:f@example.com; fo='), 'dmarc-fo-invalid'));
    });

    it('notes repeated values and 0 combined with 1', () => {
      const ruf = 'ruf=mailto:f@example.com';
      assert.ok(find(parseDmarc(`v=DMARC1; p=none; ${ruf}; fo=0:1`), 'dmarc-fo-redundant'));
      assert.ok(find(parseDmarc(`v=DMARC1; p=none; ${ruf}; fo=d:d`), 'dmarc-fo-redundant'));
      assert.equal(find(parseDmarc(`v=DMARC1; p=none; ${ruf}; fo=0:d:s`), 'dmarc-fo-redundant'), undefined);
    });

    it('notes that fo does nothing without ruf', () => {
      assert.equal(find(parseDmarc('v=DMARC1; p=none; fo=1'), 'dmarc-fo-without-ruf')?.severity, 'info');
    });
  });

  describe('rf and ri', () => {
    it('accepts afrf and warns about iodef and unknown formats', () => {
      const afrf = parseDmarc('v=DMARC1; p=none; rf=afrf');
      assert.deepEqual(afrf.rf, ['afrf']);
      assert.deepEqual(codes(afrf.issues), ['dmarc-tag-obsolete']);
      assert.equal(find(parseDmarc('v=DMARC1; p=none; rf=iodef'), 'dmarc-rf-iodef')?.severity, 'warn');
      const unknown = parseDmarc('v=DMARC1; p=none; rf=afrf:xml');
      assert.deepEqual(unknown.rf, ['afrf', 'xml']);
      assert.match(find(unknown, 'dmarc-rf-unknown')!.message, /"xml"/);
    });

    it('accepts a 32-bit unsigned ri and rejects others', () => {
      assert.equal(parseDmarc('v=DMARC1; p=none; ri=3600').ri, 3600);
      assert.equal(parseDmarc('v=DMARC1; p=none; ri=4294967295').ri, 4294967295);
      for (const value of ['4294967296', '1h', '-5']) {
        const record = parseDmarc(`v=DMARC1; p=none; ri=${value}`);
        assert.equal(record.ri, null, value);
        assert.ok(find(record, 'dmarc-ri-invalid'), value);
      }
    });

    it('notes that RFC 9989 removed pct, rf and ri', () => {
      const record = parseDmarc('v=DMARC1; p=none; pct=100; rf=afrf; ri=86400');
      assert.deepEqual(record.issues.filter((i) => i.code === 'dmarc-tag-obsolete').map((i) => i.tag), ['pct', 'rf', 'ri']);
    });
  });

  describe('rua and ruf (RFC 7489 6.2, 6.4)', () => {
    it('splits the URI list on commas with surrounding whitespace', () => {
      const record = parseDmarc('v=DMARC1; p=none; rua=mailto:a@example.com ,\tmailto:b@example.net');
      assert.deepEqual(record.rua.map((u) => u.uri), ['mailto:a@example.com', 'mailto:b@example.net']);
      assert.deepEqual(record.issues, []);
    });

    it('parses size limits with binary units', () => {
      const record = parseDmarc('v=DMARC1; p=none; rua=mailto:a@example.com!10m,mailto:b@example.com!5,mailto:c@example.com!1K,mailto:d@example.com!2g,mailto:e@example.com!1t');
      assert.deepEqual(record.rua.map((u) => u.maxSize), [
        { raw: '10m', bytes: 10 * 2 ** 20 },
        { raw: '5', bytes: 5 },
        { raw: '1K', bytes: 1024 },
        { raw: '2g', bytes: 2 * 2 ** 30 },
        { raw: '1t', bytes: 2 ** 40 },
      ]);
      assert.equal(record.rua[0]!.uri, 'mailto:a@example.com');
      assert.equal(record.rua[0]!.raw, 'mailto:a@example.com!10m');
      assert.equal(record.issues.filter((i) => i.code === 'dmarc-uri-size-obsolete').length, 5);
    });

    it('rejects malformed size limits and unencoded "!" (the URI is ignored: warn)', () => {
      for (const uri of ['mailto:a@example.com!10x', 'mailto:a@example.com!', 'mailto:a@example.com!18446744073709551616', 'mailto:a!b@example.com!10m']) {
        const record = parseDmarc(`v=DMARC1; p=none; rua=${uri}`);
        assert.equal(record.rua[0]!.valid, false, uri);
        assert.equal(find(record, 'dmarc-uri-invalid')?.severity, 'warn', uri);
      }
      assert.equal(parseDmarc('v=DMARC1; p=none; rua=mailto:a@example.com!18446744073709551615').rua[0]!.valid, true);
    });

    it('fails items that are not mailbox URIs', () => {
      const cases = [
        'dmarc@example.com',            // no scheme
        'mailto:',                      // no address
        'mailto:dmarc',                 // no domain
        'mailto:@example.com',          // no local part
        'mailto:dmarc@localhost',       // not fully qualified
        'mailto:dmarc@exa_mple.com',    // not a host name
        'mailto:dmarc@example.com%zz',  // broken percent-encoding
        'mailto:dmarc@[192.0.2.1]',     // address literal
        'mailto:a%2Cb@example.com',     // two addresses
      ];
      for (const uri of cases) {
        const record = parseDmarc(`v=DMARC1; p=none; rua=${uri}`);
        assert.equal(record.rua[0]!.valid, false, uri);
        assert.equal(typeof record.rua[0]!.error, 'string', uri);
        assert.deepEqual(codes(record.issues), ['dmarc-uri-invalid'], uri);
      }
    });

    it('decodes mailto addresses and ignores header fields', () => {
      const record = parseDmarc('v=DMARC1; p=none; rua=mailto:d%2Bmarc@Example.COM?subject=hi');
      assert.equal(record.rua[0]!.address, 'd+marc@Example.COM');
      assert.equal(record.rua[0]!.domain, 'example.com');
      assert.deepEqual(record.issues, []);
    });

    it('notes schemes other than mailto', () => {
      const record = parseDmarc('v=DMARC1; p=none; rua=https://reports.example.com/dmarc, ftp://example.com/x');
      assert.deepEqual(record.rua.map((u) => [u.scheme, u.valid]), [['https', true], ['ftp', true]]);
      assert.equal(record.rua[0]!.domain, 'reports.example.com');
      assert.deepEqual(codes(record.issues), ['dmarc-uri-scheme-unsupported', 'dmarc-uri-scheme-unsupported']);
    });

    it('warns about an empty list', () => {
      assert.deepEqual(codes(parseDmarc('v=DMARC1; p=none; rua=').issues), ['dmarc-rua-empty']);
      assert.deepEqual(codes(parseDmarc('v=DMARC1; p=none; ruf=').issues), ['dmarc-ruf-empty']);
    });
  });

  describe('tag-level problems', () => {
    it('warns about unknown tags', () => {
      const record = parseDmarc('v=DMARC1; p=none; rue=mailto:a@example.com');
      assert.deepEqual(codes(record.issues), ['dmarc-tag-unknown']);
      assert.equal(record.issues[0]!.tag, 'rue');
    });

    it('reads upper-case tag names but warns about them', () => {
      const record = parseDmarc('v=DMARC1; P=reject; SP=none');
      assert.equal(record.p, 'reject');
      assert.equal(record.sp, 'none');
      assert.deepEqual(codes(record.issues), ['dmarc-tag-name-case', 'dmarc-tag-name-case']);
    });

    it('fails duplicate tags and keeps the first value', () => {
      const record = parseDmarc('v=DMARC1; p=none; p=reject');
      assert.equal(record.p, 'none');
      assert.equal(find(record, 'tag-duplicate')?.severity, 'fail');
    });

    it('passes tag-list syntax problems through', () => {
      assert.ok(find(parseDmarc('v=DMARC1; p=none; junk'), 'tag-malformed'));
    });
  });
});

describe('parseReportUri and isDomainName', () => {
  it('keeps "!" for the size only when the grammar has one', () => {
    assert.equal(parseReportUri('mailto:a@example.com!10m', { sizeSuffix: true }).valid, true);
    const tls = parseReportUri('mailto:a@example.com!10m', { sizeSuffix: false });
    assert.equal(tls.valid, false);
    assert.match(tls.error!, /unencoded "!"/);
  });

  it('rejects characters that must be percent-encoded', () => {
    assert.equal(parseReportUri('mailto:a b@example.com', { sizeSuffix: true }).valid, false);
    assert.equal(parseReportUri('https://example.com/<x>', { sizeSuffix: false }).valid, false);
    assert.equal(parseReportUri('', { sizeSuffix: false }).valid, false);
  });

  it('checks https hosts', () => {
    assert.equal(parseReportUri('https://localhost/x', { sizeSuffix: false }).valid, false);
    assert.equal(parseReportUri('https://192.0.2.1/x', { sizeSuffix: false }).valid, false);
    assert.equal(parseReportUri('https://tls.example.com/v1', { sizeSuffix: false }).valid, true);
  });

  it('accepts fully qualified LDH names only', () => {
    for (const name of ['example.com', 'a.b-c.example', 'xn--bcher-kva.example']) assert.equal(isDomainName(name), true, name);
    for (const name of ['', 'localhost', '-a.example', 'a-.example', 'a..example', 'a_b.example', '192.0.2.1', 'example.com.', `${'a'.repeat(64)}.example`]) {
      assert.equal(isDomainName(name), false, name);
    }
  });
});
