// Fraud and SaaS handoffs. Two callers read out numbers that must stay masked.
import { handoff, type HandoffCase } from './types.js';

export const FRAUD_SAAS: HandoffCase[] = [
  handoff(
    'fraud-card-stolen',
    'fraud',
    {
      caller: 'Peter Novak',
      agent: 'Karen',
      reason: "There are payments on my card I didn't make",
      notes:
        'Card ending 4242. He read out the full number 4242 4242 4242 4242 before I could stop him. Three transactions not recognised: $899.00 at ElectroMart on 5 May 23:14, and $450.00 twice at GiftCardHub on 6 May 00:02. Blocked the card at 14:32 today and ordered a replacement, arrives in 3-5 days. Disputes over $1,000 need the fraud team to open a chargeback case.',
    },
    {
      want: ["payments on my card I didn't make"],
      id: ['4242'],
      amount: ['$899.00', '$450.00', '$1,000'],
      date: ['5 May', '23:14', '6 May', '00:02', '14:32'],
      attempt: ['Blocked the card', 'ordered a replacement'],
      result: ['arrives in 3-5 days'],
      escalation: ['fraud team to open a chargeback case'],
    },
    ['4242 4242 4242 4242'],
  ),
  handoff(
    'fraud-account-takeover',
    'fraud',
    {
      caller: 'Anna Kowalski',
      reason: 'Someone changed my email and password',
      notes:
        'Email on file was changed on 12 Feb at 03:17 from an unknown device. Then a new payee was added and £2,400 sent to an account ending 9921. Caller passed security. Locked online access and reset her credentials. Recovering the £2,400 needs the fraud recovery team.',
    },
    {
      want: ['changed my email and password'],
      id: ['9921'],
      amount: ['£2,400'],
      date: ['12 Feb', '03:17'],
      attempt: ['Locked online access', 'reset her credentials'],
      escalation: ['needs the fraud recovery team'],
    },
  ),
  handoff(
    'fraud-phishing-sms',
    'fraud',
    {
      caller: 'Luis Romero',
      agent: 'Dev',
      reason: 'I clicked a link in a text pretending to be you',
      notes:
        'Got an SMS on 9 Jan about a parcel fee and entered card details on the fake site at about 19:40. Card ending 7719 cancelled at 20:05, no transactions since. Reported the sender to the fraud desk, ref FRD-118027. He asks if his savings account 40-11-22 33445566 is at risk; I cannot see savings from here. Please check the savings account and confirm nothing moved.',
    },
    {
      want: ['clicked a link in a text'],
      id: ['7719', 'FRD-118027', '5566'],
      date: ['9 Jan', '19:40', '20:05'],
      attempt: ['Reported the sender to the fraud desk'],
      result: ['no transactions since'],
      ask: ['check the savings account and confirm nothing moved'],
    },
    ['33445566'],
  ),
  handoff(
    'saas-sso-lockout',
    'saas',
    {
      caller: 'Chris Doyle',
      reason: 'Our whole team is locked out after an SSO change',
      notes:
        'Org ID 448812, workspace acme-prod. Admin changed the SAML certificate at 09:30 UTC; since then every login fails with error SAML-403 invalid signature. 212 users affected. Walked the admin through re-uploading the certificate, same error. Engineering on-call needs to check the IdP metadata cache, ticket ENG-20931 opened as P1.',
    },
    {
      want: ['locked out after an SSO change'],
      id: ['448812', 'SAML-403', 'ENG-20931'],
      date: ['09:30 UTC'],
      attempt: ['re-uploading the certificate'],
      result: ['same error'],
      escalation: ['Engineering on-call needs to check the IdP metadata cache'],
    },
  ),
  handoff(
    'saas-data-export',
    'saas',
    {
      caller: 'Mei Chen',
      agent: 'Lucas',
      reason: 'I need all our data exported before the contract ends',
      notes:
        'Brightline Studio, subscription SUB-7730015, contract ends 31 Jan. Export job EXP-5521 failed twice with error E1042 at 80%. I retried the export with a smaller date range, still E1042. She needs the export by 25 Jan for their migration. Only the data team can run a manual export.',
    },
    {
      want: ['data exported before the contract ends', 'export by 25 Jan'],
      id: ['SUB-7730015', 'EXP-5521', 'E1042'],
      date: ['31 Jan', '25 Jan'],
      attempt: ['retried the export with a smaller date range'],
      result: ['still E1042'],
      escalation: ['Only the data team can run a manual export'],
    },
  ),
  handoff(
    'saas-seat-billing',
    'saas',
    {
      caller: 'Sarah Olsen',
      reason: 'We were billed for 50 seats but only have 32 users',
      notes:
        'Account ACC-20417, annual plan renewed 1 Oct at $18 per seat per month. Renewal invoice INV-51120 for $10,800.00 covers 50 seats. Admin removed 18 seats on 28 Sep, before renewal; I checked the audit log, removals at 16:45 on 28 Sep. I can\'t amend annual contracts. Please raise a credit note for 18 seats and re-send the invoice.',
    },
    {
      want: ['billed for 50 seats but only have 32 users'],
      id: ['ACC-20417', 'INV-51120'],
      amount: ['$18', '$10,800.00'],
      date: ['1 Oct', '28 Sep', '16:45'],
      attempt: ['checked the audit log'],
      result: ['removals at 16:45 on 28 Sep'],
      escalation: ["I can't amend annual contracts"],
      ask: ['raise a credit note for 18 seats'],
    },
  ),
  handoff(
    'saas-api-errors',
    'saas',
    {
      caller: 'Jamal Reed',
      agent: 'Ines',
      reason: 'API returning 500 errors for our checkout',
      notes:
        'Errors since 11:05 CET on /v2/orders, about 30% of calls fail with HTTP 500, request ID req_8XkQ21. Status page is all green. Tried the same call from our test console, same 500. Customer is losing about €2,000 per hour in sales. Needs SRE urgently, incident INC-66190 raised.',
    },
    {
      want: ['500 errors for our checkout'],
      id: ['req_8XkQ21', 'INC-66190'],
      amount: ['€2,000'],
      date: ['11:05 CET'],
      attempt: ['Tried the same call from our test console'],
      result: ['same 500'],
      escalation: ['Needs SRE urgently'],
    },
  ),
];
