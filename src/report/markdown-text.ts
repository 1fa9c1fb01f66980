// Putting text into GitHub-flavoured Markdown (PR comments, job summaries) without letting it
// become markup. Remote text is made inert for terminals first (sanitizeRemoteText), then each
// character that could start emphasis, a link, a code span, a table cell, strikethrough, an
// entity or an HTML tag mid-line is backslash-escaped (CommonMark section 2.4: any ASCII
// punctuation may be escaped). Our text never starts a line, so line-start markers (#, -, +,
// 1.) need no escape.
import { sanitizeRemoteText } from '../util/sanitize.ts';

const MARKUP = /[\\`*_[\]<>|~&]/g;

/** Plain text for a Markdown paragraph, list item or table cell. */
export function mdText(text: string): string {
  return sanitizeRemoteText(text).replace(MARKUP, (c) => `\\${c}`);
}

/**
 * An inline code span that holds any text: the fence is longer than any backtick run inside.
 * In a table cell a `|` must still be escaped (GFM section 4.10), elsewhere it must not.
 */
export function mdCode(text: string, inTable = false): string {
  let clean = sanitizeRemoteText(text);
  if (inTable) clean = clean.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean === '' ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}
