// Travel and billing handoffs. Notes are written the way agents type them: terse, abbreviated.
import { handoff, type HandoffCase } from './types.js';

export const TRAVEL_BILLING: HandoffCase[] = [
  handoff(
    'travel-lisbon',
    'travel',
    {
      caller: 'Ana Souza',
      reason: 'My flight got cancelled and I need to get to Lisbon',
      notes:
        'Flight TP1351 on 14 Dec cancelled by the airline. Booking ref QX7P2L. I offered rebooking on TP1353 next morning but she must arrive the same day for a funeral. Needs a supervisor to approve a partner-airline seat, over my authority.',
    },
    {
      want: ['need to get to Lisbon'],
      id: ['TP1351', 'QX7P2L', 'TP1353'],
      date: ['14 Dec', 'next morning', 'same day'],
      attempt: ['offered rebooking on TP1353'],
      result: ['must arrive the same day for a funeral'],
      escalation: ['supervisor to approve a partner-airline seat', 'over my authority'],
    },
  ),
  handoff(
    'travel-hotel-overbooked',
    'travel',
    {
      caller: 'Tom Becker',
      agent: 'Priya',
      reason: "Hotel says my reservation doesn't exist, I'm at the front desk now",
      notes:
        'Booking HX-448120 at Riverside Inn, 3 nights from 12 March, prepaid €486.00. Hotel has no record of it. I called the property twice, no answer on the second try. Caller is standing at reception with two kids. Relocation to a partner hotel above €150/night needs duty manager sign-off.',
    },
    {
      want: ['reservation'],
      id: ['HX-448120'],
      amount: ['€486.00', '€150'],
      date: ['12 March'],
      attempt: ['called the property twice'],
      result: ['no answer on the second try'],
      escalation: ['needs duty manager sign-off'],
    },
  ),
  handoff(
    'travel-lost-bag',
    'travel',
    {
      caller: 'Maria Lopez',
      reason: 'Lost bag on flight BA0287 from San Francisco',
      notes:
        'File ref LHRBA41522, bag tag BA776512. Tracing shows it was left in SFO, expected on tomorrow\'s BA0287 landing 13:40. Her insulin is in the bag. I raised a priority delivery request, still pending. Interim expenses up to £250 are allowed. Please confirm courier delivery to her hotel before 18:00.',
    },
    {
      want: ['Lost bag'],
      id: ['BA0287', 'LHRBA41522', 'BA776512'],
      amount: ['£250'],
      date: ['13:40', '18:00'],
      attempt: ['raised a priority delivery request'],
      result: ['still pending'],
      ask: ['confirm courier delivery to her hotel before 18:00'],
    },
  ),
  handoff(
    'travel-visa-refund',
    'travel',
    {
      caller: 'Kwame Mensah',
      agent: 'Jonas',
      reason: 'Visa was refused, can I get my money back for the train pass?',
      notes:
        'Rail pass order EP-77310-DE bought 2 Feb for €612. Non-refundable fare, but a visa refusal letter may qualify for an exception. Customer emailed the refusal letter on 20 Feb, case CS-55102. I can\'t grant exceptions; the refunds team decides.',
    },
    {
      want: ['money back for the train pass'],
      id: ['EP-77310-DE', 'CS-55102'],
      amount: ['€612'],
      date: ['2 Feb', '20 Feb'],
      escalation: ["I can't grant exceptions"],
    },
  ),
  handoff(
    'billing-double-charge',
    'billing',
    {
      caller: 'Grace Kim',
      reason: 'I was charged twice this month',
      notes:
        'Account 55120987. Two charges of $64.99 on 1 March and 2 March for the Family plan. Second one is a retry after a card decline, bank shows both settled. Issued refund of $64.99 via billing console, ref RFD-90431, but refunds on settled retries need Tier 2 review. She wants it back before her rent is due on Friday.',
    },
    {
      want: ['charged twice', 'before her rent is due on Friday'],
      id: ['55120987', 'RFD-90431'],
      amount: ['$64.99'],
      date: ['1 March', '2 March', 'Friday'],
      attempt: ['Issued refund of $64.99'],
      escalation: ['need Tier 2 review'],
    },
  ),
  handoff(
    'billing-proration',
    'billing',
    {
      caller: 'Oliver Grant',
      agent: 'Sam',
      reason: 'Why is my bill £38 more than usual?',
      notes:
        'Invoice INV-2024-0381 dated 05/04 is £92.40 vs usual £54.40. Plan change on 18 March caused proration of £38.00. Explained the proration; caller disputes it because the upgrade was supposed to be free for 3 months with promo code SPRING3. Promo is not on the account. Only retention can back-date a promo.',
    },
    {
      want: ['bill £38 more than usual'],
      id: ['INV-2024-0381', 'SPRING3'],
      amount: ['£92.40', '£54.40', '£38.00'],
      date: ['05/04', '18 March', '3 months'],
      attempt: ['Explained the proration'],
      result: ['caller disputes it'],
      escalation: ['Only retention can back-date a promo'],
    },
  ),
  handoff(
    'billing-late-fee',
    'billing',
    {
      caller: 'Dan Hartley',
      reason: 'Late fee on our account even though we paid on time',
      notes:
        'Customer ID C-204877 (Hartley Plumbing Ltd). Invoice 33019 for $1,250.00 was due 15 Jan; payment received 16 Jan 09:12 by ACH, trace ACH-7781203. Late fee $45 applied automatically on 16 Jan. Tried to waive it but waivers over $25 need a supervisor. Can you waive the $45 fee and confirm by email to accounts@hartleyplumbing.com?',
    },
    {
      want: ['Late fee'],
      id: ['C-204877', '33019', 'ACH-7781203'],
      amount: ['$1,250.00', '$45', '$25'],
      date: ['15 Jan', '16 Jan', '09:12'],
      attempt: ['Tried to waive it'],
      result: ['waivers over $25 need a supervisor'],
      ask: ['waive the $45 fee'],
    },
    ['accounts@hartleyplumbing.com'],
  ),
  handoff(
    'billing-vat',
    'billing',
    {
      caller: 'Sofia Rossi',
      agent: 'Mark',
      reason: "I'm being charged VAT but I'm a registered business",
      notes:
        'Account 77412290. VAT number GB123456789 added on 10 Feb but invoices since then still show 20% VAT, £18.00 per month. Cleared the tax cache and regenerated the March invoice INV-88213, still shows VAT. Ticket FIN-3391 logged. Needs the finance team to reissue the Feb and March invoices.',
    },
    {
      want: ['charged VAT'],
      id: ['77412290', 'GB123456789', 'INV-88213', 'FIN-3391'],
      amount: ['£18.00', '20%'],
      date: ['10 Feb'],
      attempt: ['regenerated the March invoice'],
      result: ['still shows VAT'],
      escalation: ['finance team to reissue'],
    },
  ),
];
