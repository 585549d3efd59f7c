import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import type {
  RoutingActionView,
  RoutingExplanationView,
  RoutingRuleView,
  RuleFilterView,
} from '../api/contract';
import { SelectField, TextField, NumberField } from './fields';
import {
  cleanRule,
  emptyRule,
  fieldId,
  moveRule,
  type FieldErrors,
  type FieldWarnings,
} from './settings-form';
import { serverWords } from '../api/http-transport';

const actionTypes = [
  { value: 'capture', label: 'Capture into a mailbox' },
  { value: 'relay', label: 'Relay through the upstream' },
  { value: 'redirect', label: 'Redirect to one address' },
  { value: 'reject', label: 'Reject at RCPT' },
] as const;

function actionOf(type: RoutingActionView['type'], previous: RoutingActionView): RoutingActionView {
  if (type === previous.type) return previous;
  switch (type) {
    case 'capture':
      return { type, mailbox: 'inbox' };
    case 'relay':
      return { type };
    case 'redirect':
      return { type, to: '' };
    case 'reject':
      return {
        type,
        code: 550,
        enhanced: '5.7.1',
        text: 'Recipient address rejected by routing rule',
      };
  }
}

// A rule's filter choices for its recipients; "" keeps what Filtering & senders says. A message
// to several recipients gets the strictest of their rules' choices.
const asTheSettings = 'As in Filtering & senders';
const filterChoices = {
  virusAction: [
    { value: '', label: asTheSettings },
    { value: 'reject', label: 'Reject (554 at end of DATA)' },
    { value: 'quarantine', label: 'Quarantine (kept, never relayed)' },
    { value: 'tag', label: 'Tag only (goes where the rule says)' },
  ],
  clamdUnavailable: [
    { value: '', label: asTheSettings },
    { value: 'defer', label: 'Defer (451 4.7.0, the client retries)' },
    { value: 'accept', label: 'Accept unscanned (tagged not-scanned)' },
  ],
  attachmentAction: [
    { value: '', label: asTheSettings },
    { value: 'reject', label: 'Reject (554 at end of DATA)' },
    { value: 'quarantine', label: 'Quarantine (kept, never relayed)' },
    { value: 'allow', label: 'Allow: the policy does not apply' },
  ],
} as const;

const filterLabels: Record<keyof RuleFilterView, string> = {
  virusAction: 'A message with a virus',
  clamdUnavailable: 'When clamd cannot be reached',
  attachmentAction: 'Attachment policy',
};

function withFilterChoice(
  rule: RoutingRuleView,
  key: keyof RuleFilterView,
  choice: string,
): RoutingRuleView {
  const { [key]: _old, ...others } = rule.filter ?? {};
  const filter: RuleFilterView = choice === '' ? others : { ...others, [key]: choice };
  const { filter: _was, ...rest } = rule;
  return Object.keys(filter).length > 0 ? { ...rest, filter } : rest;
}

