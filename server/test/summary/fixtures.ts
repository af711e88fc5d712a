// Shared realistic inputs for the summary tests.
import type { SummaryInput } from '../../src/summary/types.js';

export const RAW_EMAIL = 'jane.doe@example.com';
export const RAW_PHONE = '+1 (415) 555-0123';
export const RAW_PHONE_DIGITS = '14155550123';
export const RAW_CARD = '4111 1111 1111 1111';

export const refundCall: SummaryInput = {
  callerName: 'Jane Doe',
  reason: `I want a refund for order #12345, it arrived broken. Email me at ${RAW_EMAIL}`,
  notes:
    `Caller is upset, third time calling about this. Verified DOB and postcode. ` +
    `Checked tracking: carrier marked it delivered on 2024-03-02. Sent a returns label to her email. ` +
    `Callback number ${RAW_PHONE}. She read out her card ${RAW_CARD} before I could stop her.`,
  callDurationS: 252,
  holdCount: 1,
  fromAgentName: 'Alice',
};

export const loginCall: SummaryInput = {
  callerName: 'Bob Stone',
  reason: "Can't log in to my account, it says locked out",
  notes: 'Reset password twice and resent the reset link, still failing. Ticket TKT-5512 raised.',
  callDurationS: 95,
  holdCount: 0,
  fromAgentName: 'Carol',
  transcript: [
    { speaker: 'caller', text: 'My account number is 88812345 and I keep getting an error.' },
    { speaker: 'agent', text: 'I have checked the account, it shows a 2FA lock.' },
  ],
};
