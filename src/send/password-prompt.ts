// The AUTH password never comes from the command line (where `ps` and shell history would keep
// it): it is read from SMTP_AUDIT_PASSWORD, or asked for on the terminal without echo.

export class PasswordUnavailable extends Error {}

export function passwordFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env.SMTP_AUDIT_PASSWORD;
  return value !== undefined && value !== '' ? value : null;
}

/** Ask on the terminal with echo off; rejects when stdin is not a terminal or on Ctrl-C / Ctrl-D. */
export function promptPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY || typeof input.setRawMode !== 'function') {
    return Promise.reject(new PasswordUnavailable('--auth needs a password: set SMTP_AUDIT_PASSWORD (there is no terminal to ask on)'));
  }
  return new Promise((resolve, reject) => {
    let typed = '';
    output.write(prompt);
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    const finish = (error: Error | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error) reject(error); else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003' || ch === '\u0004') return finish(new PasswordUnavailable('no password given'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}
