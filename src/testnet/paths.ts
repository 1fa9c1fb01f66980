// Where the shipped fixtures live, from src/testnet or dist/testnet alike.
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const DEMO_ZONES_DIR = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url));
export const TEST_ZONES_DIR = fileURLToPath(new URL('../../fixtures/zones/', import.meta.url));
