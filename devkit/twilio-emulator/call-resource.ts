// The Call resource as Twilio's REST API returns it (snake_case JSON, RFC 2822 dates, note §2)
// and Twilio's error body ({code, message, more_info, status}).
import { rfc2822, type EmulatedCall } from './call.js';

export function callResource(call: EmulatedCall, accountSid: string, phoneNumberSid: string): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}.json`;
  const base = uri.slice(0, -'.json'.length);
  const sub = (name: string) => `${base}/${name}.json`;
  return {
    sid: call.sid,
    date_created: rfc2822(call.createdAt),
    date_updated: rfc2822(call.updatedAt),
    parent_call_sid: null,
    account_sid: accountSid,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    phone_number_sid: phoneNumberSid,
    // The resource has no `initiated`; a call being dialled is still queued (note §4).
    status: call.status === 'initiated' ? 'queued' : call.status,
    start_time: call.startTime ? rfc2822(call.startTime) : null,
    end_time: call.endTime ? rfc2822(call.endTime) : null,
    duration: call.ended ? String(call.durationS) : null,
    price: null,
    price_unit: 'USD',
    direction: call.direction,
    answered_by: call.answeredBy,
    annotation: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    uri,
    subresource_uris: {
      feedback: `${base}/Feedback.json`,
      user_defined_messages: sub('UserDefinedMessages'),
      notifications: sub('Notifications'),
      recordings: sub('Recordings'),
      streams: sub('Streams'),
      payments: sub('Payments'),
      user_defined_message_subscriptions: sub('UserDefinedMessageSubscriptions'),
      siprec: sub('Siprec'),
      events: sub('Events'),
      feedback_summaries: `/2010-04-01/Accounts/${accountSid}/Calls/FeedbackSummary.json`,
      transcriptions: sub('Transcriptions'),
    },
  };
}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function twilioError(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