function RuleEditor({
  rule,
  index,
  count,
  errors,
  warnings,
  onChange,
  onMove,
  onDelete,
}: {
  rule: RoutingRuleView;
  index: number;
  count: number;
  errors: FieldErrors;
  warnings?: FieldWarnings;
  onChange(rule: RoutingRuleView): void;
  onMove(by: -1 | 1): void;
  onDelete(): void;
}) {
  const at = `rules[${index}]`;
  const title = rule.name?.trim() || `Rule ${index + 1}`;
  const action = rule.action;
  const match = (key: 'recipient' | 'sender' | 'user', value: string) =>
    onChange({ ...rule, match: { ...rule.match, [key]: value } });
  return (
    <li className="rule" aria-label={title}>
      <div className="rule-head">
        <span className="rule-number">{index + 1}</span>
        <TextField
          field={`${at}.name`}
          label={`Name of rule ${index + 1}`}
          value={rule.name ?? ''}
          error={errors[`${at}.name`]}
          onChange={(name) => onChange({ ...rule, name })}
        />
        <div className="rule-buttons">
          <button
            type="button"
            disabled={index === 0}
            data-rule={index}
            data-control="up"
            onClick={() => onMove(-1)}
          >
            Move up<span className="visually-hidden"> {title}</span>
          </button>
          <button
            type="button"
            disabled={index === count - 1}
            data-rule={index}
            data-control="down"
            onClick={() => onMove(1)}
          >
            Move down<span className="visually-hidden"> {title}</span>
          </button>
          <button
            type="button"
            className="danger"
            data-rule={index}
            data-control="delete"
            onClick={onDelete}
          >
            Delete<span className="visually-hidden"> {title}</span>
          </button>
        </div>
      </div>
      <div className="field-grid">
        <TextField
          field={`${at}.match.recipient`}
          label={`Recipient pattern of rule ${index + 1}`}
          placeholder="*@example.com (empty: any)"
          value={rule.match.recipient ?? ''}
          error={errors[`${at}.match.recipient`]}
          onChange={(value) => match('recipient', value)}
        />
        <TextField
          field={`${at}.match.sender`}
          label={`Sender pattern of rule ${index + 1}`}
          placeholder="empty: any sender"
          value={rule.match.sender ?? ''}
          error={errors[`${at}.match.sender`]}
          onChange={(value) => match('sender', value)}
        />
        <TextField
          field={`${at}.match.user`}
          label={`SMTP user pattern of rule ${index + 1}`}
          placeholder="empty: any user"
          value={rule.match.user ?? ''}
          error={errors[`${at}.match.user`]}
          warning={warnings?.[`${at}.match.user`]}
          onChange={(value) => match('user', value)}
        />
        <SelectField
          field={`${at}.action.type`}
          label={`Action of rule ${index + 1}`}
          value={action.type}
          options={actionTypes}
          error={errors[`${at}.action.type`] ?? errors[`${at}.action`]}
          onChange={(type) => onChange({ ...rule, action: actionOf(type, action) })}
        />
        {action.type === 'capture' && (
          <TextField
            field={`${at}.action.mailbox`}
            label={`Mailbox of rule ${index + 1}`}
            value={action.mailbox}
            error={errors[`${at}.action.mailbox`]}
            onChange={(mailbox) => onChange({ ...rule, action: { ...action, mailbox } })}
          />
        )}
        {action.type === 'redirect' && (
          <TextField
            field={`${at}.action.to`}
            label={`Redirect address of rule ${index + 1}`}
            placeholder="qa@example.com"
            value={action.to}
            error={errors[`${at}.action.to`]}
            onChange={(to) => onChange({ ...rule, action: { ...action, to } })}
          />
        )}
        {action.type === 'reject' && (
          <>
            <NumberField
              field={`${at}.action.code`}
              label={`Reply code of rule ${index + 1}`}
              value={action.code}
              min={400}
              max={599}
              error={errors[`${at}.action.code`]}
              onChange={(code) => onChange({ ...rule, action: { ...action, code } })}
            />
            <TextField
              field={`${at}.action.text`}
              label={`Reply text of rule ${index + 1}`}
              value={action.text}
              error={errors[`${at}.action.text`]}
              onChange={(text) => onChange({ ...rule, action: { ...action, text } })}
            />
          </>
        )}
        {action.type !== 'reject' &&
          (Object.keys(filterLabels) as Array<keyof RuleFilterView>).map((key) => (
            <SelectField<string>
              key={key}
              field={`${at}.filter.${key}`}
              label={`${filterLabels[key]}, rule ${index + 1}`}
              value={rule.filter?.[key] ?? ''}
              options={filterChoices[key]}
              error={errors[`${at}.filter.${key}`] ?? errors[`${at}.filter`]}
              onChange={(choice) => onChange(withFilterChoice(rule, key, choice))}
            />
          ))}
      </div>
    </li>
  );
}

/** A rule's buttons, by the `data-control` each carries. */
type RuleControl = 'up' | 'down' | 'delete' | 'name';

