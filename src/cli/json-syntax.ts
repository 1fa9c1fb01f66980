// Where a JSON text stops being JSON, without quoting it: the line, the column and the rule.
// JSON.parse's own messages quote the text ('Unexpected token 'S', "{"a": SECRET..." is not
// valid JSON'), and a config file can be made to name a file full of secrets; an error about
// such a file must not print it. RFC 8259 grammar, checked by recursive descent, no values built.

export interface JsonSyntaxError { line: number; column: number; rule: string }

const WS = new Set([' ', '\t', '\n', '\r']);

/** The first syntax error of `text` as RFC 8259 JSON, or null when it is valid. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  let depth = 0;
  const fail = (rule: string): never => { throw Object.assign(new Error(rule), { at: i }); };
  const ws = () => { while (i < text.length && WS.has(text[i]!)) i++; };
  const literal = (word: string) => { if (text.startsWith(word, i)) i += word.length; else fail('unexpected character: a value was expected (object, array, string, number, true, false or null)'); };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return; }
      if (c < 0x20) fail('a control character inside a string must be escaped');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i++; fail('\\u must be followed by four hex digits'); }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else { i++; fail('invalid escape in a string'); }
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '' || match[0] === '-') fail('invalid number');
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    if (i >= text.length) fail('unexpected end of the text: a value was expected');
    const c = text[i]!;
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    fail('unexpected character: a value was expected (object, array, string, number, true, false or null)');
  };
  const nest = () => { if (++depth > 512) fail('nested more than 512 levels deep'); };
  const object = () => {
    nest();
    i++;
    ws();
    if (text[i] === '}') { i++; depth--; return; }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('a property name in double quotes was expected');
      string();
      ws();
      if (text[i] !== ':') fail("':' was expected after the property name");
      i++;
      value();
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '}') { i++; depth--; return; }
      fail(i >= text.length ? 'unexpected end of the text inside an object' : "',' or '}' was expected");
    }
  };
  const array = () => {
    nest();
    i++;
    ws();
    if (text[i] === ']') { i++; depth--; return; }
    for (;;) {
      value();
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === ']') { i++; depth--; return; }
      fail(i >= text.length ? 'unexpected end of the text inside an array' : "',' or ']' was expected");
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1; // a byte-order mark, as editors write
    value();
    ws();
    if (i < text.length) fail('unexpected text after the JSON value');
    return null;
  } catch (error) {
    const at = Math.min((error as { at?: number }).at ?? 0, text.length);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    return { line, column, rule: (error as Error).message };
  }
}

/** JSON.parse, with a SyntaxError that names the line, column and rule and quotes nothing. */
export function parseJsonQuietly(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    const found = findJsonSyntaxError(text) ?? { line: 1, column: 1, rule: 'not valid JSON' };
    throw new SyntaxError(`line ${found.line}, column ${found.column}: ${found.rule}`);
  }
}
