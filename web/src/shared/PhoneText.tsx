// Small pieces for phones in lists and cards: the "Phone" badge of a call that came in by phone,
// and masked numbers ("+1 ••• ••• 4242"), which screen readers would read dot by dot.
import { Icon } from './Icon';
import { speakable } from './phone';

export function MaskedText({ text }: { text: string }) {
  if (!text.includes('•')) return <>{text}</>;
  return (
    <>
      <span aria-hidden="true">{text}</span>
      <span className="sr-only">{speakable(text)}</span>
    </>
  );
}

/** Shown for `channel: 'phone'`: the caller dialled the support number. */
export function PhoneBadge({ size = 'small' }: { size?: 'small' | 'normal' }) {
  return (
    <span className={`badge badge-phone ${size === 'small' ? 'badge-small' : ''}`} data-testid="phone-badge" title="Called in by phone">
      <Icon name="phone" size={size === 'small' ? 11 : 13} /> Phone
    </span>
  );
}
