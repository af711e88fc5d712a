// Membership and payments handoffs.
import { handoff, type HandoffCase } from './types.js';

export const MEMBERSHIP_PAYMENTS: HandoffCase[] = [
  handoff(
    'membership-gym-freeze',
    'membership',
    {
      caller: 'Ryan Walsh',
      reason: 'I want to freeze my gym membership, I broke my leg',
      notes:
        'Member no. GYM-302114, Premium plan £54.99/month, minimum term ends 31 Aug. Medical freeze is allowed for up to 3 months with a doctor\'s note; he emailed the note on 4 Jun. Tried to apply the freeze, the system blocks freezes inside the minimum term. Next payment £54.99 on 1 Jul. Only the membership manager can override the block.',
    },
    {
      want: ['freeze my gym membership'],
      id: ['GYM-302114'],
      amount: ['£54.99'],
      date: ['31 Aug', '3 months', '4 Jun', '1 Jul'],
      attempt: ['Tried to apply the freeze'],
      result: ['system blocks freezes inside the minimum term'],
      escalation: ['Only the membership manager can override the block'],
    },
  ),
  handoff(
    'membership-auto-renewal',
    'membership',
    {
      caller: 'Julia Berg',
      agent: 'Tom',
      reason: 'I was auto-renewed for a year without warning',
      notes:
        'Account 8812-40017, annual membership auto-renewed 2 Jan for $129.00. Reminder email was sent 3 Dec per logs, she says she never received it. Refunds are allowed within 14 days of renewal; today is day 16. I can\'t override the 14-day window. She would accept a pro-rata refund.',
    },
    {
      want: ['auto-renewed for a year without warning', 'pro-rata refund'],
      id: ['8812-40017'],
      amount: ['$129.00'],
      date: ['2 Jan', '3 Dec', '14 days', 'day 16'],
      escalation: ["I can't override the 14-day window"],
    },
  ),
  handoff(
    'membership-miles',
    'membership',
    {
      caller: 'Victor Hugo Lima',
      reason: 'My 40,000 airline miles disappeared',
      notes:
        'Frequent flyer 77120493, Gold tier. Balance went from 41,250 to 1,250 on 30 Sep: 40,000 miles redeemed for an award ticket, booking RX9K2P, that he says he never booked. Password was changed 29 Sep. Locked the account. Reinstating the miles needs the loyalty fraud team.',
    },
    {
      want: ['miles disappeared'],
      id: ['77120493', 'RX9K2P'],
      amount: ['40,000', '41,250', '1,250'],
      date: ['30 Sep', '29 Sep'],
      attempt: ['Locked the account'],
      escalation: ['needs the loyalty fraud team'],
    },
  ),
  handoff(
    'membership-club-upgrade',
    'membership',
    {
      caller: 'Olga Ivanova',
      agent: 'Sam',
      reason: 'I paid for the family upgrade but my kids still cannot get in',
      notes:
        'Membership WM-55012, upgraded to Family on 6 May for an extra £20/month, payment ref PAY-880241 succeeded. Kids\' cards show "inactive". Re-synced the cards twice, still inactive. Please reissue the two child cards and post them first class.',
    },
    {
      want: ['kids still cannot get in'],
      id: ['WM-55012', 'PAY-880241'],
      amount: ['£20'],
      date: ['6 May'],
      attempt: ['Re-synced the cards twice'],
      result: ['still inactive'],
      ask: ['reissue the two child cards'],
    },
  ),
  handoff(
    'payments-transfer-missing',
    'payments',
    {
      caller: 'Bruno Costa',
      reason: 'I sent money abroad and it never arrived',
      notes:
        'Transfer TRX-20240611-0042, €2,500.00 to a Portuguese IBAN ending 0154, sent 11 Jun, completed on our side 12 Jun. Recipient bank says nothing received. I requested a SWIFT trace at 15:20, ref SWT-77120, answer takes 2-5 business days. He needs the money for a house deposit due 20 Jun. A recall needs payments operations approval.',
    },
    {
      want: ['never arrived', 'house deposit due 20 Jun'],
      id: ['TRX-20240611-0042', '0154', 'SWT-77120'],
      amount: ['€2,500.00'],
      date: ['11 Jun', '12 Jun', '15:20', '20 Jun'],
      attempt: ['requested a SWIFT trace'],
      result: ['answer takes 2-5 business days'],
      escalation: ['recall needs payments operations approval'],
    },
  ),
  handoff(
    'payments-merchant-payout',
    'payments',
    {
      caller: 'Camille Laurent',
      agent: 'Ada',
      reason: 'Our payouts have been on hold for a week',
      notes:
        'Merchant ID M-5520173. Payouts paused since 3 Mar after a risk review flagged 14 refunds totalling $2,180 on 2 Mar. Pending payout balance $7,942.55. Merchant uploaded invoices on 4 Mar, ticket RISK-8841. I can\'t lift risk holds. Please ask risk to prioritise the review; the merchant has payroll on 10 Mar.',
    },
    {
      want: ['payouts have been on hold'],
      id: ['M-5520173', 'RISK-8841'],
      amount: ['$2,180', '$7,942.55'],
      date: ['3 Mar', '2 Mar', '4 Mar', '10 Mar'],
      escalation: ["I can't lift risk holds"],
      ask: ['ask risk to prioritise the review'],
    },
  ),
  handoff(
    'payments-direct-debit',
    'payments',
    {
      caller: 'Kate Doherty',
      reason: "A direct debit was taken twice and now I'm overdrawn",
      notes:
        'Mandate DD-118830. Collected £120.00 on 1 Apr and again on 2 Apr, a duplicate from the biller. Customer overdrawn by £64.20 and the bank charged a £15 fee. Raised a Direct Debit Guarantee claim for the second £120.00, ref DDG-55012, paid within 2 working days. She wants the £15 fee covered too. Can you check if we can make a goodwill payment?',
    },
    {
      want: ['taken twice', '£15 fee covered'],
      id: ['DD-118830', 'DDG-55012'],
      amount: ['£120.00', '£64.20', '£15'],
      date: ['1 Apr', '2 Apr', '2 working days'],
      attempt: ['Raised a Direct Debit Guarantee claim'],
      result: ['paid within 2 working days'],
      ask: ['check if we can make a goodwill payment'],
    },
  ),
  handoff(
    'payments-card-declined',
    'payments',
    {
      caller: 'Tomasz Wrobel',
      agent: 'Mia',
      reason: 'My card keeps getting declined at checkout',
      notes:
        'Card ending 1881, declines since 09:00 today with reason code 05. Card not blocked, limit fine, balance £3,210. Sent a test authorisation for £1, declined with 05 again. Looks like an issuer-side flag. Card services must clear the flag; customer is paying for a flight at 16:00.',
    },
    {
      want: ['declined at checkout'],
      id: ['1881', '05'],
      amount: ['£3,210', '£1'],
      date: ['09:00', '16:00'],
      attempt: ['Sent a test authorisation for £1'],
      result: ['declined with 05 again'],
      escalation: ['Card services must clear the flag'],
    },
  ),
];
