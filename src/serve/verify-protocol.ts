// The messages between message-verifier.ts (the parent) and verify-worker.ts. All plain data:
// they cross the thread boundary by structured clone.
import type { AuthVerdict } from './auth-verdict.ts';

export interface VerifyRequest {
  type: 'verify';
  job: number;
  /** a spool file the worker reads itself, or the bytes (copied across) */
  source: { file: string } | { bytes: Uint8Array };
  clientIp: string | null;
  helo: string | null;
  mailFrom: string | null;
  authservId: string;
}

export interface LookupAnswer {
  type: 'answer';
  id: number;
  value?: unknown;
  error?: { code: string | undefined; message: string };
}

export type ToWorker = VerifyRequest | LookupAnswer;

export type ToParent =
  /** mailauth is loaded: the time budget of a message starts now */
  | { type: 'ready' }
  | { type: 'lookup'; id: number; name: string; rrtype: string }
  | { type: 'verdict'; job: number; verdict: AuthVerdict }
  | { type: 'failed'; job: number; message: string };
