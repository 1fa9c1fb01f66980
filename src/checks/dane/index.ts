import tlsa from './tlsa.ts';

export const daneChecks = [tlsa];
