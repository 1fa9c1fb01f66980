// Preloaded into a CLI run the bench measures (node --import ./bench/support/peak-rss.ts):
// when the process exits, its peak resident set size (getrusage's maxrss, the kernel's VmHWM)
// is written to the file named by BENCH_PEAK_RSS_FILE, in KiB.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
