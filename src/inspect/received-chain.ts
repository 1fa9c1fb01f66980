// The route a message took, from its Received trace fields. Each server that handles a message
// adds one on top (RFC 5321 section 4.4), so read bottom-up they are the hops in order:
//
//   Received: from <helo> (<rDNS> [<ip>]) by <host> (<comment>) with <protocol> id <id>
//             for <rcpt>; <date-time>
//
// Only the date after the last ";" is required (RFC 5322 section 3.6.7); everything else is
// optional, in any order, and free to carry comments. Protocol names ending in S or SA mean the
// hop used TLS (RFC 3848, RFC 8314 section 7); many servers also name the TLS version and
// cipher in a comment, which we pick up when it is there.

export interface ReceivedHop {
  /** 1 = the first server the message reached */
  index: number;
  from: string | null;
  /** the address the connection came from, from the TCP-info comment or an address literal */
  fromIp: string | null;
  /** the reverse DNS name the receiving server recorded, when it gave one */
  fromRdns: string | null;
  by: string | null;
  with: string | null;
  id: string | null;
  for: string | null;
  tls: { used: boolean; version: string | null; cipher: string | null } | null;
  /** ISO time of the hop, null when the date is missing or cannot be read */
  time: string | null;
  dateText: string | null;
  /** ms since the previous hop (or since the Date field for the first); negative means clock skew */
  delayMs: number | null;
  /** the whole field value, unfolded */
  raw: string;
}

interface Token { word: string; comments: string[] }

/** Split a Received value (without the date) into words, each with the comments that follow it. */
function tokenize(text: string): { leading: string[]; tokens: Token[] } {
  const leading: string[] = [];
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) { i += 1; continue; }
    if (ch === '(') {
      let depth = 0;
      let j = i;
      for (; j < text.length; j += 1) {
        if (text[j] === '\\') { j += 1; continue; }
        if (text[j] === '(') depth += 1;
        else if (text[j] === ')') { depth -= 1; if (depth === 0) break; }
      }
      const comment = text.slice(i + 1, j).trim();
      if (tokens.length > 0) tokens[tokens.length - 1]!.comments.push(comment); else leading.push(comment);
      i = j + 1;
      continue;
    }
    let j = i;
    if (ch === '<') {
      j = text.indexOf('>', i);
      j = j < 0 ? text.length : j + 1;
    } else if (ch === '[') {
      j = text.indexOf(']', i);
      j = j < 0 ? text.length : j + 1;
    } else {
      while (j < text.length && !/[\s(]/.test(text[j]!)) j += 1;
    }
    tokens.push({ word: text.slice(i, j), comments: [] });
    i = j;
  }
  return { leading, tokens };
}

const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/;

/** The connecting address: the last address literal in the TCP-info, or the from value itself. */
function addressIn(text: string): string | null {
  const literals = [...text.matchAll(/\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/g)].map((m) => m[1]!);
  if (literals.length > 0) return literals[literals.length - 1]!;
  const v4 = IPV4.exec(text);
  return v4 ? v4[0] : null;
}

function tlsFrom(protocol: string | null, text: string): ReceivedHop['tls'] {
  // Postfix: "(using TLSv1.3 with cipher X ...)"; Sendmail/Gmail: "(version=TLS1_3 cipher=X ...)";
  // Exim: "with esmtps (TLS1.3) tls X".
  const version = /\b(TLS\s?v?1[._][0-3]|TLSv1|SSLv3)(?![\w-]|\.[A-Za-z0-9])/i.exec(text)?.[1] ?? null;
  const cipher = /\bcipher[=\s]+([A-Za-z0-9_-]{6,})/i.exec(text)?.[1] ?? /\b(TLS_[A-Z0-9_]{6,}|(?:ECDHE|DHE)-[A-Z0-9-]{6,})\b/.exec(text)?.[1] ?? null;
  const byProtocol = protocol ? /^(?:E|UTF8)?(?:SMTP|LMTP)S(?:A)?$/i.test(protocol) : false;
  if (!byProtocol && !version && !cipher) return protocol ? { used: false, version: null, cipher: null } : null;
  return { used: true, version: version ? version.replace(/\s/g, '').replace(/_/g, '.').replace(/^TLS(?!v)/i, 'TLSv') : null, cipher };
}

