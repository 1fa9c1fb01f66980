// A small XML 1.0 well-formedness check for the JUnit reporter's output: one root element,
// properly nested and closed tags, quoted attributes, known entities only, and no character
// XML 1.0 forbids (section 2.2). Enough for text we generate; not a general parser.
import assert from 'node:assert/strict';

const NAME = '[A-Za-z_][\\w.-]*';
const ATTRS = `(?:\\s+${NAME}="[^"<]*")*`;
const TOKEN = new RegExp(`<\\?xml[^?]*\\?>|<(/?)(${NAME})(${ATTRS})\\s*(/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)`, 'g');

export function assertWellFormedXml(text: string): void {
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/, 'a character XML 1.0 cannot hold');
  const stack: string[] = [];
  let roots = 0;
  for (const m of text.matchAll(TOKEN)) {
    const [whole, closing, name, , selfClosing] = m;
    if (whole.startsWith('<?xml')) continue;
    assert.ok(name !== undefined, `stray "${whole}" at offset ${m.index}: ${text.slice(m.index, m.index + 40)}`);
    for (const attr of (m[3] ?? '').matchAll(/"([^"]*)"/g)) assert.doesNotMatch(attr[1]!, /&(?!(?:amp|lt|gt|quot|apos);)/, 'unescaped & in an attribute');
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'exactly one root element');
}
