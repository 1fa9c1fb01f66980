// Progress on stderr while audits run: an ora spinner on a real, sized terminal, and nothing
// at all otherwise. ora and its dependencies are loaded only when a spinner will be shown, so
// piped and CI runs (the common case for bulk audits) never pay for them.

export interface Progress {
  set text(value: string);
  /** Take the spinner off the line so that other output can be written. */
  clear(): void;
  /** Draw it again after other output. */
  render(): void;
  stop(): void;
}

const SILENT: Progress = { set text(_value: string) {}, clear() {}, render() {}, stop() {} };

/** The spinner goes to stderr only when it is a real, sized terminal and --verbose is off. */
export function spinnerWanted(stderr: NodeJS.WriteStream, verbose: boolean): boolean {
  // a terminal that reports no width (a pty nobody sized) makes ora's line arithmetic spin
  return stderr.isTTY === true && (stderr.columns ?? 0) > 0 && !verbose;
}

export async function startProgress(stderr: NodeJS.WriteStream, verbose: boolean, text: string): Promise<Progress> {
  if (!spinnerWanted(stderr, verbose)) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: stderr, text }).start();
  return {
    set text(value: string) { spinner.text = value; },
    clear: () => { spinner.clear(); },
    render: () => { spinner.render(); },
    stop: () => { spinner.stop(); },
  };
}
