// Telecom and insurance handoffs, including one whose caller only spoke (no typed reason).
import { handoff, type HandoffCase } from './types.js';

export const TELECOM_INSURANCE: HandoffCase[] = [
  handoff(
    'telecom-no-signal',
    'telecom',
    {
      caller: 'Raj Patel',
      agent: 'Chloe',
      reason: 'No mobile signal at home since Tuesday',
      notes:
        'Number ending 4471. Mast LS-0931 has a planned outage until 28 May per network status. Did a network reset and re-provisioned the SIM remotely, still SOS only. Customer works from home and needs calls for work. Wi-Fi calling is not supported on his handset. He wants a signal booster or compensation, that is for the retention desk.',
    },
    {
      want: ['No mobile signal', 'signal booster or compensation'],
      id: ['4471', 'LS-0931'],
      date: ['Tuesday', '28 May'],
      attempt: ['re-provisioned the SIM'],
      result: ['still SOS only'],
      escalation: ['for the retention desk'],
    },
  ),
  handoff(
    'telecom-porting',
    'telecom',
    {
      caller: 'Emma Wilson',
      reason: 'My number port from my old network failed',
      notes:
        'Port request PRT-5563021 submitted 3 June, rejected 4 June with reject code 6E (account number mismatch). PAC is valid until 30 June. I resubmitted with the corrected account number, rejected again with 6E. The porting team must contact the donor network directly.',
    },
    {
      want: ['number port'],
      id: ['PRT-5563021', '6E'],
      date: ['3 June', '4 June', '30 June'],
      attempt: ['resubmitted with the corrected account number'],
      result: ['rejected again'],
      escalation: ['porting team must contact the donor network'],
    },
  ),
  handoff(
    'telecom-broadband-speed',
    'telecom',
    {
      caller: 'Lena Fischer',
      agent: 'Omar',
      reason: 'Paying for 500 Mbps but getting 40',
      notes:
        'Line ID BB-300-884120. Speed tests 38-42 Mbps wired on 2 Nov and 3 Nov. Updated router firmware to 4.2.1, no change. Line test shows noise, fault code LN-207. First engineer slot is 9 Nov 08:00-13:00 but she needs a Saturday. Please book the engineer and credit £15 for the slow period if policy allows.',
    },
    {
      want: ['500 Mbps but getting 40'],
      id: ['BB-300-884120', 'LN-207'],
      amount: ['£15'],
      date: ['2 Nov', '3 Nov', '9 Nov', 'Saturday'],
      attempt: ['Updated router firmware'],
      result: ['no change'],
      ask: ['book the engineer and credit £15'],
    },
  ),
  handoff(
    'telecom-roaming',
    'telecom',
    {
      caller: 'Noah Brown',
      reason: 'Huge roaming bill after my trip to Canada',
      notes:
        'Account 600183224. Roaming charges of $412.37 between 8 Aug and 15 Aug in Canada. Caller bought the $10/day travel pass on 7 Aug but it never activated, order TP-882310 still pending. I applied a $100 courtesy credit, my maximum. Caller wants the full roaming charge removed.',
    },
    {
      want: ['roaming bill', 'full roaming charge removed'],
      id: ['600183224', 'TP-882310'],
      amount: ['$412.37', '$10', '$100'],
      date: ['8 Aug', '15 Aug', '7 Aug'],
      attempt: ['applied a $100 courtesy credit'],
      escalation: ['my maximum'],
    },
  ),
  handoff(
    'telecom-outage-spoken',
    'telecom',
    {
      caller: 'Helen Marsh',
      agent: 'Ben',
      reason: '',
      notes:
        'Outage ticket OUT-4410 for exchange KX-12 covers her address, ETA 18:00 today. She runs a care home and needs a 4G backup router sent today; I can\'t authorise couriers.',
      transcript: [
        { speaker: 'caller', text: 'Hi, our internet has been down since last night, account 22019934.' },
        { speaker: 'agent', text: 'I ran a remote line test at 08:12, it shows no sync.' },
      ],
    },
    {
      want: ['internet has been down since last night', 'backup router sent today'],
      id: ['OUT-4410', 'KX-12', '22019934'],
      date: ['18:00', '08:12'],
      attempt: ['ran a remote line test'],
      result: ['no sync'],
      escalation: ["I can't authorise couriers"],
    },
  ),
  handoff(
    'insurance-water-claim',
    'insurance',
    {
      caller: 'Fatima Noor',
      reason: 'Claim for water damage, nobody has called me back',
      notes:
        'Policy HP-4471203, claim CLM-2291-A opened 2 Sep for a burst pipe in the kitchen. Loss adjuster visit promised within 5 working days, none booked. Plumber estimate £3,870. She has been without a kitchen for 3 weeks. I chased the adjuster team by email on 20 Sep, no reply. She wants an adjuster date today and asks about alternative accommodation (policy limit £5,000). A claims handler must authorise accommodation.',
    },
    {
      want: ['nobody has called me back', 'adjuster date today'],
      id: ['HP-4471203', 'CLM-2291-A'],
      amount: ['£3,870', '£5,000'],
      date: ['2 Sep', '5 working days', '20 Sep', '3 weeks'],
      attempt: ['chased the adjuster team by email'],
      result: ['no reply'],
      escalation: ['claims handler must authorise accommodation'],
    },
  ),
  handoff(
    'insurance-windscreen',
    'insurance',
    {
      caller: 'George Evans',
      agent: 'Nina',
      reason: 'My windscreen repair claim was refused',
      notes:
        'Motor policy MTR-9921843. Windscreen chip claim WS-40217 declined on 11 Oct because glass cover shows as not included. His renewal document from 1 July lists glass cover with a £65 excess. Our system shows the add-on lapsed at renewal. Underwriting must check the renewal and reopen the claim.',
    },
    {
      want: ['windscreen repair claim was refused'],
      id: ['MTR-9921843', 'WS-40217'],
      amount: ['£65'],
      date: ['11 Oct', '1 July'],
      escalation: ['Underwriting must check the renewal'],
    },
  ),
  handoff(
    'insurance-travel-medical',
    'insurance',
    {
      caller: 'Isabel Garcia',
      reason: 'My husband is in hospital in Spain, the insurer needs to pay the hospital',
      notes:
        'Travel policy TRV-0038812. Husband admitted 14 Apr to a private hospital in Malaga, hospital case HQ-55-2010. Hospital wants a €4,200 guarantee of payment by 17:00 local time or he is moved to a public hospital. I emailed the medical assistance team at 14:10, automated reply only. Medical assistance has authority for guarantees, I do not.',
    },
    {
      want: ['insurer needs to pay the hospital'],
      id: ['TRV-0038812', 'HQ-55-2010'],
      amount: ['€4,200'],
      date: ['14 Apr', '17:00', '14:10'],
      attempt: ['emailed the medical assistance team'],
      result: ['automated reply only'],
      escalation: ['Medical assistance has authority for guarantees'],
    },
  ),
];
