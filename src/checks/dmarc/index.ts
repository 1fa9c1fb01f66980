import externalReporting from './external-reporting.ts';
import pct from './pct.ts';
import policy from './policy.ts';
import present from './present.ts';
import reporting from './reporting.ts';
import singleRecord from './single-record.ts';
import syntax from './syntax.ts';

export const dmarcChecks = [present, singleRecord, syntax, policy, pct, reporting, externalReporting];
