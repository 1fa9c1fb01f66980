// tls-rpt/present: the domain publishes one valid SMTP TLS Reporting record. RFC 8460 3: senders
// look up `_smtp._tls.<domain>`, discard records not beginning with "v=TLSRPTv1;", and if the
// number left is not one, "MUST assume that the recipient domain does not implement TLSRPT".
// Without it, failures of MTA-STS or DANE (and STARTTLS downgrades they detect) go unreported.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { isTlsRptRecord, parseTlsRpt } from '../../parse/tls-rpt-record.ts';

export default defineCheck({
  id: 'tls-rpt/present',
  area: 'tls-rpt',
  titles: {
    pass: 'The domain publishes a valid TLS-RPT record',
    fail: 'The TLS-RPT record is invalid',
    warn: 'The TLS-RPT record has problems',
    info: 'The domain publishes no TLS-RPT record',
    error: 'Could not look up the TLS-RPT record',
  },
  description:
    'Looks up TXT at _smtp._tls.<domain>. info: no record (TLS failures go unreported). fail: several records begin ' +
    'with v=TLSRPTv1, the record breaks the RFC 8460 3 grammar (no rua, malformed or unsupported URIs, an empty field ' +
    'such as ";;", whitespace around "=" or at the end), which senders treat as no TLSRPT, or a TXT record there is meant as ' +
    'TLS-RPT but does not begin with "v=TLSRPTv1;". warn: other parser warnings. error: the lookup failed. ' +
    'pass: one valid record; the report addresses are noted.',
  reference: 'RFC 8460 section 3',
  targets: ['domain'],
  facts: ['tlsRpt'],
  run(ctx) {
    const rpt = ctx.fact('tlsRpt');
    const subject = rpt.name;
    if (rpt.txt.outcome === 'error') return ctx.undetermined(subject, `TXT lookup failed: ${describeLookupError(rpt.txt)}`);
    const records = rpt.txt.values.filter(isTlsRptRecord);
    const nearMiss = rpt.txt.values.filter((t) => !isTlsRptRecord(t) && /tlsrpt/i.test(t));
    if (records.length === 0 && nearMiss.length === 0) {
      ctx.add('info', 'none', {
        subject,
        message: `${rpt.domain} publishes no TLS-RPT record (${subject} is ${rpt.txt.outcome.toUpperCase()}), so senders do not report TLS failures delivering to it.`,
        remediation: `Publish "v=TLSRPTv1; rua=mailto:tls-reports@${rpt.domain}" at ${subject}.`,
        evidence: [`${subject}: ${rpt.txt.outcome.toUpperCase()}`],
      });
      return;
    }
    if (records.length > 1) {
      ctx.add('fail', 'multiple-records', {
        subject,
        message: `${subject} has ${records.length} records beginning with v=TLSRPTv1; RFC 8460 3 makes senders treat the domain as not implementing TLS-RPT.`,
        remediation: 'Merge them into one record with all rua URIs, comma-separated.',
        evidence: records,
      });
      return;
    }
    for (const text of [...records, ...nearMiss]) {
      const parsed = parseTlsRpt(text);
      if (!isTlsRptRecord(text) && !parsed.issues.some((i) => i.severity === 'fail')) {
        ctx.add('fail', 'not-tlsrpt-record', {
          subject,
          message: `The TXT record at ${subject} looks like TLS-RPT but does not begin with "v=TLSRPTv1;", so senders discard it.`,
          remediation: 'Begin the record with "v=TLSRPTv1;" exactly.',
          evidence: [text],
        });
      }
      for (const issue of parsed.issues) {
        ctx.add(issue.severity, issue.code.replace(/^tlsrpt-/, ''), {
          subject,
          message: issue.message,
          remediation: 'Publish the record as "v=TLSRPTv1; rua=mailto:<address>" (https: URIs are allowed too).',
          evidence: [text],
        });
      }
      if (isTlsRptRecord(text) && parsed.rua.some((u) => u.valid)) {
        ctx.note(`TLS reports go to ${parsed.rua.filter((u) => u.valid).map((u) => u.uri).join(', ')}.`);
      }
    }
  },
});
