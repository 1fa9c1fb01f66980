import policy from './policy.ts';
import present from './present.ts';

export const mtaStsChecks = [present, policy];
