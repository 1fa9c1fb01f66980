// Preloaded into the CLI under test: at exit, write the process's peak resident set (VmHWM,
// getrusage ru_maxrss, in KiB) to the file SMTP_AUDIT_TEST_RSS_FILE names.
import { writeFileSync } from 'node:fs';

const file = process.env.SMTP_AUDIT_TEST_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try { writeFileSync(file, String(process.resourceUsage().maxRSS)); } catch { /* the test reports the missing figure */ }
  });
}
