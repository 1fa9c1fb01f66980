// Preloaded into the bin by test/cli/bulk-heap.test.ts: at exit, writes the process's node
// arguments and PID to the file SMTP_AUDIT_TEST_EXEC_ARGV names, so the test sees which flags
// the program ended up running with.
import { writeFileSync } from 'node:fs';

const file = process.env.SMTP_AUDIT_TEST_EXEC_ARGV;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify({ pid: process.pid, execArgv: process.execArgv })));
