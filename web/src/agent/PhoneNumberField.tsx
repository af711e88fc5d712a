// The phone number of a transfer: typed as people write numbers, shown back as the E.164 that
// will be dialled, with the allowed prefixes in view and the reason it cannot be sent inline.
import { type Ref, useId } from 'react';
import { Icon } from '../shared/Icon';
import { prefixesText, type NumberCheck, type PhoneSettings } from '../shared/phone';

interface Props {
  value: string;
  onChange(value: string): void;
  settings: PhoneSettings;
  check: NumberCheck;
  /** Left the field or tried to send: "too short" is now worth saying. */
  touched: boolean;
  onBlur(): void;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

export function PhoneNumberField({ value, onChange, settings, check, touched, onBlur, disabled, inputRef }: Props) {
  const id = useId();
  const showError = !!check.message && (check.certain || touched);
  return (
    <div className="field phone-field">
      <label htmlFor={`${id}-input`}>Phone number</label>
      <input
        id={`${id}-input`}
        ref={inputRef}
        type="tel"
        inputMode="tel"
        autoComplete="off"
        spellCheck={false}
        placeholder="+1 555 010 4242"
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
        aria-invalid={showError}
        aria-describedby={`${id}-hint ${id}-prefixes`}
        data-testid="transfer-phone-number"
      />
      <p id={`${id}-hint`} className="phone-hint small">
        {showError ? (
          <span className="phone-error" data-testid="transfer-phone-error">
            <Icon name="alert" size={15} /> {check.message}
          </span>
        ) : check.ok ? (
          <span className="phone-ok">
            <Icon name="check" size={15} /> Will dial <strong data-testid="transfer-phone-normalised">{check.e164}</strong>
          </span>
        ) : (
          <span className="muted">Country code first; spaces, dashes and brackets are fine.</span>
        )}
      </p>
      <p id={`${id}-prefixes`} className="muted small" data-testid="transfer-phone-prefixes">
        <Icon name="info" size={14} /> {prefixesText(settings)}
      </p>
      {/* Says only when the number turns valid or wrong; the digits themselves are not re-read per key. */}
      <span className="sr-only" role="status" aria-live="polite">
        {showError ? check.message : check.ok ? 'Number looks right.' : ''}
      </span>
    </div>
  );
}
