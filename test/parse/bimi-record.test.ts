import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isBimiRecord, parseBimi, type BimiRecord } from '../../src/parse/bimi-record.ts';
import type { ParseIssue } from '../../src/parse/tag-list.ts';

const codes = (issues: ParseIssue[]): string[] => issues.map((i) => i.code);
const find = (record: BimiRecord, code: string): ParseIssue | undefined => record.issues.find((i) => i.code === code);
const LOGO = 'https://images.example.com/brand/logo.svg';
const VMC = 'https://certs.example.com/brand/vmc.pem';

describe('isBimiRecord', () => {
  it('accepts records that open with v=BIMI1', () => {
    assert.equal(isBimiRecord(`v=BIMI1; l=${LOGO}`), true);
    assert.equal(isBimiRecord('v = BIMI1; l=;'), true);
  });

  it('rejects anything else, including capitalisation errors', () => {
    for (const txt of ['v=bimi1; l=;', 'V=BIMI1; l=;', 'l=; v=BIMI1', 'v=BIMI2; l=;', 'v=DMARC1; p=none', '']) {
      assert.equal(isBimiRecord(txt), false, txt);
    }
  });
});

describe('parseBimi', () => {
  it('reads a record with an SVG location and a PEM evidence document', () => {
    const record = parseBimi(`v=BIMI1; l=${LOGO}; a=${VMC};`);
    assert.equal(record.isBimi, true);
    assert.equal(record.location, LOGO);
    assert.equal(record.authority, VMC);
    assert.equal(record.declined, false);
    assert.deepEqual(record.issues, []);
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record);
  });

  it('accepts a location without evidence', () => {
    const record = parseBimi(`v=BIMI1; l=${LOGO}`);
    assert.equal(record.authority, null);
    assert.equal(record.declined, false);
    assert.deepEqual(record.issues, []);
  });

  describe('declination (4.3.1)', () => {
    it('treats empty l= and a= as an explicit declination', () => {
      const record = parseBimi('v=BIMI1; l=; a=;');
      assert.equal(record.declined, true);
      assert.equal(record.location, '');
      assert.deepEqual(record.issues, []);
      assert.equal(parseBimi('v=BIMI1; l=;').declined, true);
    });

    it('fails a record without l= (a required tag), which is not a declination', () => {
      const record = parseBimi('v=BIMI1;');
      assert.equal(record.declined, false);
      assert.equal(record.location, null);
      assert.deepEqual(record.issues.map((i) => [i.code, i.severity]), [['bimi-l-missing', 'fail']]);
    });

    it('is not declined when only a= has a value, and warns about it', () => {
      const record = parseBimi(`v=BIMI1; l=; a=${VMC}`);
      assert.equal(record.declined, false);
      assert.deepEqual(codes(record.issues), ['bimi-l-empty-with-authority']);
    });
  });

  describe('v= (4.3)', () => {
    it('fails a missing, misplaced or different version', () => {
      assert.deepEqual(codes(parseBimi(`l=${LOGO}`).issues), ['bimi-version-missing']);
      assert.deepEqual(codes(parseBimi(`l=${LOGO}; v=BIMI1`).issues), ['bimi-version-not-first']);
      assert.deepEqual(codes(parseBimi(`v=BIMI2; l=${LOGO}`).issues), ['bimi-version-invalid']);
      const lower = parseBimi(`v=bimi1; l=${LOGO}`);
      assert.equal(lower.isBimi, false);
      assert.equal(find(lower, 'bimi-version-invalid')?.severity, 'fail');
    });
  });

  describe('l= (4.3, 4.3.2)', () => {
    it('fails a location that is not HTTPS', () => {
      const record = parseBimi('v=BIMI1; l=http://images.example.com/logo.svg');
      assert.deepEqual(record.issues.map((i) => [i.code, i.severity]), [['bimi-l-not-https', 'fail']]);
      assert.match(record.issues[0]!.message, /uses http,/);
    });

    it('fails a host that is not a fully qualified domain name', () => {
      assert.deepEqual(codes(parseBimi('v=BIMI1; l=https://localhost/logo.svg').issues), ['bimi-l-host-invalid']);
      assert.deepEqual(codes(parseBimi('v=BIMI1; l=https://192.0.2.1/logo.svg').issues), ['bimi-l-host-invalid']);
    });

    it('fails a value that is not a URI, or several URIs', () => {
      assert.deepEqual(codes(parseBimi('v=BIMI1; l=logo.svg').issues), ['bimi-l-invalid']);
      assert.deepEqual(codes(parseBimi(`v=BIMI1; l=${LOGO},https://images.example.com/b.svg`).issues), ['bimi-l-multiple']);
    });

    it('fails other image formats and warns about paths without .svg', () => {
      const png = parseBimi('v=BIMI1; l=https://images.example.com/logo.png');
      assert.deepEqual(png.issues.map((i) => [i.code, i.severity]), [['bimi-l-not-svg', 'fail']]);
      const bare = parseBimi('v=BIMI1; l=https://images.example.com/logo');
      assert.deepEqual(bare.issues.map((i) => [i.code, i.severity]), [['bimi-l-not-svg', 'warn']]);
      assert.deepEqual(parseBimi('v=BIMI1; l=https://images.example.com/logo.svgz').issues, []);
      assert.deepEqual(parseBimi('v=BIMI1; l=https://images.example.com/LOGO.SVG?v=2').issues, []);
    });
  });

  describe('a= (4.3)', () => {
    it('fails evidence that is not HTTPS', () => {
      const record = parseBimi(`v=BIMI1; l=${LOGO}; a=http://certs.example.com/vmc.pem`);
      assert.deepEqual(codes(record.issues), ['bimi-a-not-https']);
    });

    it('notes evidence that does not end in .pem', () => {
      const record = parseBimi(`v=BIMI1; l=${LOGO}; a=https://certs.example.com/vmc`);
      assert.deepEqual(record.issues.map((i) => [i.code, i.severity]), [['bimi-a-not-pem', 'info']]);
    });
  });

  describe('lps= (4.3, 4.5) and avp= (4.3)', () => {
    it('reads local-part prefixes and the avatar preference', () => {
      const record = parseBimi(`v=BIMI1; l=${LOGO}; lps=brand-,news; avp=personal`);
      assert.deepEqual(record.lps, ['brand-', 'news']);
      assert.equal(record.avp, 'personal');
      assert.deepEqual(record.issues, []);
      assert.deepEqual(parseBimi(`v=BIMI1; l=${LOGO}; lps=; avp=brand`).lps, []);
      assert.equal(parseBimi(`v=BIMI1; l=${LOGO}`).lps, null);
    });

    it('warns of prefixes that cannot match, and of the old boolean form', () => {
      const record = parseBimi(`v=BIMI1; l=${LOGO}; lps=no.reply; avp=Brand`);
      assert.deepEqual(record.lps, ['no.reply']);
      assert.equal(record.avp, null);
      assert.deepEqual(codes(record.issues), ['bimi-lps-invalid', 'bimi-avp-invalid']);
      assert.match(record.issues[0]!.message, /"no\.reply" \(only letters, digits and "-" can match/);
      const boolean = parseBimi(`v=BIMI1; l=${LOGO}; lps=false`);
      assert.deepEqual(boolean.lps, ['false']);
      assert.match(boolean.issues[0]!.message, /only local-parts beginning with "false" are looked up/);
    });
  });

  it('notes unknown tags and hints at capitalisation', () => {
    assert.deepEqual(codes(parseBimi(`v=BIMI1; l=${LOGO}; s=brand`).issues), ['bimi-tag-unknown']);
    const upper = parseBimi(`v=BIMI1; L=${LOGO}`);
    assert.match(find(upper, 'bimi-tag-unknown')!.message, /case-sensitive/);
    assert.ok(find(upper, 'bimi-l-missing'));
  });

  it('fails duplicate tags (tag-list syntax)', () => {
    assert.equal(find(parseBimi(`v=BIMI1; l=${LOGO}; l=`), 'tag-duplicate')?.severity, 'fail');
  });
});
