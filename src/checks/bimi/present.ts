// bimi/present: the domain publishes a valid BIMI Assertion Record at `default._bimi.<domain>`
// (or its organizational domain, the fallback of draft-brand-indicators-for-message-
// identification-12 section 7.2), and its DMARC policy lets BIMI work. Section 4.3 defines the
// record (v=BIMI1 at the very start; l= required, empty or an HTTPS SVG; a= an HTTPS evidence
// document; lps= local-part prefixes, 4.5); 4.3.1 the declination (l= and a= empty); section 7.2
// discards records not starting with v=BIMI1 and stops at several records; section 7.1 steps
// 7-9: no BIMI when the DMARC policy of the domain or its organizational domain is p=none or
// sp=none, or quarantine below pct=100. Syntax only: the indicator and evidence are not fetched.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { appliedPolicy, isEnforcing } from '../../dmarc/applied-policy.ts';
import { isBimiRecord, parseBimi } from '../../parse/bimi-record.ts';
import { isDmarcRecord, parseDmarc } from '../../parse/dmarc-record.ts';

export default defineCheck({
  id: 'bimi/present',
  area: 'bimi',
  titles: {
    pass: 'The domain publishes a valid BIMI record',
    fail: 'The BIMI record is invalid',
    warn: 'The BIMI record cannot take effect',
    info: 'The domain shows no BIMI logo',
    error: 'Could not look up the BIMI record',
  },
  description:
    'Looks up TXT at default._bimi.<domain>, then at default._bimi.<organizational domain>. info: no record (BIMI is ' +
    'optional), or a declination record (l= empty, a= empty or absent; local-part selectors in lps= are noted). fail: ' +
    'several records, or the record is invalid (v=BIMI1 not at the very start, no l=, l= not an HTTPS SVG, a= not HTTPS). ' +
    'warn: the DMARC policy of the domain or its organizational domain is not quarantine or reject (or quarantine below ' +
    'pct=100), so receivers show no logo; lps= prefixes that cannot match; other parser warnings. error: the lookup ' +
    'failed. pass: one valid record and an enforcing DMARC policy. The logo is not fetched.',
  reference: 'draft-brand-indicators-for-message-identification-12 sections 4.3, 4.5, 7.1 and 7.2; RFC 9989 section 4.7',
  targets: ['domain'],
  facts: ['bimi', 'dmarc'],
  run(ctx) {
    const bimi = ctx.fact('bimi');
    const dmarc = ctx.fact('dmarc');
    if (bimi.txt.outcome === 'error') return ctx.undetermined(bimi.name, `TXT lookup failed: ${describeLookupError(bimi.txt)}`);
    let subject = bimi.name;
    let records = bimi.txt.values.filter(isBimiRecord);
    if (records.length === 0 && bimi.fallback) {
      if (bimi.fallback.txt.outcome === 'error') return ctx.undetermined(bimi.fallback.name, `TXT lookup failed: ${describeLookupError(bimi.fallback.txt)}`);
      const inherited = bimi.fallback.txt.values.filter(isBimiRecord);
      if (inherited.length > 0) {
        subject = bimi.fallback.name;
        records = inherited;
        ctx.note(`${bimi.name} has no BIMI record; receivers fall back to ${subject}.`);
      }
    }
    if (records.length === 0) {
      const nearMiss = bimi.txt.values.filter((t) => /bimi/i.test(t));
      for (const text of nearMiss) {
        const why = parseBimi(text).issues.find((i) => i.severity === 'fail')?.message ?? 'it does not begin with v=BIMI1';
        ctx.add('fail', 'not-bimi-record', {
          subject: bimi.name,
          message: `The TXT record at ${bimi.name} looks like BIMI but receivers discard it: ${why}`,
          remediation: 'Begin the record with "v=BIMI1;" exactly (case-sensitive).',
          evidence: [text],
        });
      }
      if (nearMiss.length > 0) return;
      ctx.add('info', 'none', {
        subject: bimi.name,
        message: `${bimi.domain} publishes no BIMI record (${bimi.name}${bimi.fallback ? ` and ${bimi.fallback.name}` : ''}), so mailbox providers show no brand logo.`,
        remediation: `To show a logo, publish "v=BIMI1; l=https://<host>/logo.svg; a=https://<host>/vmc.pem" at ${bimi.name} (an enforcing DMARC policy is required).`,
        evidence: [`${bimi.name}: ${bimi.txt.outcome.toUpperCase()}`],
      });
      return;
    }
    if (records.length > 1) {
      ctx.add('fail', 'multiple-records', {
        subject,
        message: `${subject} has ${records.length} BIMI records; section 7.2 of the BIMI draft then stops BIMI processing.`,
        remediation: 'Keep exactly one "v=BIMI1; ..." record per selector.',
        evidence: records,
      });
      return;
    }
    const text = records[0]!;
    const record = parseBimi(text);
    ctx.note(`${subject}: ${text}`);
    for (const issue of record.issues) {
      ctx.add(issue.severity, issue.code.replace(/^bimi-/, ''), {
        subject,
        message: issue.message,
        remediation: 'Publish "v=BIMI1; l=https://<host>/<logo>.svg" (and a= with the mark certificate, if you have one).',
        evidence: [text],
      });
    }
    if (record.declined) {
      // 4.3.1 example "v=BIMI1; l=; a=; lps=...": decline for the default selector, while mail
      // whose local-part matches a prefix still looks up its own selector (4.5).
      const lps = record.lps === null ? ''
        : record.lps.length === 0 ? '; lps= still sends receivers to a selector named after each sender\'s local-part (section 4.5)'
          : `; lps= still sends receivers to a selector named after the local-part of mail from local-parts beginning with ${record.lps.map((p) => `"${p}"`).join(', ')} (section 4.5)`;
      ctx.add('info', 'declined', {
        subject,
        message: `${subject} is a declination record (empty l= and a=): the domain asks receivers to show no BIMI logo${lps}.`,
        evidence: [text],
      });
      return;
    }

    // Section 1 / 7.1: an enforcing DMARC policy, at the domain and at its organizational domain.
    const applied = appliedPolicy(dmarc);
    const problems: string[] = [];
    if (!applied) {
      problems.push(`no DMARC record applies to ${dmarc.domain}`);
    } else if (!isEnforcing(applied.policy)) {
      problems.push(`the DMARC policy for ${dmarc.domain} is ${applied.policy ?? 'not applied'} (${applied.tag} at _dmarc.${applied.domain})`);
    } else if (applied.policy === 'quarantine' && applied.pct < 100) {
      problems.push(`the DMARC policy for ${dmarc.domain} is quarantine at pct=${applied.pct}, below 100`);
    }
    if (applied && applied.domain !== dmarc.orgDomain) {
      const orgStep = dmarc.walk.find((s) => s.domain === dmarc.orgDomain);
      const orgRecords = orgStep?.txt.values.filter(isDmarcRecord) ?? [];
      const orgPolicy = orgRecords.length === 1 ? parseDmarc(orgRecords[0]!).p : null;
      if (!isEnforcing(orgPolicy)) problems.push(`the organizational domain ${dmarc.orgDomain} has ${orgPolicy ? `p=${orgPolicy}` : 'no single DMARC record'}`);
    }
    if (problems.length > 0) {
      ctx.add('warn', 'dmarc-not-enforcing', {
        subject,
        message: `BIMI requires DMARC at quarantine (pct=100) or reject on the domain and its organizational domain, but ${problems.join(', and ')}; receivers will show no logo.`,
        remediation: 'Raise the DMARC policy to p=quarantine (pct=100) or p=reject first.',
        evidence: [text, ...(applied ? [`_dmarc.${applied.domain}: ${applied.raw}`] : [])],
      });
    }
  },
});
