// Offline, deterministic handoff summary: a few short labelled lines B can read in
// seconds. Works without any network, and is the fallback when the LLM is slow or down.
import { analyze, INTENT_LABEL, type Analysis, type Identifier } from './analyze.js';
import { oneLine, redact } from './redact.js';
import type { Summary, SummaryInput, SummaryProvider } from './types.js';

export { maskEmail, maskPhone, maskLongNumber, redact, redactDetailed } from './redact.js';

/** 75 → "01:15"; hours only when needed. */
export function formatDuration(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

const idText = (i: Identifier) => `${i.kind} ${i.value}`;

function firstId(a: Analysis, kinds: string[]): string | null {
  const id = a.identifiers.find((i) => kinds.includes(i.kind));
  return id ? idText(id) : null;
}

// Next step = intent + what A already did, so B does not repeat A's work.
function nextStep(a: Analysis, agent: string): string {
  const verify = a.verified ? '' : 'Verify identity, then ';
  const order = firstId(a, ['order', 'invoice', 'booking', 'tracking', 'ref']);
  const account = firstId(a, ['account', 'invoice', 'order']);
  const did = (t: Parameters<Analysis['actions']['has']>[0]) => a.actions.has(t);
  let step: string;
  switch (a.intent) {
    case 'refund':
      step = did('refunded')
        ? `${agent} already issued a refund: give the caller its reference and the expected timeline.`
        : `${verify}check ${order ?? 'the order'} qualifies and process the refund (or explain why not).`;
      break;
    case 'cancel':
      step = did('retention_offered')
        ? 'A retention offer was already made: if they still want out, process the cancellation and confirm in writing.'
        : `${verify}confirm what to cancel${account ? ` on ${account}` : ''}, mention any offer policy allows, then cancel and confirm in writing.`;
      break;
    case 'billing':
      step = did('refunded')
        ? `A credit/refund was already applied: confirm it shows${account ? ` on ${account}` : ''} and explain the remaining charges.`
        : `${verify}go through the charges${account ? ` on ${account}` : ''} with the caller and correct any wrong or duplicate charge.`;
      break;
    case 'delivery':
      step = did('tracking_checked')
        ? `Tracking was already checked: open a carrier trace or arrange a replacement/refund for ${order ?? 'the order'}.`
        : `Check the carrier tracking for ${order ?? 'the order'} and give the caller a delivery date.`;
      break;
    case 'login':
      step = did('password_reset')
        ? `A password reset did not fix it: ${verify ? 'verify identity, then ' : ''}check for a lockout or 2FA problem and unlock the account.`
        : `${verify}send a password reset and stay on the line until the caller is signed in.`;
      break;
    case 'technical':
      step = did('troubleshot')
        ? 'Basic troubleshooting is done: collect the exact error, device and app version, and escalate if it reproduces.'
        : 'Run basic troubleshooting (restart, update, clear cache) and note the exact error message.';
      break;
    case 'upgrade':
      step = 'Review the current plan and walk the caller through the upgrade options and pricing.';
      break;
    case 'account_update':
      step = `${verify}update the details and confirm the change in writing.`;
      break;
    case 'complaint':
      step = 'Acknowledge the problem, take ownership, and agree a concrete resolution and follow-up time.';
      break;
    default:
      step = "Confirm in the caller's own words what they need before acting.";
  }
  if (did('escalated')) step += ' An escalation is already open: check its status first.';
  return step.charAt(0).toUpperCase() + step.slice(1);
}

export function summarizeLocally(input: SummaryInput): Summary {
  const a = analyze(input);
  const caller = oneLine(redact(input.callerName ?? ''), 80) || 'Unknown caller';
  const agent = oneLine(redact(input.fromAgentName ?? ''), 80) || 'the previous agent';
  const holds = Number.isFinite(input.holdCount) && input.holdCount > 0 ? Math.floor(input.holdCount) : 0;

  const wantsLabel = INTENT_LABEL[a.intent] + (a.secondary ? `; also ${INTENT_LABEL[a.secondary]}` : '');
  const words = oneLine(a.callerWords, 140);
  const tried = a.tried.map((s) => oneLine(s, 140)).join(' / ');
  const context = [...a.flags];
  if (a.verified) context.push(`identity verified by ${agent}`);

  const lines = [
    `Who: ${caller}, on the call ${formatDuration(input.callDurationS)}, ${holds} hold${holds === 1 ? '' : 's'} so far, handed over by ${agent}.`,
    `Wants: ${wantsLabel}${words ? ` — "${words}"` : ''}`,
    `Identifiers: ${a.identifiers.length > 0 ? a.identifiers.map(idText).join('; ') : 'none given'}`,
    `Tried: ${tried || `nothing noted by ${agent}`}`,
    `Next step: ${nextStep(a, agent)}`,
  ];
  if (context.length > 0) lines.push(`Context: ${context.join('; ')}.`);
  // Final guard: each piece was redacted already, but nothing personal may slip through a join.
  return { text: lines.map((l) => redact(l)).join('\n'), provider: 'local' };
}

export class LocalSummaryProvider implements SummaryProvider {
  readonly name = 'local';
  async summarize(input: SummaryInput): Promise<Summary> {
    return summarizeLocally(input);
  }
}
