// Remote text (SMTP banners, reply lines, certificate fields, TXT records) is attacker-chosen.
// Printed raw it could move the cursor, recolour or clear the terminal, set the window title
// or reorder what the reader sees (Trojan Source, CVE-2021-42574). Everything that can do that
// is replaced by a visible escape, so remote text can be shown but never act.

/** Short escapes for the controls people recognise; every other control becomes \xHH or \uHHHH. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

// C0 controls U+0000-U+001F (tab, CR and LF included: a raw CR can overwrite a printed line),
// DEL U+007F, C1 controls U+0080-U+009F (U+009B is CSI on terminals that honour 8-bit controls),
// the Unicode Bidi_Control characters (UAX #9: ALM U+061C, LRM/RLM U+200E/U+200F, embeddings and
// overrides U+202A-U+202E, isolates U+2066-U+2069) and U+FEFF (zero width no-break space / BOM).
// Lone surrogates (half of a UTF-16 pair) are escaped too: they are not text, and some
// terminals and JSON consumers choke on them.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeOne(ch: string): string {
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) return short;
  const cp = ch.charCodeAt(0);
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * Make remote text inert for terminals and logs: every C0 control (tab as `\t`, CR `\r`, LF `\n`,
 * others `\x1b` style), DEL, every C1 control, the bidi controls and U+FEFF become visible
 * escapes, and so do lone surrogates, so the result is always well-formed.
 */
export function sanitizeRemoteText(s: string): string {
  return s.replace(UNSAFE, escapeOne);
}

/** Marker appended by `truncate`; one character so it never pushes a line far past its limit. */
export const ELLIPSIS = '…';

/**
 * Cut `s` to at most `max` UTF-16 code units and append the ellipsis marker when anything was
 * removed. Never splits a surrogate pair. `max` below 0 is treated as 0.
 */
export function truncate(s: string, max: number): string {
  const limit = Math.max(0, Math.floor(max));
  if (s.length <= limit) return s;
  let end = limit;
  // Do not leave the high half of a surrogate pair dangling at the cut.
  const last = s.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return s.slice(0, end) + ELLIPSIS;
}
