import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isExampleLine, wrapHelp } from '../../src/report/wrap-help.ts';
import { displayWidth, terminalWidth, wrapLine, wrapText } from '../../src/report/wrap-text.ts';

const TEXT = 'The MX target alias.example.com is an alias (CNAME to mail.example.net); RFC 2181 section 10.3 forbids aliases in MX records.';

test('lines break between words, never wider than the width, with the hanging indent', () => {
  for (const width of [24, 33, 40, 80]) {
    const lines = wrapLine(TEXT, width, { first: '  ✖ ', rest: '    ' });
    assert.ok(lines.every((l) => displayWidth(l) <= width), `width ${width}`);
    assert.equal(lines.map((l, i) => l.slice(4)).join(' '), TEXT, 'no word cut, no word lost');
    assert.ok(lines.slice(1).every((l) => l.startsWith('    ') && !l.startsWith('     ')));
  }
});

test('only a word wider than the line is cut, after a separator when there is one', () => {
  const fingerprint = 'SHA-256 ' + Array.from({ length: 32 }, (_, i) => (i * 7 % 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const lines = wrapLine(fingerprint, 40);
  assert.ok(lines.every((l) => displayWidth(l) <= 40));
  assert.equal(lines.join('').replace(/\s/g, ''), fingerprint.replace(/\s/g, ''));
  assert.ok(lines.slice(1, -1).every((l) => l.endsWith(':')), 'cut after a colon');
});

test('display width: colour codes count nothing, wide characters two', () => {
  assert.equal(displayWidth('\x1b[31mred\x1b[39m'), 3);
  assert.equal(displayWidth('日本語'), 6);
  assert.equal(displayWidth('e\u0301'), 1);
  const lines = wrapLine('日本語 '.repeat(10), 13);
  assert.ok(lines.every((l) => displayWidth(l) <= 13));
});

test('a line that starts with spaces (a tree) keeps them, and continues deeper; new lines start again', () => {
  assert.deepEqual(wrapText('root\n    include:_spf.example.com #2 and a long tail', 36, { first: '│ ', next: '│ ', rest: '│   ' }), [
    '│ root', '│     include:_spf.example.com #2', '│       and a long tail',
  ]);
});

test('the width: a terminal\'s columns, else COLUMNS, else 80; never below 40', () => {
  assert.equal(terminalWidth({ isTTY: true, columns: 132 }, {}), 132);
  assert.equal(terminalWidth({ isTTY: true, columns: 0 }, {}), 80, 'a terminal that reports no size');
  assert.equal(terminalWidth({ isTTY: false }, { COLUMNS: '120' }), 120);
  assert.equal(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' }), 80);
  assert.equal(terminalWidth(undefined, {}), 80);
  assert.equal(terminalWidth({ isTTY: true, columns: 20 }, {}), 40);
});

test('help: a paragraph over the width is reflowed, one that fits is kept, examples stay whole', () => {
  const help = [
    'Usage: smtp-audit demo [options]',
    '',
    'The demo needs no network: it starts a DNS server and mail servers on 127.0.0.1, audits',
    'good.example and broken.example, prints the reports and stops everything.',
    'Short line one.',
    '',
    'Examples:',
    '  smtp-audit demo --format json | jq \'.[] | {domain, summary}\' --and-a-very-long-tail-that-overflows',
    '      a description under an example that is far too long for the width and must be wrapped',
  ].join('\n');
  const out = wrapHelp(help, 60).split('\n');
  assert.equal(out[0], 'Usage: smtp-audit demo [options]');
  assert.equal(out[2], 'The demo needs no network: it starts a DNS server and mail');
  assert.ok(out.includes('Examples:'));
  assert.ok(out.includes(help.split('\n')[7]!), 'the example is not cut');
  assert.ok(isExampleLine(help.split('\n')[7]!));
  assert.ok(out.filter((l) => !isExampleLine(l)).every((l) => displayWidth(l) <= 60));
  assert.equal(wrapHelp('Fits.\nAlso fits.', 60), 'Fits.\nAlso fits.');
});
