// Which implementation evaluates check_host() for --ip (src/spf/check-host.ts), named in the
// facts so a saved report says who gave the verdict. Kept apart from check-host.ts so that
// naming it does not load mailauth: only package.json is read.
import { createRequire } from 'node:module';

export const CHECK_HOST_EVALUATOR = `mailauth ${(createRequire(import.meta.url)('mailauth/package.json') as { version: string }).version} (strict RFC 7208 mode)`;
