import present from './present.ts';
import forwardConfirmed from './forward-confirmed.ts';

export const ptrChecks = [present, forwardConfirmed];
