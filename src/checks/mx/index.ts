import present from './present.ts';
import targets from './targets.ts';

export const mxChecks = [present, targets];
