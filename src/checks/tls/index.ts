import starttls from './starttls.ts';
import protocol from './protocol.ts';
import certificate from './certificate.ts';

export const tlsChecks = [starttls, protocol, certificate];
