// One error type with stable codes, mapped to HTTP in one place (http/error-handler.ts).
// Clients get the code and a human sentence, never a stack.
import { ERROR_STATUS, type ErrorCode } from '@warmline/contract';
import { MediaError } from './livekit/media.js';
import { PhoneError } from './phone/twilio.js';

// The codes and their statuses are the contract's (contract/src/errors.ts): the console reads the same list.
export type { ErrorCode };

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.statusCode = ERROR_STATUS[code];
  }
}

export const notFound = (what: 'call' | 'transfer' | 'agent', id: string) =>
  new AppError(`${what}_not_found`, `No ${what} with id ${id}.`);

/**
 * Each adapter throws its one typed error (it knows the outside system's failures); this is the
 * one place they become what a client is told. Anything else is not an AppError: null.
 */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof MediaError) return new AppError('media_unavailable', err.message, { cause: err });
  // Twilio's own text may quote the number: the client gets a fixed sentence, the log the cause.
  if (err instanceof PhoneError) {
    const status = err.status ? ` (Twilio ${err.status})` : '';
    return new AppError('phone_unavailable', `The phone network refused or could not be reached${status}; the caller is back with you.`, { cause: err });
  }
  return null;
}
