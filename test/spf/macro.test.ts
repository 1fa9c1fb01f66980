import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandMacroTokens, parseDomainSpec, parseMacroString, toTargetName } from '../../src/spf/macro.ts';
import type { MacroValues } from '../../src/spf/macro.ts';

// The examples of RFC 7208 7.4: sender strong-bad@email.example.com, client 192.0.2.3.
const RFC_VALUES: MacroValues = {
  s: 'strong-bad@email.example.com', l: 'strong-bad', o: 'email.example.com', d: 'email.example.com', i: '192.0.2.3', v: 'in-addr',
};

function expand(text: string, values: MacroValues = RFC_VALUES, context: 'domain-spec' | 'explain-string' = 'domain-spec'): string | null {
  const parsed = parseMacroString(text, context);
  assert.deepEqual(parsed.errors, [], text);
  return expandMacroTokens(parsed.tokens, values).value;
}

describe('macro expansion (RFC 7208 7.3, 7.4)', () => {
  it('reproduces the examples of RFC 7208 7.4', () => {
    const cases: [string, string][] = [
      ['%{s}', 'strong-bad@email.example.com'],
      ['%{o}', 'email.example.com'],
      ['%{d}', 'email.example.com'],
      ['%{d4}', 'email.example.com'],
      ['%{d3}', 'email.example.com'],
      ['%{d2}', 'example.com'],
      ['%{d1}', 'com'],
      ['%{dr}', 'com.example.email'],
      ['%{d2r}', 'example.email'],
      ['%{l}', 'strong-bad'],
      ['%{l-}', 'strong.bad'],
      ['%{lr}', 'strong-bad'],
      ['%{lr-}', 'bad.strong'],
      ['%{l1r-}', 'strong'],
      ['%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'],
      ['%{lr-}.lp._spf.%{d2}', 'bad.strong.lp._spf.example.com'],
      ['%{lr-}.lp.%{ir}.%{v}._spf.%{d2}', 'bad.strong.lp.3.2.0.192.in-addr._spf.example.com'],
      ['%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}', '3.2.0.192.in-addr.strong.lp._spf.example.com'],
      ['%{d2}.trusted-domains.example.net', 'example.com.trusted-domains.example.net'],
    ];
    for (const [text, expected] of cases) assert.equal(expand(text), expected, text);
    const ip6 = { ...RFC_VALUES, i: '2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1', v: 'ip6' };
    assert.equal(expand('%{ir}.%{v}._spf.%{d2}', ip6), '1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com');
  });

  it('URL-escapes upper case macros and expands the escapes', () => {
    assert.equal(expand('%{L}', { l: '~jack&jill=up-a_b3.c' }), '~jack%26jill%3Dup-a_b3.c');
    assert.equal(expand('macro%%percent%_%_space%-url-space.example.com'), 'macro%percent  space%20url-space.example.com');
    // split on "+" and "-", reverse, keep the two right-hand parts (the suite's macro-multiple-delimiters case)
    assert.equal(expand('%{l2r+-}', { l: 'foo-bar+zip+quux' }), 'bar.foo');
  });

  it('returns null and the missing letters when a value is unknown', () => {
    const parsed = parseMacroString('%{i}.%{h}.%{d}.%{i}', 'domain-spec');
    assert.deepEqual(expandMacroTokens(parsed.tokens, { d: 'example.com' }), { value: null, missing: ['i', 'h'] });
  });

  it('allows c, r, t and spaces only in explanation text', () => {
    assert.equal(expand('%{c} is not allowed from %{r} at %{t}', { c: '192.0.2.3', r: 'mx.example.org', t: '1' }, 'explain-string'), '192.0.2.3 is not allowed from mx.example.org at 1');
    assert.match(parseMacroString('%{t}', 'domain-spec').errors[0].message, /only in explanation text/);
    assert.match(parseMacroString('a b', 'domain-spec').errors[0].message, /not allowed/);
  });

  it('reports error offsets inside the string', () => {
    assert.deepEqual(parseMacroString('ok.%x', 'domain-spec').errors.map((e) => e.offset), [3]);
    assert.deepEqual(parseDomainSpec('').errors.map((e) => e.message), ['The domain-spec is empty (RFC 7208 7.1).']);
  });

  it('truncates long target names from the left and drops a trailing dot (RFC 7208 7.3)', () => {
    assert.equal(toTargetName('example.com.'), 'example.com');
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`;
    const name = toTargetName(long);
    assert.ok(name.length <= 253);
    assert.equal(name, `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`);
  });
});
