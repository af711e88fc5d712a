// The handoff quality corpus: 36 realistic handoffs across 10 domains, each with the
// facts B must receive. Shared by the summary tests and bench/summary-quality.ts.
import { FRAUD_SAAS } from './fraud-saas.js';
import { HEALTH_DELIVERY } from './health-delivery.js';
import { MEMBERSHIP_PAYMENTS } from './membership-payments.js';
import { TELECOM_INSURANCE } from './telecom-insurance.js';
import { TRAVEL_BILLING } from './travel-billing.js';
import type { HandoffCase } from './types.js';

export * from './types.js';

export const CORPUS: HandoffCase[] = [...TRAVEL_BILLING, ...TELECOM_INSURANCE, ...FRAUD_SAAS, ...HEALTH_DELIVERY, ...MEMBERSHIP_PAYMENTS];
