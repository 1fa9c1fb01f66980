import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ParseIssue } from '../../src/parse/tag-list.ts';
import { isTlsRptRecord, parseTlsRpt } from '../../src/parse/tls-rpt-record.ts';

const codes = (issues: ParseIssue[]): string[] => issues.map((i) => i.code);

describe('isTlsRptRecord (RFC 8460 3)', () => {
  it('accepts records that begin with "v=TLSRPTv1;"', () => {
    assert.equal(isTlsRptRecord('v=TLSRPTv1; rua=mailto:tls@example.com'), true);
    assert.equal(isTlsRptRecord('v=TLSRPTv1 ;rua=mailto:tls@example.com'), true);
  });

  it('rejects anything else', () => {
    for (const txt of ['v=TLSRPTv1', 'v=tlsrptv1; rua=mailto:a@example.com', 'rua=mailto:a@example.com; v=TLSRPTv1;', ' v=TLSRPTv1;', 'v=TLSRPTv10;']) {
      assert.equal(isTlsRptRecord(txt), false, txt);
    }
  });
});

describe('parseTlsRpt (RFC 8460 3)', () => {
  it('reads mailto and https reporting URIs without issues', () => {
    const record = parseTlsRpt('v=TLSRPTv1; rua=mailto:tls-reports@example.com, https://reports.example.net/v1/tlsrpt;');
    assert.equal(record.version, 'TLSRPTv1');
    assert.deepEqual(record.rua.map((u) => [u.scheme, u.valid, u.domain]), [
      ['mailto', true, 'example.com'],
      ['https', true, 'reports.example.net'],
    ]);
    assert.equal(record.rua[0]!.address, 'tls-reports@example.com');
    assert.deepEqual(record.issues, []);
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record);
  });

  it('requires v=TLSRPTv1 first, exactly', () => {
    assert.deepEqual(codes(parseTlsRpt('rua=mailto:a@example.com; v=TLSRPTv1').issues), ['tlsrpt-version-not-first']);
    assert.deepEqual(codes(parseTlsRpt('v=TLSRPTv2; rua=mailto:a@example.com').issues), ['tlsrpt-version-invalid']);
    assert.deepEqual(codes(parseTlsRpt('v=tlsrptv1; rua=mailto:a@example.com').issues), ['tlsrpt-version-invalid']);
    assert.deepEqual(codes(parseTlsRpt(' v=TLSRPTv1; rua=mailto:a@example.com').issues), ['tlsrpt-version-not-first']);
    assert.equal(parseTlsRpt('rua=mailto:a@example.com').issues[0]!.severity, 'fail');
  });

  it('requires a non-empty rua', () => {
    assert.deepEqual(codes(parseTlsRpt('v=TLSRPTv1;').issues), ['tlsrpt-rua-missing']);
    assert.deepEqual(codes(parseTlsRpt('v=TLSRPTv1; rua=').issues), ['tlsrpt-rua-empty']);
  });

  it('fails schemes other than mailto and https', () => {
    const record = parseTlsRpt('v=TLSRPTv1; rua=http://reports.example.com/x,ftp://example.com/y,mailto:a@example.com');
    assert.deepEqual(record.issues.map((i) => [i.code, i.severity]), [
      ['tlsrpt-uri-scheme-unsupported', 'fail'],
      ['tlsrpt-uri-scheme-unsupported', 'fail'],
    ]);
    assert.match(record.issues[0]!.message, /http scheme/);
  });

  it('fails invalid URIs, including a DMARC-style size suffix', () => {
    for (const uri of ['tls@example.com', 'mailto:tls@example.com!10m', 'mailto:tls@localhost', 'https://localhost/r']) {
      const record = parseTlsRpt(`v=TLSRPTv1; rua=${uri}`);
      assert.equal(record.rua[0]!.valid, false, uri);
      assert.deepEqual(codes(record.issues), ['tlsrpt-uri-invalid'], uri);
    }
  });

  it('splits the rua list on commas with optional whitespace', () => {
    const record = parseTlsRpt('v=TLSRPTv1; rua=mailto:a@example.com ,  mailto:b@example.com');
    assert.deepEqual(record.rua.map((u) => u.address), ['a@example.com', 'b@example.com']);
    assert.deepEqual(record.issues, []);
  });

  it('fails whitespace around "="', () => {
    const record = parseTlsRpt('v=TLSRPTv1; rua = mailto:a@example.com');
    assert.equal(record.rua[0]!.valid, true);
    assert.deepEqual(codes(record.issues), ['tlsrpt-space-around-equals']);
  });

  it('ignores valid extension fields and fails malformed ones', () => {
    const ext = parseTlsRpt('v=TLSRPTv1; rua=mailto:a@example.com; x_mode=1');
    assert.deepEqual(ext.extensions, { x_mode: '1' });
    assert.deepEqual(ext.issues.map((i) => [i.code, i.severity]), [['tlsrpt-field-unknown', 'info']]);
    assert.deepEqual(codes(parseTlsRpt('v=TLSRPTv1; rua=mailto:a@example.com; x=').issues), ['tlsrpt-extension-invalid']);
    assert.deepEqual(codes(parseTlsRpt('v=TLSRPTv1; rua=mailto:a@example.com; x=a=b').issues), ['tlsrpt-extension-invalid']);
  });

  it('warns about a repeated rua and uses the first', () => {
    const record = parseTlsRpt('v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com');
    assert.deepEqual(record.rua.map((u) => u.address), ['a@example.com']);
    assert.deepEqual(record.issues.map((i) => [i.code, i.severity]), [['tag-duplicate', 'warn']]);
  });
});
