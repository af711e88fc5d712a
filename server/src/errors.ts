// One error type with stable codes, mapped to HTTP in one place (http/error-handler.ts).
// Clients get the code and a human sentence, never a stack.
import { ERROR_STATUS, type ErrorCode } from '@warmline/contract';

// The codes and their statuses are the contract's (contract/src/errors.ts): the console reads the same list.
export type { ErrorCode };

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.statusCode = ERROR_STATUS[code];
  }
}

export const notFound = (what: 'call' | 'transfer' | 'agent', id: string) =>
  new AppError(`${what}_not_found`, `No ${what} with id ${id}.`);
