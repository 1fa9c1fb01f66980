import reachable from './reachable.ts';
import banner from './banner.ts';
import authPlaintext from './auth-plaintext.ts';

export const smtpChecks = [reachable, banner, authPlaintext];
