// One error type with stable codes, mapped to HTTP in one place (http/error-handler.ts).
// Clients get the code and a human sentence, never a stack.
export type ErrorCode =
  | 'validation_failed'
  | 'bad_request'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'forbidden'
  | 'not_found'
  | 'call_not_found'
  | 'transfer_not_found'
  | 'agent_not_found'
  | 'call_already_taken'
  | 'call_conflict'
  | 'transfer_conflict'
  | 'target_unavailable'
  | 'in_use_elsewhere'
  | 'invalid_target'
  | 'rate_limited'
  | 'media_unavailable'
  | 'internal_error';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  bad_request: 400,
  invalid_target: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  call_not_found: 404,
  transfer_not_found: 404,
  agent_not_found: 404,
  call_already_taken: 409,
  call_conflict: 409,
  transfer_conflict: 409,
  target_unavailable: 409,
  in_use_elsewhere: 409,
  rate_limited: 429,
  media_unavailable: 503,
  internal_error: 500,
};

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.statusCode = STATUS[code];
  }
}

export const notFound = (what: 'call' | 'transfer' | 'agent', id: string) =>
  new AppError(`${what}_not_found`, `No ${what} with id ${id}.`);
