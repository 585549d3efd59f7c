// The Settings form's inputs. Each has a visible label; its hint (what is allowed) and, after a
// refused save, the server's error sit beside it and are tied to it with aria-describedby.
// Pinned settings (set by a flag or an environment variable) are read-only and say why.
import type { ReactNode } from 'react';
import type { SettingsFieldError, SettingsFieldWarning } from '../api/contract';
import { errorAtField, fieldId } from './settings-form';

export interface FieldProps {
  /** The setting's path, e.g. `smtp.port`: the id, and where the server's errors point. */
  field: string;
  label: string;
  hint?: string;
  error?: SettingsFieldError;
  /** What pins it (`--smtp`, `RELAYDESK_MAX_MESSAGES`), when it is pinned. */
  pinnedBy?: string;
  /**
   * The id of a note that already says what pins it, once for a group of fields set by the same
   * flags: the field is described by that note instead of repeating it under itself.
   */
  pinnedNoteId?: string;
  /** "Takes effect after restart". */
  restart?: boolean;
  /** A saved value that probably does not do what was meant (a quota on a user no login has). */
  warning?: SettingsFieldWarning;
}

function Notes({ field, hint, error, pinnedBy, pinnedNoteId, restart, warning }: FieldProps) {
  const id = fieldId(field);
  return (
    <>
      {(hint || restart) && (
        <span className="field-hint" id={`${id}-hint`}>
          {hint}
          {/* a line of its own (settings.css): run on, it read as one sentence with the hint
              ("1–65535 Takes effect after restart."); the space keeps the words apart in the
              box's description */}
          {restart && <span className="restart-note"> Takes effect after restart.</span>}
        </span>
      )}
      {pinnedBy && !pinnedNoteId && (
        <span className="field-pinned" id={`${id}-pinned`}>
          Set by {pinnedBy} for this run; remove {pinnedBy.includes(', ') ? 'them' : 'it'} to change
          this here.
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {errorAtField(error, field)}
        </span>
      )}
      {warning && !error && (
        <span className="field-warning" id={`${id}-warning`}>
          {errorAtField(warning, field)}
        </span>
      )}
    </>
  );
}

function describedBy({
  field,
  hint,
  error,
  pinnedBy,
  pinnedNoteId,
  restart,
  warning,
}: FieldProps): string | undefined {
  const id = fieldId(field);
  const ids = [
    hint || restart ? `${id}-hint` : null,
    pinnedBy ? (pinnedNoteId ?? `${id}-pinned`) : null,
    error ? `${id}-error` : null,
    warning && !error ? `${id}-warning` : null,
  ].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Row(props: FieldProps & { children: ReactNode; wide?: boolean }) {
  return (
    <div className={`field${props.error ? ' has-error' : ''}${props.wide ? ' wide' : ''}`}>
      <label htmlFor={fieldId(props.field)}>{props.label}</label>
      {props.children}
      <Notes {...props} />
    </div>
  );
}

export function TextField(
  props: FieldProps & {
    value: string;
    onChange(value: string): void;
    placeholder?: string;
    type?: 'text' | 'password';
    autoComplete?: string;
  },
) {
  return (
    <Row {...props}>
      <input
        id={fieldId(props.field)}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        readOnly={Boolean(props.pinnedBy)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(props)}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </Row>
  );
}

/** A number input; an empty box is sent as it is, so the server names what is allowed. */
export function NumberField(
  props: FieldProps & {
    value: number;
    onChange(value: number): void;
    min?: number;
    max?: number;
    /** Fractions allowed (0.5 hours): without it the browser marks them invalid. */
    decimal?: boolean;
  },
) {
  return (
    <Row {...props}>
      <input
        id={fieldId(props.field)}
        type="number"
        inputMode={props.decimal ? 'decimal' : 'numeric'}
        value={Number.isFinite(props.value) ? props.value : ''}
        min={props.min}
        step={props.decimal ? 'any' : undefined}
        max={props.max}
        readOnly={Boolean(props.pinnedBy)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(props)}
        onChange={(event) => props.onChange(event.target.valueAsNumber)}
      />
    </Row>
  );
}

export function CheckboxField(
  props: FieldProps & { checked: boolean; onChange(checked: boolean): void },
) {
  return (
    <div className={`field checkbox${props.error ? ' has-error' : ''}`}>
      <input
        id={fieldId(props.field)}
        type="checkbox"
        checked={props.checked}
        disabled={Boolean(props.pinnedBy)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(props)}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={fieldId(props.field)}>{props.label}</label>
      <Notes {...props} />
    </div>
  );
}

export function SelectField<T extends string>(
  props: FieldProps & {
    value: T;
    options: ReadonlyArray<{ value: T; label: string }>;
    onChange(value: T): void;
  },
) {
  return (
    <Row {...props}>
      <select
        id={fieldId(props.field)}
        value={props.value}
        disabled={Boolean(props.pinnedBy)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(props)}
        onChange={(event) => props.onChange(event.target.value as T)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Row>
  );
}

export function TextAreaField(
  props: FieldProps & { value: string; onChange(value: string): void; rows?: number },
) {
  return (
    <Row {...props} wide>
      <textarea
        id={fieldId(props.field)}
        value={props.value}
        rows={props.rows ?? 3}
        readOnly={Boolean(props.pinnedBy)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(props)}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </Row>
  );
}
