import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  leadingSpec, makeIssue, splitColonList, splitCommaList, splitTagList, type ParseIssue,
} from '../../src/parse/tag-list.ts';

const codes = (issues: ParseIssue[]): string[] => issues.map((i) => i.code);

describe('splitTagList (RFC 6376 3.2)', () => {
  it('splits tag=value pairs in order with their offsets', () => {
    const list = splitTagList('v=DKIM1; k=rsa; p=abc');
    assert.deepEqual(list.tags, { v: 'DKIM1', k: 'rsa', p: 'abc' });
    assert.deepEqual(list.specs.map((s) => [s.name, s.value, s.offset]), [['v', 'DKIM1', 0], ['k', 'rsa', 9], ['p', 'abc', 16]]);
    assert.deepEqual(list.issues, []);
  });

  it('allows whitespace around tags and values but keeps whitespace inside a value', () => {
    const list = splitTagList(' a = b  c ;\tb=\r\n x ');
    assert.deepEqual(list.tags, { a: 'b  c', b: 'x' });
    assert.deepEqual(list.issues, []);
    assert.equal(list.specs[0]!.offset, 1);
    assert.equal(list.specs[0]!.spaceAroundEquals, true);
    assert.equal(splitTagList('a=b').specs[0]!.spaceAroundEquals, false);
  });

  it('allows one trailing semicolon, with or without trailing whitespace', () => {
    assert.deepEqual(splitTagList('a=1;').issues, []);
    assert.deepEqual(splitTagList('a=1; ').issues, []);
    assert.deepEqual(splitTagList('a=1;').tags, { a: '1' });
  });

  it('returns nothing, and no issue, for an empty or blank record', () => {
    assert.deepEqual(splitTagList(''), { specs: [], tags: {}, issues: [] });
    assert.deepEqual(splitTagList('  '), { specs: [], tags: {}, issues: [] });
  });

  it('reports empty entries between separators with their position', () => {
    const list = splitTagList('a=1;;b=2');
    assert.deepEqual(list.tags, { a: '1', b: '2' });
    assert.deepEqual(codes(list.issues), ['tag-empty']);
    assert.equal(list.issues[0]!.severity, 'warn');
    assert.match(list.issues[0]!.message, /offset 4/);
    assert.deepEqual(codes(splitTagList(';a=1').issues), ['tag-empty']);
  });

  it('reports an entry without "=" as malformed and keeps the other tags', () => {
    const list = splitTagList('a=1; junk; b=2');
    assert.deepEqual(list.tags, { a: '1', b: '2' });
    assert.deepEqual(codes(list.issues), ['tag-malformed']);
    assert.equal(list.issues[0]!.severity, 'fail');
    assert.match(list.issues[0]!.message, /"junk" at offset 5/);
  });

  it('reports an entry with no tag name before "=" as malformed', () => {
    const list = splitTagList('=x; a=1');
    assert.deepEqual(codes(list.issues), ['tag-malformed']);
    assert.deepEqual(list.tags, { a: '1' });
  });

  it('rejects tag names outside ALPHA *ALNUMPUNC unless the caller widens the pattern', () => {
    for (const text of ['1a=x', 'a-b=x', '_a=x', 'a b=x']) {
      const list = splitTagList(text);
      assert.deepEqual(codes(list.issues), ['tag-name-invalid'], text);
      assert.deepEqual(list.tags, {}, text);
    }
    assert.deepEqual(splitTagList('a_1=x').issues, []);
    const widened = splitTagList('a-b=x', { namePattern: /^[a-z][a-z-]*$/ });
    assert.deepEqual(widened.tags, { 'a-b': 'x' });
    assert.deepEqual(widened.issues, []);
  });

  it('reports duplicate tags, keeps the first value, and lets the caller choose the severity', () => {
    const list = splitTagList('p=1; p=2');
    assert.equal(list.tags.p, '1');
    assert.equal(list.specs.length, 2);
    assert.deepEqual(codes(list.issues), ['tag-duplicate']);
    assert.equal(list.issues[0]!.severity, 'fail');
    assert.equal(list.issues[0]!.tag, 'p');
    assert.match(list.issues[0]!.message, /offset 5 \(first at offset 0\)/);
    assert.equal(splitTagList('p=1; p=2', { duplicateSeverity: 'warn' }).issues[0]!.severity, 'warn');
  });

  it('treats tag names as case-sensitive unless told otherwise', () => {
    const sensitive = splitTagList('P=1; p=2');
    assert.deepEqual(sensitive.tags, { P: '1', p: '2' });
    assert.deepEqual(sensitive.issues, []);
    const insensitive = splitTagList('P=1; p=2', { caseInsensitiveNames: true });
    assert.deepEqual(insensitive.tags, { p: '1' });
    assert.equal(insensitive.specs[0]!.name, 'P');
    assert.equal(insensitive.specs[0]!.key, 'p');
    assert.deepEqual(codes(insensitive.issues), ['tag-duplicate']);
  });

  it('reports characters outside VALCHAR in a value', () => {
    const list = splitTagList('n=caf\u00e9');
    assert.deepEqual(codes(list.issues), ['tag-value-invalid-char']);
    assert.match(list.issues[0]!.message, /U\+00E9 at offset 5/);
    assert.equal(list.tags.n, 'caf\u00e9');
    assert.deepEqual(splitTagList('n=a\x01b').issues.map((i) => i.code), ['tag-value-invalid-char']);
    assert.deepEqual(splitTagList('n=!~:<>').issues, []);
  });
});

describe('leadingSpec', () => {
  it('returns the first spec only when it opens the record', () => {
    const text = '  v=1; a=2';
    assert.equal(leadingSpec(text, splitTagList(text))?.name, 'v');
    const broken = 'junk; v=1';
    assert.equal(leadingSpec(broken, splitTagList(broken)), null);
    const empty = ';v=1';
    assert.equal(leadingSpec(empty, splitTagList(empty)), null);
    assert.equal(leadingSpec('', splitTagList('')), null);
  });
});

describe('list helpers', () => {
  it('split colon and comma lists and trim each item', () => {
    assert.deepEqual(splitColonList(' 1 : d:s '), ['1', 'd', 's']);
    assert.deepEqual(splitCommaList('mailto:a@x.example , https://y.example'), ['mailto:a@x.example', 'https://y.example']);
  });

  it('makeIssue leaves out the tag when there is none', () => {
    assert.deepEqual(makeIssue('x', 'info', 'm'), { code: 'x', severity: 'info', message: 'm' });
    assert.deepEqual(makeIssue('x', 'warn', 'm', 'p'), { code: 'x', severity: 'warn', message: 'm', tag: 'p' });
  });
});
