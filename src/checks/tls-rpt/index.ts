import present from './present.ts';

export const tlsRptChecks = [present];
