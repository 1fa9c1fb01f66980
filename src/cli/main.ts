// Process entry: run the CLI and exit with its code once output is flushed.
import { runCli } from './program.ts';

// A reader that goes away (`smtp-audit checks | head`) is not an error of ours. Any other
// failure to write (a full disk behind a redirect, EIO on a closed terminal) ends the run with
// one line and exit 2, as every other problem of this kind does: never a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    const which = stream === process.stdout ? 'standard output' : 'standard error';
    try { process.stderr.write(`smtp-audit: cannot write to ${which}: ${error.code ?? error.message}\n`); } catch { /* stderr itself may be gone */ }
    process.exit(2);
  });
}

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
