// The sending quotas as an editable list: each counts one SMTP user or client address (a name,
// a glob such as "*", or a CIDR) per minute, hour and day, and recipients per day; 0 or empty is
// no limit. The server checks the whole list; an error sits beside the field it names
// (`quotas[1].perHour`).
import { useEffect, useRef } from 'react';
import type { QuotaView } from '../api/contract';
import { NumberField, SelectField, TextField } from './fields';
import type { FieldErrors } from './settings-form';

const limits = [
  ['perMinute', 'Messages a minute'],
  ['perHour', 'Messages an hour'],
  ['perDay', 'Messages a day'],
  ['recipientsPerDay', 'Recipients a day'],
] as const;

export function QuotasSection(props: {
  quotas: QuotaView[];
  errors: FieldErrors;
  pinnedBy?: string;
  hint?: string;
  onChange(quotas: QuotaView[]): void;
}) {
  const { quotas, errors } = props;
  const change = (index: number, quota: QuotaView) =>
    props.onChange(quotas.map((q, i) => (i === index ? quota : q)));
  // after Remove, the Remove now in its place (the previous one's for the last, else Add a quota):
  // removing the last quota took its button away and the focus fell to the page's body
  const list = useRef<HTMLFieldSetElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const focusAfterRemoval = useRef<number | null>(null);
  useEffect(() => {
    const index = focusAfterRemoval.current;
    if (index === null) return;
    focusAfterRemoval.current = null;
    const remove = list.current?.querySelector<HTMLButtonElement>(`[data-remove-quota="${index}"]`);
    (remove ?? addButton.current)?.focus();
  }, [quotas]);
  return (
    <fieldset className="quota-list" aria-describedby="quotas-hint" ref={list}>
      <legend>Sending quotas</legend>
      <p className="field-hint" id="quotas-hint">
        Each quota counts every user or client address it matches on its own. Over a message limit
        MAIL gets 451 4.7.1; over the recipient limit RCPT gets 452 4.5.3. 0: no limit.
      </p>
      {errors.quotas && (
        <p className="field-error" role="alert" id="setting-quotas-error">
          {errors.quotas.message}
        </p>
      )}
      {quotas.map((quota, index) => {
        const at = `quotas[${index}]`;
        const by = quota.ip !== undefined ? 'ip' : 'user';
        const common = (part: string) => ({
          field: `${at}.${part}`,
          error: errors[`${at}.${part}`],
          pinnedBy: props.pinnedBy,
        });
        return (
          <div
            className="field-grid quota-row"
            key={index}
            role="group"
            aria-label={`Quota ${index + 1}`}
          >
            <TextField
              {...common('name')}
              label={`Quota ${index + 1} name`}
              value={quota.name ?? ''}
              onChange={(name) => {
                const { name: _old, ...rest } = quota;
                change(index, name === '' ? rest : { ...rest, name });
              }}
            />
            <SelectField
              {...common('by')}
              error={errors[at]}
              label={`Quota ${index + 1} counts`}
              value={by}
              options={[
                { value: 'user', label: 'Each SMTP user' },
                { value: 'ip', label: 'Each client address' },
              ]}
              onChange={(next) => {
                const { user: _u, ip: _i, ...rest } = quota;
                change(
                  index,
                  next === 'ip' ? { ...rest, ip: '0.0.0.0/0' } : { ...rest, user: '*' },
                );
              }}
            />
            <TextField
              {...common(by)}
              label={
                by === 'ip'
                  ? `Quota ${index + 1} addresses (CIDR)`
                  : `Quota ${index + 1} users (name or glob)`
              }
              value={(by === 'ip' ? quota.ip : quota.user) ?? ''}
              onChange={(text) => change(index, { ...quota, [by]: text })}
            />
            {limits.map(([key, label]) => (
              <NumberField
                key={key}
                {...common(key)}
                label={`Quota ${index + 1}: ${label}`}
                min={0}
                max={10_000_000}
                value={quota[key] ?? 0}
                onChange={(n) => {
                  const { [key]: _old, ...rest } = quota;
                  change(index, n === 0 ? rest : { ...rest, [key]: n });
                }}
              />
            ))}
            <button
              type="button"
              disabled={Boolean(props.pinnedBy)}
              data-remove-quota={index}
              onClick={() => {
                focusAfterRemoval.current = Math.min(index, quotas.length - 2);
                props.onChange(quotas.filter((_, i) => i !== index));
              }}
            >
              Remove quota {index + 1}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        ref={addButton}
        disabled={Boolean(props.pinnedBy)}
        onClick={() => props.onChange([...quotas, { user: '*', perHour: 100 }])}
      >
        Add a quota
      </button>
      {props.pinnedBy && <p className="field-pinned">Set by {props.pinnedBy} for this run.</p>}
    </fieldset>
  );
}
