// A usage error: printed as one line, exit code 2 (docs/contract.md).
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
