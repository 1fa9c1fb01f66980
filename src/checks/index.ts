// The check registry: one explicit list, grouped by area in report order. Each area keeps its
// own index file, so adding a check touches only its area.
import type { CheckDefinition } from '../core/check.ts';
import { mxChecks } from './mx/index.ts';
import { ptrChecks } from './ptr/index.ts';
import { smtpChecks } from './smtp/index.ts';
import { tlsChecks } from './tls/index.ts';
import { relayChecks } from './relay/index.ts';
import { daneChecks } from './dane/index.ts';
import { dnsblChecks } from './dnsbl/index.ts';
import { spfChecks } from './spf/index.ts';
import { dmarcChecks } from './dmarc/index.ts';
import { dkimChecks } from './dkim/index.ts';
import { mtaStsChecks } from './mta-sts/index.ts';
import { tlsRptChecks } from './tls-rpt/index.ts';
import { bimiChecks } from './bimi/index.ts';

export const ALL_CHECKS: readonly CheckDefinition[] = [
  ...mxChecks,
  ...ptrChecks,
  ...smtpChecks,
  ...tlsChecks,
  ...relayChecks,
  ...dnsblChecks,
  ...spfChecks,
  ...dmarcChecks,
  ...dkimChecks,
  ...mtaStsChecks,
  ...tlsRptChecks,
  ...bimiChecks,
  ...daneChecks,
];

const ids = new Set<string>();
for (const check of ALL_CHECKS) {
  if (ids.has(check.id)) throw new Error(`duplicate check id ${check.id}`);
  ids.add(check.id);
}

export function findCheck(id: string): CheckDefinition | undefined {
  return ALL_CHECKS.find((c) => c.id === id);
}
