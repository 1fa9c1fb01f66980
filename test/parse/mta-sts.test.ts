import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  isMtaStsTxtRecord, isMxPattern, MTA_STS_MAX_AGE_LIMIT, mxMatchesPattern, parseMtaStsPolicy, parseMtaStsTxt,
  uncoveredMxHosts, type MtaStsPolicy,
} from '../../src/parse/mta-sts.ts';
import type { ParseIssue } from '../../src/parse/tag-list.ts';

const codes = (issues: ParseIssue[]): string[] => issues.map((i) => i.code);
const find = (policy: { issues: ParseIssue[] }, code: string): ParseIssue | undefined => policy.issues.find((i) => i.code === code);

// RFC 8461 3.2's example policy, with CRLF line ends.
const EXAMPLE = 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n';
const policyWith = (lines: string[]): MtaStsPolicy => parseMtaStsPolicy(lines.join('\n'));

describe('isMtaStsTxtRecord (RFC 8461 3.1)', () => {
  it('accepts records that begin with "v=STSv1;"', () => {
    assert.equal(isMtaStsTxtRecord('v=STSv1; id=20240101'), true);
    assert.equal(isMtaStsTxtRecord('v=STSv1;id=1'), true);
    assert.equal(isMtaStsTxtRecord('v=STSv1 ; id=1'), true);
  });

  it('rejects anything else', () => {
    for (const txt of ['v=STSv1', 'V=STSv1; id=1', 'v=stsv1; id=1', ' v=STSv1; id=1', 'v=STSv10; id=1', 'id=1; v=STSv1;', 'v=spf1 -all']) {
      assert.equal(isMtaStsTxtRecord(txt), false, txt);
    }
  });
});

describe('parseMtaStsTxt (RFC 8461 3.1)', () => {
  it('reads a valid record without issues', () => {
    const record = parseMtaStsTxt('v=STSv1; id=20240101T000000;');
    assert.equal(record.version, 'STSv1');
    assert.equal(record.id, '20240101T000000');
    assert.deepEqual(record.extensions, {});
    assert.deepEqual(record.issues, []);
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record);
  });

  it('requires an id of 1 to 32 letters and digits', () => {
    assert.equal(parseMtaStsTxt(`v=STSv1; id=${'a'.repeat(32)}`).id, 'a'.repeat(32));
    assert.deepEqual(codes(parseMtaStsTxt('v=STSv1;').issues), ['mta-sts-id-missing']);
    for (const id of ['a'.repeat(33), '2024-01-01', 'abc_1', '']) {
      const record = parseMtaStsTxt(`v=STSv1; id=${id}`);
      assert.equal(record.id, null, id);
      assert.deepEqual(codes(record.issues), ['mta-sts-id-invalid'], id);
      assert.equal(record.issues[0]!.severity, 'fail');
    }
  });

  it('requires v=STSv1 first, exactly, case-sensitively', () => {
    assert.deepEqual(codes(parseMtaStsTxt('id=1; v=STSv1').issues), ['mta-sts-version-not-first']);
    assert.deepEqual(codes(parseMtaStsTxt('v=STSv2; id=1').issues), ['mta-sts-version-invalid']);
    assert.deepEqual(codes(parseMtaStsTxt('v=stsv1; id=1').issues), ['mta-sts-version-invalid']);
    assert.deepEqual(codes(parseMtaStsTxt(' v=STSv1; id=1').issues), ['mta-sts-version-not-first']);
    assert.deepEqual(codes(parseMtaStsTxt('V=STSv1; id=1').issues), ['mta-sts-version-not-first', 'mta-sts-field-unknown']);
    assert.deepEqual(codes(parseMtaStsTxt('v=STSv1').issues), ['mta-sts-version-unterminated', 'mta-sts-id-missing']);
  });

  it('fails whitespace around "="', () => {
    const record = parseMtaStsTxt('v=STSv1; id = 123');
    assert.equal(record.id, '123');
    assert.deepEqual(codes(record.issues), ['mta-sts-txt-space-around-equals']);
    assert.equal(record.issues[0]!.tag, 'id');
  });

  it('ignores valid extension fields and fails malformed ones', () => {
    const ext = parseMtaStsTxt('v=STSv1; id=1; x-note.v2=hello');
    assert.deepEqual(ext.extensions, { 'x-note.v2': 'hello' });
    assert.deepEqual(codes(ext.issues), ['mta-sts-field-unknown']);
    assert.equal(ext.issues[0]!.severity, 'info');
    assert.deepEqual(codes(parseMtaStsTxt('v=STSv1; id=1; note=').issues), ['mta-sts-extension-invalid']);
    assert.deepEqual(codes(parseMtaStsTxt('v=STSv1; id=1; note=a=b').issues), ['mta-sts-extension-invalid']);
    assert.deepEqual(codes(parseMtaStsTxt('v=STSv1; id=1; note=a b').issues), ['mta-sts-extension-invalid']);
  });

  it('warns about repeated fields and keeps the first', () => {
    const record = parseMtaStsTxt('v=STSv1; id=1; id=2');
    assert.equal(record.id, '1');
    assert.deepEqual(record.issues.map((i) => [i.code, i.severity]), [['tag-duplicate', 'warn']]);
  });
});

