import ip from './ip.ts';
import domain from './domain.ts';

export const dnsblChecks = [ip, domain];
