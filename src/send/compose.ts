// The message a test send carries: composed by nodemailer's MailComposer from --from, --to,
// --subject, --body, --header and --attach, or read from --eml and sent as it is. Either way
// line breaks end up as CRLF, which SMTP requires on the wire (RFC 5321 section 2.3.8) and
// which DKIM signs (RFC 6376 section 3.4: canonicalization works on CRLF lines).
//
// nodemailer is imported inside composeMessage: the header helpers below are used while the
// command line is parsed (and by inspect), which must not load it.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { VERSION } from '../version.ts';

export interface ComposeInput {
  from: string;
  to: string[];
  subject: string | null;
  body: string | null;
  headers: Array<{ key: string; value: string }>;
  attachments: string[];
  date: Date;
}

/** Bare LF (and lone CR) to CRLF, leaving existing CRLF alone. */
export function toCrlf(data: Buffer): Buffer {
  const text = data.toString('latin1');
  if (!/\r(?!\n)|(?<!\r)\n/.test(text)) return data;
  return Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject ?? `smtp-audit test message ${input.date.toISOString()}`,
    text: input.body ?? `This is a test message sent by smtp-audit ${VERSION} on ${input.date.toUTCString()}.\r\n`,
    date: input.date,
    headers: input.headers,
    attachments: input.attachments.map((file) => ({ path: file, filename: basename(file) })),
    newline: 'win',
    disableUrlAccess: true,
  });
  return toCrlf(await composer.compile().build());
}

/** A prepared message, byte for byte apart from line endings. */
export function readEml(file: string): Buffer {
  return toCrlf(readFileSync(file));
}

/** The header block of a message (up to the first empty line), unfolded, as name/value pairs. */
export function headerFields(message: Buffer): Array<{ name: string; value: string }> {
  const text = message.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end < 0 ? text : text.slice(0, end);
  const fields: Array<{ name: string; value: string }> = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      fields[fields.length - 1]!.value += `\r\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1) });
  }
  // decode as UTF-8 now that the structure is known (RFC 6532 allows UTF-8 in header values)
  return fields.map((f) => ({ name: f.name, value: Buffer.from(f.value, 'latin1').toString('utf8') }));
}

/** The addr-spec of the first address in a From-style field: `Name <a@b>` or `a@b`. */
export function firstAddress(value: string): string | null {
  const unfolded = value.replace(/\r?\n[ \t]+/g, ' ');
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(unfolded);
  if (angle) return angle[1]!;
  const bare = /([^\s<>,;:"()]+@[^\s<>,;:"()]+)/.exec(unfolded);
  return bare ? bare[1]! : null;
}
