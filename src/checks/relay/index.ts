import open from './open.ts';

export const relayChecks = [open];