/** One Received field value (unfolded) into its parts. `index` and `delayMs` are set by the caller. */
export function parseReceived(value: string): Omit<ReceivedHop, 'index' | 'delayMs'> {
  const raw = value.replace(/\r?\n[ \t]+/g, ' ').replace(/\s+/g, ' ').trim();
  const semicolon = raw.lastIndexOf(';');
  const clauses = semicolon >= 0 ? raw.slice(0, semicolon) : raw;
  const dateText = semicolon >= 0 ? raw.slice(semicolon + 1).trim() || null : null;
  const { tokens } = tokenize(clauses);
  const fields: Record<string, Token | undefined> = {};
  const keywords = new Set(['from', 'by', 'via', 'with', 'id', 'for']);
  // Words that are not the values of from/by/via/id/for, and every comment: where TLS details
  // are written (so a host named tls12.example is never read as a TLS version).
  const loose: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const key = tokens[i]!.word.toLowerCase();
    loose.push(...tokens[i]!.comments);
    if (keywords.has(key) && !fields[key] && i + 1 < tokens.length) {
      fields[key] = tokens[i + 1];
      i += 1;
      loose.push(...tokens[i]!.comments);
      if (key === 'with') loose.push(tokens[i]!.word);
    } else {
      loose.push(tokens[i]!.word);
    }
  }
  const from = fields.from ?? null;
  const fromComment = from ? from.comments.join(' ') : '';
  // The TCP-info comment names the address the connection really came from; a literal in the
  // from clause itself is only what the client said in HELO.
  const fromIp = from ? addressIn(fromComment) ?? (/^\[/.test(from.word) ? addressIn(from.word) : null) : null;
  let fromRdns: string | null = null;
  if (from) {
    const named = /^([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,})(?:\s|$|\[)/.exec(fromComment.replace(/^helo=\S+\s*/i, ''));
    if (named && named[1]!.toLowerCase() !== 'unknown') fromRdns = named[1]!;
  }
  const protocol = fields.with?.word ?? null;
  const parsed = dateText ? Date.parse(dateText.replace(/\([^)]*\)/g, '').trim()) : NaN;
  return {
    from: from?.word ?? null,
    fromIp,
    fromRdns,
    by: fields.by?.word ?? null,
    with: protocol,
    id: fields.id?.word.replace(/^<|>$/g, '') ?? null,
    for: fields.for?.word.replace(/^<|>$/g, '') ?? null,
    tls: tlsFrom(protocol, loose.join(' ')),
    time: Number.isNaN(parsed) ? null : new Date(parsed).toISOString(),
    dateText,
    raw,
  };
}

/**
 * The hops in route order (oldest first) from the Received values as they appear in the
 * message (newest first), with the delay of each hop after the one before it; the first hop's
 * delay is measured from `originDate` (the Date field) when that is readable.
 */
export function traceRoute(receivedTopDown: string[], originDate: string | null): ReceivedHop[] {
  const hops = [...receivedTopDown].reverse().map((value, i) => ({ index: i + 1, delayMs: null as number | null, ...parseReceived(value) }));
  const origin = originDate ? Date.parse(originDate.replace(/\([^)]*\)/g, '').trim()) : NaN;
  let previous: number | null = Number.isNaN(origin) ? null : origin;
  for (const hop of hops) {
    const at = hop.time ? Date.parse(hop.time) : null;
    hop.delayMs = at !== null && previous !== null ? at - previous : null;
    if (at !== null) previous = at;
  }
  return hops;
}
