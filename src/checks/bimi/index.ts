import present from './present.ts';

export const bimiChecks = [present];
