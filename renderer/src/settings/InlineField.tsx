import type { ReactNode, Ref } from 'react';

/**
 * A field of a section's own small form (add a user, set a password, add a DKIM key): its label,
 * and the error the server or the form gave it, read with the field (aria-describedby) and
 * announced when it appears.
 */
export function InlineField(props: {
  id: string;
  label: ReactNode;
  value: string;
  error: string | null | undefined;
  onChange(value: string): void;
  inputRef?: Ref<HTMLInputElement>;
  type?: 'text' | 'password';
  autoComplete: 'off' | 'new-password';
  placeholder?: string;
}) {
  const errorId = `${props.id}-error`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        ref={props.inputRef}
        type={props.type}
        autoComplete={props.autoComplete}
        placeholder={props.placeholder}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorId : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.error && (
        <span className="field-error" id={errorId} role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}