describe('parseMtaStsPolicy (RFC 8461 3.2)', () => {
  it('reads the RFC example without issues', () => {
    const policy = parseMtaStsPolicy(EXAMPLE);
    assert.equal(policy.version, 'STSv1');
    assert.equal(policy.mode, 'enforce');
    assert.equal(policy.maxAge, 604800);
    assert.deepEqual(policy.mx, ['mail.example.com', '*.example.net', 'backupmx.example.com']);
    assert.deepEqual(policy.fields[2], { key: 'mx', value: 'mail.example.com', line: 3 });
    assert.deepEqual(policy.issues, []);
    assert.deepEqual(JSON.parse(JSON.stringify(policy)), policy);
  });

  it('accepts LF line ends and a missing final line end', () => {
    const lf = parseMtaStsPolicy(EXAMPLE.replaceAll('\r\n', '\n').trimEnd());
    assert.deepEqual(lf.issues, []);
    assert.equal(lf.maxAge, 604800);
  });

  it('allows whitespace after the colon and after the value', () => {
    const policy = policyWith(['version:STSv1', 'mode:\tenforce  ', 'mx:  mx.example.com ', 'max_age: 86400']);
    assert.equal(policy.mode, 'enforce');
    assert.deepEqual(policy.mx, ['mx.example.com']);
    assert.deepEqual(policy.issues, []);
  });

  it('requires version, mode and max_age', () => {
    assert.deepEqual(codes(policyWith(['mode: testing', 'mx: a.example.com', 'max_age: 86400']).issues), ['mta-sts-policy-version-missing']);
    assert.deepEqual(codes(policyWith(['version: STSv1', 'mx: a.example.com', 'max_age: 86400']).issues), ['mta-sts-policy-mode-missing']);
    assert.deepEqual(codes(policyWith(['version: STSv1', 'mode: testing', 'mx: a.example.com']).issues), ['mta-sts-policy-max-age-missing']);
    assert.equal(find(parseMtaStsPolicy(''), 'mta-sts-policy-version-missing')?.severity, 'fail');
  });

  it('requires mx unless mode is none', () => {
    for (const mode of ['enforce', 'testing']) {
      const policy = policyWith(['version: STSv1', `mode: ${mode}`, 'max_age: 86400']);
      assert.deepEqual(codes(policy.issues), ['mta-sts-policy-mx-missing'], mode);
    }
    assert.deepEqual(policyWith(['version: STSv1', 'mode: none', 'max_age: 86400']).issues, []);
  });

  it('checks version and mode values case-sensitively', () => {
    assert.deepEqual(codes(policyWith(['version: STSv2', 'mode: none', 'max_age: 1']).issues), ['mta-sts-policy-version-invalid']);
    const mode = policyWith(['version: STSv1', 'mode: Enforce', 'mx: a.example.com', 'max_age: 1']);
    assert.equal(mode.mode, null);
    assert.deepEqual(codes(mode.issues), ['mta-sts-policy-mode-invalid']);
  });

  it('reads max_age as 0 to 31557600 seconds', () => {
    const base = ['version: STSv1', 'mode: none'];
    assert.equal(policyWith([...base, 'max_age: 0']).maxAge, 0);
    assert.deepEqual(policyWith([...base, `max_age: ${MTA_STS_MAX_AGE_LIMIT}`]).issues, []);
    const large = policyWith([...base, 'max_age: 31557601']);
    assert.equal(large.maxAge, 31557601);
    assert.deepEqual(large.issues.map((i) => [i.code, i.severity]), [['mta-sts-policy-max-age-too-large', 'fail']]);
    for (const value of ['-1', '1d', '12345678901', '']) {
      const policy = policyWith([...base, `max_age: ${value}`]);
      assert.equal(policy.maxAge, null, value);
      assert.deepEqual(codes(policy.issues), ['mta-sts-policy-max-age-invalid'], value);
    }
  });

  it('fails mx values that are not host names or single-label wildcards', () => {
    const base = ['version: STSv1', 'mode: enforce', 'max_age: 86400', 'mx: ok.example.com'];
    for (const mx of ['mail_1.example.com', '*.', '*', 'mail.*.example.com', 'mx*.example.com', 'mail.example.com.', 'localhost', '**.example.com']) {
      const policy = policyWith([...base, `mx: ${mx}`]);
      assert.deepEqual(policy.mx, ['ok.example.com'], mx);
      assert.deepEqual(codes(policy.issues), ['mta-sts-policy-mx-invalid'], mx);
    }
    assert.match(find(policyWith([...base, 'mx: mx.bücher.example']), 'mta-sts-policy-mx-invalid')!.message, /A-labels/);
    assert.deepEqual(policyWith([...base, 'mx: mx.xn--bcher-kva.example']).issues, []);
  });

  it('ignores repeats of non-mx fields after the first', () => {
    const policy = policyWith(['version: STSv1', 'mode: testing', 'mode: enforce', 'mx: a.example.com', 'max_age: 86400']);
    assert.equal(policy.mode, 'testing');
    assert.deepEqual(codes(policy.issues), ['mta-sts-policy-duplicate-field']);
  });

  it('ignores unknown fields', () => {
    const policy = policyWith(['version: STSv1', 'mode: none', 'max_age: 86400', 'comment: hello: world']);
    assert.deepEqual(policy.extensions, { comment: 'hello: world' });
    assert.deepEqual(policy.issues.map((i) => [i.code, i.severity]), [['mta-sts-policy-field-unknown', 'info']]);
  });

  it('reports lines that are not key: value pairs', () => {
    const base = ['version: STSv1', 'mode: none', 'max_age: 86400'];
    assert.deepEqual(codes(policyWith([...base, 'garbage']).issues), ['mta-sts-policy-line-malformed']);
    assert.deepEqual(codes(policyWith([...base, 'bad key: x']).issues), ['mta-sts-policy-key-invalid']);
    assert.deepEqual(codes(policyWith([...base, '']).issues), []); // a final empty line is just the trailing terminator
    assert.deepEqual(codes(policyWith(['version: STSv1', '', 'mode: none', 'max_age: 86400']).issues), ['mta-sts-policy-blank-line']);
  });

  it('warns about whitespace before the key or the colon but still reads the field', () => {
    const policy = policyWith(['version: STSv1', ' mode: none', 'max_age : 86400']);
    assert.equal(policy.mode, 'none');
    assert.equal(policy.maxAge, 86400);
    assert.deepEqual(codes(policy.issues), ['mta-sts-policy-whitespace', 'mta-sts-policy-whitespace']);
  });

  it('warns about a carriage return that does not end a line', () => {
    const policy = parseMtaStsPolicy('version: STSv1\rmode: none\nmax_age: 86400\n');
    assert.ok(find(policy, 'mta-sts-policy-bare-cr'));
  });

  it('notes a version field that is not first', () => {
    const policy = policyWith(['mode: none', 'version: STSv1', 'max_age: 86400']);
    assert.deepEqual(policy.issues.map((i) => [i.code, i.severity]), [['mta-sts-policy-version-not-first', 'info']]);
  });
});

