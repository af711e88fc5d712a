// Every error body is { code, message }; each code has one HTTP status (server/src/errors.ts uses this map).

export const ERROR_STATUS = {
  validation_failed: 400,
  /** Also Fastify's other 4xx (malformed JSON, 413 body too large, 415 content type), with their own status. */
  bad_request: 400,
  invalid_target: 400,
  /** A phone target while TWILIO_* or PUBLIC_URL is not configured. */
  phones_not_configured: 400,
  /** A queueId (a new call's topic, a queue transfer's target) that names no queue. */
  unknown_queue: 400,
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
  internal_error: 500,
  /** Twilio refused or could not be reached; the transfer ended and the caller is back with the agent. */
  phone_unavailable: 502,
  media_unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as readonly ErrorCode[];
