// The collector registry: fact key -> collector.
import type { Collector } from '../core/collector.ts';
import { mxCollector } from './mx.ts';
import { ptrCollector } from './ptr.ts';
import { dnsblCollector } from './dnsbl.ts';
import { spfCollector } from './spf.ts';
import { smtpCollector } from './smtp.ts';
import { daneCollector } from './dane.ts';
import { dmarcCollector } from './dmarc.ts';
import { dkimCollector } from './dkim.ts';
import { mtaStsCollector } from './mta-sts.ts';
import { tlsRptCollector } from './tls-rpt.ts';
import { bimiCollector } from './bimi.ts';

export const ALL_COLLECTORS: ReadonlyMap<string, Collector> = new Map<string, Collector>(
  ([mxCollector, ptrCollector, dnsblCollector, spfCollector, smtpCollector, daneCollector, dmarcCollector, dkimCollector, mtaStsCollector, tlsRptCollector, bimiCollector] as Collector[]).map((c) => [c.key, c]),
);