describe('MX pattern matching (RFC 8461 4.1)', () => {
  it('matches exact names case-insensitively, ignoring a trailing root dot', () => {
    assert.equal(mxMatchesPattern('mail.example.com', 'mail.example.com'), true);
    assert.equal(mxMatchesPattern('MAIL.Example.com.', 'mail.example.COM'), true);
    assert.equal(mxMatchesPattern('mail2.example.com', 'mail.example.com'), false);
    assert.equal(mxMatchesPattern('', 'mail.example.com'), false);
  });

  it('lets "*" stand for exactly one left-most label', () => {
    assert.equal(mxMatchesPattern('mail.example.com', '*.example.com'), true);
    assert.equal(mxMatchesPattern('example.com', '*.example.com'), false);
    assert.equal(mxMatchesPattern('foo.bar.example.com', '*.example.com'), false);
    assert.equal(mxMatchesPattern('.example.com', '*.example.com'), false);
  });

  it('never matches a partial-label or bare wildcard', () => {
    assert.equal(mxMatchesPattern('mx1.example.com', 'mx*.example.com'), false);
    assert.equal(mxMatchesPattern('mx1.example.com', '*'), false);
    assert.equal(mxMatchesPattern('mx1.example.com', '*.'), false);
    assert.equal(mxMatchesPattern('a.b.example.com', '*.*.example.com'), false);
    // An invalid pattern matches nothing, not even the same text.
    assert.equal(mxMatchesPattern('mx*.example.com', 'mx*.example.com'), false);
  });

  it('lists the MX hosts no pattern covers', () => {
    const hosts = ['mx1.example.com.', 'mx2.example.net', 'backup.mail.example.net', 'example.org'];
    assert.deepEqual(uncoveredMxHosts(hosts, ['*.example.com', '*.example.net', 'example.org']), ['backup.mail.example.net']);
    assert.deepEqual(uncoveredMxHosts(hosts, []), hosts);
    assert.deepEqual(uncoveredMxHosts([], ['*.example.com']), []);
  });

  it('isMxPattern follows ["*."] Domain', () => {
    assert.equal(isMxPattern('*.example.com'), true);
    assert.equal(isMxPattern('mx.example.com'), true);
    assert.equal(isMxPattern('*example.com'), false);
  });
});
