// What a receiving server recorded about a message: Received-SPF (RFC 7208 section 9.1) and
// Authentication-Results (RFC 8601 section 2.2). `inspect` shows the recorded verdicts and
// takes the connection details (client address, HELO, MAIL FROM) from them, so SPF and DMARC
// can be evaluated again without the flags.

export interface RecordedResult {
  method: string;
  result: string;
  /** ptype.property=value pairs, e.g. smtp.mailfrom, header.d, header.from */
  properties: Record<string, string>;
}

export interface AuthenticationResults {
  authservId: string;
  results: RecordedResult[];
}

export interface ReceivedSpf {
  result: string;
  clientIp: string | null;
  helo: string | null;
  envelopeFrom: string | null;
}

/** Remove RFC 5322 comments (nested, with quoted-pairs), leaving quoted strings alone. */
export function stripComments(text: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '\\') {
      if (depth === 0) out += text.slice(i, i + 2);
      i += 1;
      continue;
    }
    if (quoted) {
      out += ch;
      if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"' && depth === 0) { quoted = true; out += ch; continue; }
    if (ch === '(') { depth += 1; continue; }
    if (ch === ')' && depth > 0) { depth -= 1; if (depth === 0) out += ' '; continue; }
    if (depth === 0) out += ch;
  }
  return out;
}

/** Split on a separator outside quoted strings. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '\\' && quoted) { current += text.slice(i, i + 2); i += 1; continue; }
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) { parts.push(current); current = ''; continue; }
    current += ch;
  }
  parts.push(current);
  return parts;
}

const unquote = (value: string) => (/^".*"$/s.test(value) ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);

export function parseAuthenticationResults(value: string): AuthenticationResults | null {
  const text = stripComments(value.replace(/\r?\n[ \t]+/g, ' '));
  const [head = '', ...rest] = splitOutsideQuotes(text, ';');
  const authservId = head.trim().split(/\s+/)[0] ?? '';
  if (!authservId) return null;
  const results: RecordedResult[] = [];
  for (const piece of rest) {
    const tokens = piece.trim().split(/\s+/).filter(Boolean);
    const first = /^([A-Za-z0-9_-]+)(?:\/\d+)?=([A-Za-z0-9_-]+)$/.exec(tokens[0] ?? '');
    if (!first) continue; // "none", or something unreadable
    const properties: Record<string, string> = {};
    for (const token of tokens.slice(1)) {
      const eq = token.indexOf('=');
      if (eq > 0) properties[token.slice(0, eq).toLowerCase()] = unquote(token.slice(eq + 1));
    }
    results.push({ method: first[1]!.toLowerCase(), result: first[2]!.toLowerCase(), properties });
  }
  return { authservId, results };
}

export function parseReceivedSpf(value: string): ReceivedSpf | null {
  const text = stripComments(value.replace(/\r?\n[ \t]+/g, ' ')).trim();
  const result = /^([A-Za-z]+)/.exec(text)?.[1]?.toLowerCase();
  if (!result) return null;
  const pairs: Record<string, string> = {};
  for (const part of splitOutsideQuotes(text.slice(result.length), ';')) {
    const m = /^\s*([A-Za-z-]+)\s*=\s*(.*?)\s*$/s.exec(part);
    if (m) pairs[m[1]!.toLowerCase()] = unquote(m[2]!);
  }
  return {
    result,
    clientIp: pairs['client-ip'] || null,
    helo: pairs.helo || null,
    envelopeFrom: pairs['envelope-from'] !== undefined ? pairs['envelope-from'].replace(/^<|>$/g, '') : null,
  };
}
