// Display names of the check areas, for the reporters that show them (table, markdown, diff).
export const AREA_TITLES: Readonly<Record<string, string>> = {
  mx: 'MX', ptr: 'Reverse DNS (PTR)', smtp: 'SMTP', tls: 'TLS', relay: 'Open relay', dnsbl: 'Blocklists',
  spf: 'SPF', dmarc: 'DMARC', dkim: 'DKIM', 'mta-sts': 'MTA-STS', 'tls-rpt': 'TLS-RPT', bimi: 'BIMI', dane: 'DANE',
};

export function areaTitle(area: string): string {
  return AREA_TITLES[area] ?? area;
}
