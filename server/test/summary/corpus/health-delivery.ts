// Health and delivery handoffs.
import { handoff, type HandoffCase } from './types.js';

export const HEALTH_DELIVERY: HandoffCase[] = [
  handoff(
    'health-prescription',
    'health',
    {
      caller: 'Margaret Hill',
      agent: 'Tariq',
      reason: "My repeat prescription hasn't been sent to the pharmacy",
      notes:
        'Patient DOB checked, NHS number ending 5521. Repeat requested 2 May, GP approval pending since 3 May. Pharmacy has nothing. Patient has 2 tablets left. I messaged the practice pharmacist at 10:15, no response yet. A clinician needs to authorise an urgent supply.',
    },
    {
      want: ['repeat prescription'],
      id: ['5521'],
      date: ['2 May', '3 May', '10:15'],
      attempt: ['messaged the practice pharmacist'],
      result: ['no response yet'],
      escalation: ['clinician needs to authorise an urgent supply'],
    },
  ),
  handoff(
    'health-mri-appointment',
    'health',
    {
      caller: 'David Okafor',
      reason: 'I need to move my MRI appointment',
      notes:
        'Referral REF-MRI-30981, MRI knee booked 14 Nov at 08:20. Patient starts chemo on 13 Nov and cannot attend. I checked the booking system, next free slots are 2 Dec and 9 Dec. Consultant wants the scan before 25 Nov. Only the radiology booking team can add an overbook slot.',
    },
    {
      want: ['move my MRI appointment'],
      id: ['REF-MRI-30981'],
      date: ['14 Nov', '08:20', '13 Nov', '2 Dec', '9 Dec', '25 Nov'],
      attempt: ['checked the booking system'],
      result: ['next free slots are 2 Dec and 9 Dec'],
      escalation: ['Only the radiology booking team can add an overbook slot'],
    },
  ),
  handoff(
    'health-hospital-bill',
    'health',
    {
      caller: 'Linda Park',
      agent: 'Rosa',
      reason: 'Hospital bill that my insurance should cover',
      notes:
        'Statement account H-77120334, date of service 3 Jan, balance $1,842.16. Claim denied with code CO-197 (no pre-authorisation). Patient says the surgeon\'s office got pre-auth PA-662001. I resubmitted the claim with the auth number on 20 Jan, still shows denied. Please place the account on billing hold so it does not go to collections on 15 Feb.',
    },
    {
      want: ['insurance should cover'],
      id: ['H-77120334', 'CO-197', 'PA-662001'],
      amount: ['$1,842.16'],
      date: ['3 Jan', '20 Jan', '15 Feb'],
      attempt: ['resubmitted the claim with the auth number'],
      result: ['still shows denied'],
      ask: ['place the account on billing hold'],
    },
  ),
  handoff(
    'health-test-results',
    'health',
    {
      caller: 'Yusuf Demir',
      reason: 'Waiting three weeks for blood test results',
      notes:
        'Lab request LAB-2209187 taken 28 Feb at the Northside clinic. Results portal shows "sample rejected - haemolysed" on 1 Mar, nobody told the patient. Patient phone 07700 900123 confirmed. He is due to fly on 30 Mar and needs results for his doctor before then. Rebooking a blood draw needs a nurse slot; I have no access to the nurse diary.',
    },
    {
      want: ['blood test results', 'needs results for his doctor'],
      id: ['LAB-2209187'],
      date: ['28 Feb', '1 Mar', '30 Mar'],
      result: ['sample rejected - haemolysed'],
      escalation: ['I have no access to the nurse diary'],
    },
    ['07700 900123'],
  ),
  handoff(
    'delivery-missing-parcel',
    'delivery',
    {
      caller: 'Hannah Scott',
      agent: 'Leo',
      reason: 'Parcel says delivered but I never got it',
      notes:
        'Order 4471-22810, tracking 1Z999AA10123456784, marked delivered 3 Mar 14:02 with a photo of a different front door. Neighbours checked, nothing. Opened a carrier trace, ref TRC-0912, carrier replies in 48 hours. She needs the item, a $329 stroller, before 10 Mar. Replacement shipments over $250 need a team lead.',
    },
    {
      want: ['never got it', 'before 10 Mar'],
      id: ['4471-22810', '1Z999AA10123456784', 'TRC-0912'],
      amount: ['$329', '$250'],
      date: ['3 Mar', '14:02', '48 hours', '10 Mar'],
      attempt: ['Opened a carrier trace'],
      result: ['carrier replies in 48 hours'],
      escalation: ['need a team lead'],
    },
  ),
  handoff(
    'delivery-damaged-sofa',
    'delivery',
    {
      caller: 'Ian Murphy',
      reason: 'My sofa arrived damaged',
      notes:
        'Order SO-118204, 3-seater sofa £1,299, delivered 22 Jun. Customer sent photos: torn fabric on the left arm. Offered a £150 partial refund, customer refused, wants a replacement. Replacement is out of stock until 15 Aug. Customer says this is unacceptable, 3rd call about it.',
    },
    {
      want: ['sofa arrived damaged', 'wants a replacement'],
      id: ['SO-118204'],
      amount: ['£1,299', '£150'],
      date: ['22 Jun', '15 Aug'],
      attempt: ['Offered a £150 partial refund'],
      result: ['customer refused'],
    },
  ),
  handoff(
    'delivery-customs',
    'delivery',
    {
      caller: 'Chloe Martin',
      agent: 'Felix',
      reason: 'My package is stuck at customs and they want money',
      notes:
        'Shipment 4018234471 from the US, held at customs since 2 Apr. Import duty of £86.40 requested by SMS, customer unsure it is real. I confirmed invoice DUTY-553190 matches our system, so it is genuine. Seller promised duties were prepaid (DDP). Please contact the seller\'s account team about a duty refund; customer will pay meanwhile to release it.',
    },
    {
      want: ['stuck at customs'],
      id: ['4018234471', 'DUTY-553190'],
      amount: ['£86.40'],
      date: ['2 Apr'],
      attempt: ['confirmed invoice DUTY-553190 matches our system'],
      result: ['it is genuine'],
      ask: ["contact the seller's account team about a duty refund"],
    },
  ),
];
