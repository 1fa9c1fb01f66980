// What every interop MTA module gives the suite.
import type { Daemon } from '../support/daemons.ts';
import type { MtaSite } from '../support/network.ts';
import type { SuitePki } from '../support/pki.ts';

export interface MtaStart {
  site: MtaSite;
  /** the MTA's own folder under the suite's work root */
  dir: string;
  pki: SuitePki;
  /** the suite's BIND, for the MTA's resolver */
  nameserver: string;
}

export interface RunningMta {
  site: MtaSite;
  daemon: Daemon;
  /** log lines that show a message transfer (DATA or BDAT) started or a message was accepted */
  messageTransfers(): string[];
  stop(): Promise<void>;
}
