// The sending quotas as an editable list: each counts one SMTP user or client address (a name,
// a glob such as "*", or a CIDR) per minute, hour and day, and recipients per day; 0 or empty is
// no limit. The server checks the whole list; an error sits beside the field it names
// (`quotas[1].perHour`).
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import type { QuotaUsageView, QuotaView, RelaydeskEvent } from '../api/contract';
import { NumberField, SelectField, TextField } from './fields';
import type { FieldErrors, FieldWarnings } from './settings-form';

const limits = [
  ['perMinute', 'Messages a minute'],
  ['perHour', 'Messages an hour'],
  ['perDay', 'Messages a day'],
  ['recipientsPerDay', 'Recipients a day'],
] as const;

/** The same quota, whatever the order of its keys (the relay writes them in its own). */
function sameQuota(a: Record<string, unknown>, b: QuotaView): boolean {
  const sorted = (q: Record<string, unknown>) =>
    JSON.stringify(
      Object.keys(q)
        .filter((k) => q[k] !== undefined && q[k] !== 0)
        .sort()
        .map((k) => [k, q[k]]),
    );
  return sorted(a) === sorted(b as Record<string, unknown>);
}

const usageWindows = [
  ['perMinute', 'lastMinute', 'this minute', 'messages a minute'],
  ['perHour', 'lastHour', 'this hour', 'messages an hour'],
  ['perDay', 'lastDay', 'today', 'messages a day'],
  ['recipientsPerDay', 'recipientsLastDay', 'recipients today', 'recipients a day'],
] as const;

/**
 * What a saved quota has counted, per user or address it matched, and which limit is reached.
 * An admin who set a quota on a stolen login saw nothing of it here (only in the audit log).
 * A quota saved counts the mail of the last day too (QuotaLedger), which the words say.
 */
function QuotaUsageLine({ quota, usage }: { quota: QuotaView; usage: QuotaUsageView[] | null }) {
  if (usage === null) return null;
  const rows = usage.filter((u) => sameQuota(u.quota, quota));
  return (
    <div className="field-hint quota-usage" data-testid="quota-usage">
      {rows.length === 0 ? (
        <p>
          Counted: nothing in the last day (a quota counts the mail accepted before it was saved
          too).
        </p>
      ) : (
        rows.map((row) => {
          const reached = usageWindows
            .filter(([limit, used]) => (quota[limit] ?? 0) > 0 && row[used] >= (quota[limit] ?? 0))
            .map(([limit, , , words]) => `${quota[limit]} ${words}`);
          return (
            <p key={row.key}>
              Counted for {row.key}: {row.lastMinute} this minute, {row.lastHour} this hour,{' '}
              {row.lastDay} today, {row.recipientsLastDay} recipients today
              {reached.length > 0 && <strong> — at the limit of {reached.join(' and ')}</strong>}
            </p>
          );
        })
      )}
    </div>
  );
}

export function QuotasSection(props: {
  quotas: QuotaView[];
  errors: FieldErrors;
  /** The saved quotas' warnings (a user no login has), beside their boxes. */
  warnings?: FieldWarnings;
  pinnedBy?: string;
  hint?: string;
  onChange(quotas: QuotaView[]): void;
}) {
  const { quotas, errors } = props;
  const api = useApi();
  const [usage, setUsage] = useState<QuotaUsageView[] | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.quotaUsage().then(
        (answer) => live && setUsage(answer.usage),
        () => live && setUsage(null),
      );
    void load();
    // each accepted message counts; a refused one changes nothing. Read once per batch of
    // events: a burst of arrivals with Settings open asked the relay once per message
    const arrived = (events: readonly RelaydeskEvent[]) => {
      if (events.some((event) => event.Type === 'new')) void load();
    };
    const stop = api.onEventBatch
      ? api.onEventBatch(arrived)
      : api.onEvent((event) => arrived([event]));
    return () => {
      live = false;
      stop();
    };
  }, [api]);
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
          warning: props.warnings?.[`${at}.${part}`],
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
            <QuotaUsageLine quota={quota} usage={usage} />
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
