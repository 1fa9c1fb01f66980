// Preloaded (--import) into a child process by test/cli/lazy-loading.test.ts: records every
// module the process resolves and writes the list, as JSON, to the file named by
// SMTP_AUDIT_MODULE_TRACE when the process exits. What a command loads is checked from this
// list, not from timings, so the test is exact on a loaded machine.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const target = process.env.SMTP_AUDIT_MODULE_TRACE;
const seen = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    seen.add(result.url);
    return result;
  },
});
if (target) process.on('exit', () => writeFileSync(target, JSON.stringify([...seen])));
