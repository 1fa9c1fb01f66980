// Tests for src/util/sanitize.ts (kept next to the SMTP tests that depend on it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ELLIPSIS, sanitizeRemoteText, truncate } from '../../src/util/sanitize.ts';

describe('sanitizeRemoteText', () => {
  test('plain text, UTF-8 and backslashes are unchanged', () => {
    assert.equal(sanitizeRemoteText('220 mx.example ESMTP Grüße ✓ 😀 C:\\path'), '220 mx.example ESMTP Grüße ✓ 😀 C:\\path');
  });

  test('every C0 control, DEL and every C1 control becomes a visible escape', () => {
    for (let cp = 0; cp <= 0x9f; cp++) {
      if (cp >= 0x20 && cp < 0x7f) continue;
      const out = sanitizeRemoteText(`a${String.fromCharCode(cp)}b`);
      assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f]/, `U+${cp.toString(16)}`);
      assert.match(out, /^a\\(x[0-9a-f]{2}|[tnr])b$/, `U+${cp.toString(16)} -> ${out}`);
    }
  });

  test('terminal escape sequences are defused', () => {
    assert.equal(sanitizeRemoteText('\x1b[2J\x1b]0;title\x07\x9b31m'), '\\x1b[2J\\x1b]0;title\\x07\\x9b31m');
    assert.equal(sanitizeRemoteText('a\tb\r\nc\x00\x7f'), 'a\\tb\\r\\nc\\x00\\x7f');
  });

  test('bidi controls and U+FEFF are escaped', () => {
    const controls = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff];
    for (const cp of controls) {
      assert.equal(sanitizeRemoteText(String.fromCharCode(cp)), `\\u${cp.toString(16).padStart(4, '0')}`);
    }
    assert.equal(sanitizeRemoteText('evil\u202egnp.exe'), 'evil\\u202egnp.exe');
  });

  test('lone surrogates are escaped, pairs kept', () => {
    assert.equal(sanitizeRemoteText('a\ud800b\udc00c'), 'a\\ud800b\\udc00c');
    assert.equal(sanitizeRemoteText('\ud83d\ude00'), '😀');
  });
});

describe('truncate', () => {
  test('short strings are unchanged', () => {
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('', 0), '');
  });

  test('long strings are cut and marked', () => {
    assert.equal(truncate('abcdef', 3), `abc${ELLIPSIS}`);
    assert.equal(truncate('abcdef', 0), ELLIPSIS);
  });

  test('never splits a surrogate pair', () => {
    assert.equal(truncate('a😀b', 2), `a${ELLIPSIS}`);
    assert.equal(truncate('a😀b', 3), `a😀${ELLIPSIS}`);
  });
});