/** The ordered rules (the first that matches decides) and "Test an address". */
export function RulesSection({
  rules,
  errors,
  warnings,
  onChange,
}: {
  rules: RoutingRuleView[];
  errors: FieldErrors;
  /** The saved rules' warnings (a user no login has), beside their boxes. */
  warnings?: FieldWarnings;
  onChange(rules: RoutingRuleView[]): void;
}) {
  const list = useRef<HTMLOListElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  /*
   * The rules are keyed by their place, so a moved rule's buttons are another rule's after the
   * move: the focus stayed where it was, and Move down pressed again moved the other rule back.
   * It follows the rule now (to its other Move at the end of the list), and after a Delete goes
   * to the next rule's Delete, the previous one's, or Add rule, instead of the page's body.
   */
  const focusAfter = useRef<{ index: number; control: RuleControl } | null>(null);
  useEffect(() => {
    const wanted = focusAfter.current;
    if (!wanted) return;
    focusAfter.current = null;
    if (wanted.control === 'name') {
      // a rule added: it is drawn above Add rule, a dozen Shift+Tabs back; its name comes first
      document.getElementById(fieldId(`rules[${wanted.index}].name`))?.focus();
      return;
    }
    const button = (control: RuleControl) =>
      list.current?.querySelector<HTMLButtonElement>(
        `button[data-rule="${wanted.index}"][data-control="${control}"]:not(:disabled)`,
      );
    const other = wanted.control === 'up' ? 'down' : wanted.control === 'down' ? 'up' : null;
    (button(wanted.control) ?? (other && button(other)) ?? addButton.current)?.focus();
  }, [rules]);

  return (
    <>
      {errors.rules && (
        <p className="field-error" role="alert">
          {errors.rules.message}
        </p>
      )}
      {rules.length === 0 ? (
        <p className="field-hint">
          No rules: in “rules” mode every recipient is captured into the inbox.
        </p>
      ) : (
        <ol className="rule-list" aria-label="Routing rules" ref={list}>
          {rules.map((rule, index) => (
            <RuleEditor
              key={index}
              rule={rule}
              index={index}
              count={rules.length}
              errors={errors}
              warnings={warnings}
              onChange={(next) => onChange(rules.map((r, i) => (i === index ? next : r)))}
              onMove={(by) => {
                focusAfter.current = { index: index + by, control: by < 0 ? 'up' : 'down' };
                onChange(moveRule(rules, index, by));
              }}
              onDelete={() => {
                const left = rules.length - 1;
                focusAfter.current = { index: Math.min(index, left - 1), control: 'delete' };
                onChange(rules.filter((_, i) => i !== index));
              }}
            />
          ))}
        </ol>
      )}
      <button
        type="button"
        ref={addButton}
        onClick={() => {
          focusAfter.current = { index: rules.length, control: 'name' };
          onChange([...rules, emptyRule()]);
        }}
      >
        Add rule
      </button>
      <AddressTest rules={rules} />
    </>
  );
}

/** "Test an address": which saved rule decides for it, and why, rule by rule. */
function AddressTest({ rules }: { rules: RoutingRuleView[] }) {
  const api = useApi();
  const [recipient, setRecipient] = useState('');
  const [sender, setSender] = useState('');
  const [result, setResult] = useState<RoutingExplanationView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      setResult(await api.testRouting({ recipient: recipient.trim(), sender: sender.trim() }));
    } catch (failure) {
      setResult(null);
      setError(serverWords(failure));
    }
  };
  return (
    <form
      className="address-test"
      onSubmit={(event) => void run(event)}
      aria-label="Test an address"
    >
      <h4>Test an address</h4>
      <p className="field-hint">Uses the saved rules; save first to test changes.</p>
      <div className="field-grid">
        <div className="field">
          <label htmlFor="route-test-recipient">Recipient address to test</label>
          <input
            id="route-test-recipient"
            value={recipient}
            onChange={(event) => setRecipient(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="route-test-sender">Sender address (optional)</label>
          <input
            id="route-test-sender"
            value={sender}
            onChange={(event) => setSender(event.target.value)}
          />
        </div>
      </div>
      <button type="submit" disabled={recipient.trim() === ''}>
        Test address
      </button>
      <div aria-live="polite">
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        {result && (
          <div className="route-result">
            <p className="test-verdict">{result.decision.explanation}</p>
            {result.sentAs && (
              <p className="test-verdict" data-testid="route-test-sent-as">
                Sent to the upstream as {result.sentAs.mailFrom} ({result.sentAs.rule})
              </p>
            )}
            <ol className="rule-verdicts" aria-label="Rules checked">
              {result.rules.map((verdict) => (
                <li key={verdict.index} className={verdict.chosen ? 'chosen' : undefined}>
                  <strong>
                    {verdict.name ??
                      cleanRule(rules[verdict.index] ?? emptyRule()).name ??
                      `Rule ${verdict.index + 1}`}
                  </strong>
                  {verdict.chosen
                    ? ' (decides)'
                    : verdict.matched
                      ? ' (matches, but an earlier rule decides)'
                      : ' (no match)'}
                  : {verdict.reasons.join('; ')}
                </li>
              ))}
            </ol>
          </div>
        )}
      </div>
    </form>
  );
}
