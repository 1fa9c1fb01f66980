// mta-sts/present: the domain publishes one valid MTA-STS TXT record. RFC 8461 3.1: senders
// look up `_mta-sts.<domain>`, discard records not beginning with "v=STSv1;", and if the number
// left is not exactly one, or it is invalid, "MUST assume the recipient domain does not have an
// available MTA-STS Policy". Without MTA-STS, an attacker on the path can strip STARTTLS and
// read the mail in clear text; publishing it is optional, hence info when absent.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { parseMtaStsTxt } from '../../parse/mta-sts.ts';

export default defineCheck({
  id: 'mta-sts/present',
  area: 'mta-sts',
  titles: {
    pass: 'The domain publishes an MTA-STS record',
    fail: 'The MTA-STS record is unusable',
    warn: 'The MTA-STS record has problems',
    info: 'The domain publishes no MTA-STS record',
    error: 'Could not look up the MTA-STS record',
  },
  description:
    'Looks up TXT at _mta-sts.<domain>. info: no record (MTA-STS is optional; without it STARTTLS can be stripped). ' +
    'fail: several records begin with v=STSv1, the record breaks the RFC 8461 3.1 grammar (no id, bad id, v= not first, ' +
    'an empty field such as ";;", whitespace around "=" or at the end), which senders treat as no policy, or a TXT record ' +
    'there is clearly meant as MTA-STS but does not begin with "v=STSv1;", so senders ignore it. ' +
    'error: the lookup failed. pass: exactly one valid record.',
  reference: 'RFC 8461 section 3.1',
  targets: ['domain'],
  facts: ['mtaSts'],
  run(ctx) {
    const sts = ctx.fact('mtaSts');
    const subject = sts.txtName;
    if (sts.txt.outcome === 'error') return ctx.undetermined(subject, `TXT lookup failed: ${describeLookupError(sts.txt)}`);
    if (sts.records.length === 0) {
      const nearMiss = sts.txt.values.filter((t) => /stsv1/i.test(t));
      if (nearMiss.length > 0) {
        for (const text of nearMiss) {
          const parsed = parseMtaStsTxt(text);
          const why = parsed.issues.find((i) => i.severity === 'fail')?.message ?? 'it does not begin with "v=STSv1;"';
          ctx.add('fail', 'not-sts-record', {
            subject,
            message: `The TXT record at ${subject} looks like MTA-STS but senders discard it: ${why}`,
            remediation: `Publish it as "v=STSv1; id=<1-32 letters and digits>" exactly.`,
            evidence: [text],
          });
        }
        return;
      }
      ctx.add('info', 'none', {
        subject,
        message: `${sts.domain} publishes no MTA-STS record (${subject} is ${sts.txt.outcome.toUpperCase()}), so senders fall back to opportunistic TLS that an attacker can strip.`,
        remediation: `Serve a policy at https://mta-sts.${sts.domain}/.well-known/mta-sts.txt and publish "v=STSv1; id=<version>" at ${subject}.`,
        evidence: [`${subject}: ${sts.txt.outcome.toUpperCase()}`],
      });
      return;
    }
    if (sts.records.length > 1) {
      ctx.add('fail', 'multiple-records', {
        subject,
        message: `${subject} has ${sts.records.length} records beginning with v=STSv1; RFC 8461 3.1 makes senders ignore MTA-STS entirely when there is not exactly one.`,
        remediation: 'Keep a single "v=STSv1; id=..." record and change its id when the policy changes.',
        evidence: sts.records,
      });
      return;
    }
    const record = sts.records[0]!;
    const parsed = parseMtaStsTxt(record);
    for (const issue of parsed.issues) {
      ctx.add(issue.severity, issue.code.replace(/^mta-sts-/, ''), {
        subject,
        message: issue.message,
        remediation: 'Publish the record as "v=STSv1; id=<1-32 letters and digits>", with no spaces around "=".',
        evidence: [record],
      });
    }
    if (parsed.id) ctx.note(`${subject}: ${record} (policy id ${parsed.id})`);
  },
});
