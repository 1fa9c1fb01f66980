import keyRecord from './key-record.ts';
import keyStrength from './key-strength.ts';
import selectors from './selectors.ts';

export const dkimChecks = [selectors, keyStrength, keyRecord];
