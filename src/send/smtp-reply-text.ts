// Reading a server reply as recorded in a send report ("550-5.7.1 first line\n550 5.7.1 last"):
// its code, its enhanced status code (RFC 3463, carried per RFC 2034) and its text without
// either, for the hints to match words against.

export interface ReplyParts {
  /** the three-digit reply code; 0 when the text is not a reply */
  code: number;
  /** "5.7.1", when the first line carries one whose class agrees with the code (RFC 2034 section 4) */
  enhanced: string | null;
  /** every line's text after the code and the enhanced status code, joined with spaces */
  text: string;
}

const LINE = /^(\d{3})[ -]?(?:([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$))?\s*(.*)$/;

export function replyParts(reply: string | null | undefined): ReplyParts {
  const lines = (reply ?? '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = LINE.exec(lines[0]?.trim() ?? '');
  if (!first) return { code: 0, enhanced: null, text: lines.join(' ').trim() };
  const code = Number(first[1]);
  const enhanced = first[2] && first[2] === first[1]![0] ? `${first[2]}.${first[3]}.${first[4]}` : null;
  const text = lines.map((line) => {
    const m = LINE.exec(line.trim());
    return m ? m[5]! : line.trim();
  }).join(' ').replace(/\s+/g, ' ').trim();
  return { code, enhanced, text };
}
