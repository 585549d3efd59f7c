// The Settings view: Listener, Access, Upstream, Routing rules, Retention, Appearance. One Save
// sends what changed; the server checks the whole change and either saves all of it or answers
// every wrong field, shown beside its input. Settings pinned by a flag or an environment variable
// are read-only here.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useApi } from '../api/api-context';
import type {
  EditableSettings,
  ListenAddressView,
  SettingKey,
  SettingsFieldError,
  SettingsView as SettingsViewData,
} from '../api/contract';
import { loopbackTwinWords, onScreen } from '../api/contract';
import { themeChoices, type AppearanceControl } from './appearance';
import { useTagColours } from '../tags/tag-colours';
import { CheckboxField, NumberField, SelectField, TextAreaField, TextField } from './fields';
import { RulesSection } from './RulesSection';
import {
  changeFrom,
  draftFrom,
  boxField,
  errorInList,
  refusedSaveCount,
  errorsByField,
  settingLabels,
  warningsByField,
  fieldId,
  splitList,
  type FieldErrors,
  type SettingsDraft,
} from './settings-form';
import { UpstreamSection } from './UpstreamSection';
import { UsersSection } from './UsersSection';
import { SigningSection } from './SigningSection';
import { DeclaredFields } from './DeclaredFields';
import { revealSection } from '../status/reveal-section';
import { ScannerState } from '../status/ScannerState';
import { QuotasSection } from './QuotasSection';
import { RestartNow } from './RestartNow';
import { allowHint } from './allowlist-hint';
import './settings.css';
import { serverWords } from '../api/http-transport';
import { focusLanding } from '../layout/focus-landing';

const sections = [
  ['listener', 'Listener'],
  ['access', 'Access'],
  ['upstream', 'Upstream'],
  ['routing', 'Routing rules'],
  ['signing', 'Signing'],
  ['filtering', 'Filtering & senders'],
  ['retention', 'Retention'],
  ['logs', 'Logs'],
  ['toolkit', 'Capture toolkit'],
  ['checks', 'Checks & POP3'],
  ['desktop', 'Desktop app'],
  ['appearance', 'Appearance'],
] as const;

/** Settings this view draws itself; every other declared setting is drawn by DeclaredFields. */
const drawnHere = new Set<string>([
  ...['smtp', 'http', 'smtps', 'hostname', 'starttls', 'tlsCert', 'tlsKey', 'allowIp', 'mode'],
]);

/** Brings a field named by an error into view and puts the focus in it. */
function revealField(field: string): void {
  const input = document.getElementById(fieldId(field));
  if (!input) return;
  input.scrollIntoView({ block: 'center' });
  input.focus({ preventScroll: true });
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="settings-section" aria-labelledby={`settings-${id}`} id={`section-${id}`}>
      {/* takes the focus from a section link when the section's first field is disabled */}
      <h3 id={`settings-${id}`} tabIndex={-1}>
        {title}
      </h3>
      {children}
    </section>
  );
}

/** Whether the page has a box for the field (`warmup` has; `warmup[0].start` is in it). */
function hasBox(field: string): boolean {
  return document.getElementById(fieldId(field)) !== null;
}

/** The label of a setting's box on the page, where the screen has one (not a rule's part). */
function labelOf(field: string): string | undefined {
  const box = document.getElementById(fieldId(field));
  const labels = box && 'labels' in box ? (box as HTMLInputElement).labels : null;
  return labels?.[0]?.textContent?.trim() || undefined;
}

export function SettingsView({
  appearance,
  onSaved,
  onOpenSenders,
}: {
  appearance: AppearanceControl;
  /** A save went through: what the rest of the window shows of the settings is read again. */
  onSaved?: () => void;
  /** Opens the Senders panel, where a sender is suspended and lifted. */
  onOpenSenders?: () => void;
}) {
  const api = useApi();
  const tagColours = useTagColours();
  const [view, setView] = useState<SettingsViewData | null>(null);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [allowText, setAllowText] = useState('');
  const [errors, setErrors] = useState<SettingsFieldError[]>([]);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [saving, setSaving] = useState(false);
  /** Saves that went through: the scanner strip asks again after each (a clamd address applies). */
  const [saves, setSaves] = useState(0);
  const summary = useRef<HTMLDivElement>(null);
  // counts the saves whose summary must be brought into view; read once React has drawn it
  const [reveals, setReveals] = useState(0);

  // Save is pressed in the footer, far below the summary: unseen, a failure read as a save. Scrolled
  // once the words are drawn: an empty summary is display:none, and a requestAnimationFrame that ran
  // before React's render (a loaded machine) scrolled to nothing and focused nothing
  // (e2e/settings-save-failure, 5 runs in 16 beside two busy cores)
  useLayoutEffect(() => {
    if (reveals === 0) return;
    summary.current?.scrollIntoView({ block: 'nearest' });
    summary.current?.focus({ preventScroll: true });
  }, [reveals]);

  const show = useCallback((next: SettingsViewData) => {
    setView(next);
    setDraft(draftFrom(next.values));
    setAllowText(next.values.allowIp.join('\n'));
  }, []);

  useEffect(() => {
    api.getSettings().then(show, (failure: Error) =>
      setStatus({
        text: `The settings could not be loaded: ${serverWords(failure)}`,
        error: true,
      }),
    );
  }, [api, show]);

  if (!view || !draft) {
    return (
      <div className="settings-view">
        <h2>Settings</h2>
        {status ? (
          <p className="field-error" role="alert">
            {status.text}
          </p>
        ) : (
          <p className="field-hint">Loading the settings…</p>
        )}
      </div>
    );
  }

  const values = draft.values;
  const waitingLabels = settingLabels(view.restartPending, view);
  const byField: FieldErrors = errorsByField(errors);
  const warned = warningsByField(view.warnings);
  const update = <K extends SettingKey>(key: K, value: EditableSettings[K]) =>
    setDraft((current) => current && { ...current, values: { ...current.values, [key]: value } });
  // the schema's words on what is allowed suit number and text boxes; a checkbox or a list of
  // choices says it by itself
  const common = (key: SettingKey, withHint = false) => ({
    field: key,
    error: byField[key],
    warning: warned[key],
    pinnedBy: view.pinned[key],
    restart: view.restartFields.includes(key),
    hint: withHint ? view.allowed[key] : undefined,
  });

  const declared = (section: (typeof view.fields)[number]['section']) => (
    <DeclaredFields
      view={view}
      values={values as unknown as Record<string, unknown>}
      errors={byField}
      warnings={warned}
      section={section}
      skip={drawnHere}
      onChange={(key, value) => update(key, value as never)}
    />
  );

  const address = (key: 'smtp' | 'http' | 'smtps', label: string, value: ListenAddressView) => (
    <>
      <TextField
        {...common(key)}
        field={`${key}.host`}
        hint={loopbackTwinWords(value.host) ?? undefined}
        error={byField[`${key}.host`] ?? byField[key]}
        label={`${label} address`}
        value={value.host}
        onChange={(host) => update(key, { ...value, host })}
      />
      <NumberField
        {...common(key)}
        field={`${key}.port`}
        hint="1–65535"
        error={byField[`${key}.port`]}
        warning={warned[`${key}.port`]}
        label={`${label} port`}
        min={0}
        max={65535}
        value={value.port}
        onChange={(port) => update(key, { ...value, port })}
      />
    </>
  );

  const candidate = () => {
    const relay = changeFrom(draft, { ...view.values, relay: null }).relay;
    return relay && typeof relay === 'object' ? (relay as Record<string, unknown>) : undefined;
  };

  const save = async () => {
    const change = changeFrom(draft, view.values);
    if (Object.keys(change).length === 0) {
      setErrors([]);
      setStatus({ text: 'Nothing changed.', error: false });
      return;
    }
    setSaving(true);
    setStatus(null);
    try {
      const result = await api.saveSettings(change);
      if (!result.ok) {
        // the server names settings as the settings file does; shown here by the screen's names
        setErrors(
          result.errors.map((error) => ({
            ...error,
            message: onScreen(error.message, view.pinned),
          })),
        );
        setStatus({
          text: `Nothing was saved: ${refusedSaveCount(result.errors)} fixing.`,
          error: true,
        });
        setReveals((n) => n + 1);
        return;
      }
      setErrors([]);
      show(result.settings);
      setSaves((n) => n + 1);
      onSaved?.();
      const warnedOf =
        result.warnings.length === 0
          ? ''
          : ` ${result.warnings.length === 1 ? 'One warning' : `${result.warnings.length} warnings`} below.`;
      setStatus({
        text:
          (result.restartNeeded.length > 0
            ? `Saved. ${settingLabels(result.restartNeeded, result.settings).join(', ')} take${result.restartNeeded.length === 1 ? 's' : ''} effect after restart; the rest applies now.`
            : 'Saved. The changes apply now.') + warnedOf,
        error: false,
      });
    } catch (failure) {
      setStatus({ text: `Not saved: ${serverWords(failure)}`, error: true });
      setReveals((n) => n + 1);
    } finally {
      setSaving(false);
    }
  };

  return (
    // not a <form>: the users and "Test an address" forms sit inside, and forms cannot nest
    <div className="settings-view" role="region" aria-label="Settings">
      <header className="settings-header">
        <h2 {...focusLanding}>Settings</h2>
        <nav aria-label="Settings sections">
          {sections.map(([id, title]) => (
            <a
              key={id}
              href={`#section-${id}`}
              onClick={(event) => {
                // the address's #fragment is the app's place (Settings): going to a section
                // scrolls to it and leaves the address, so the app stays in Settings
                event.preventDefault();
                revealSection(id);
              }}
            >
              {title}
            </a>
          ))}
        </nav>
      </header>
      <div ref={summary} tabIndex={-1} className="settings-summary" aria-live="polite">
        {status && (
          <p
            className={status.error ? 'field-error' : 'field-ok'}
            role={status.error ? 'alert' : 'status'}
          >
            {status.text}
          </p>
        )}
        {errors.length > 0 && (
          <ul className="error-list">
            {errors.map((error, index) => {
              // a part of a structure in one box (warm-up, sender rewrite) is said and shown there
              const box = boxField(error.field, hasBox) ?? error.field;
              return (
                <li key={`${index} ${error.field}`}>
                  <a
                    href={`#${fieldId(box)}`}
                    onClick={(event) => {
                      // as with the section links: the #fragment is the app's place, and a
                      // field's id there would open the mail list on reload
                      event.preventDefault();
                      revealField(box);
                    }}
                  >
                    {errorInList(error, labelOf(box), box)}
                  </a>
                </li>
              );
            })}
          </ul>
        )}
        {view.warnings.length > 0 && (
          // saved, and valid, but probably not what was meant: said here too, as a quota on a
          // user no login has (`alice@office.example` for `alice`) was accepted without a word
          <ul className="warning-list" aria-label="Warnings">
            {view.warnings.map((warning, index) => (
              <li key={`${index} ${warning.field}`}>
                <a
                  href={`#${fieldId(warning.field)}`}
                  onClick={(event) => {
                    event.preventDefault();
                    revealField(warning.field);
                  }}
                >
                  {errorInList({ ...warning, allowed: '' }, labelOf(warning.field))}
                </a>
              </li>
            ))}
          </ul>
        )}
        {view.restartPending.length > 0 &&
          (view.restartable ? (
            <RestartNow pending={view.restartPending} labels={waitingLabels} />
          ) : (
            <p className="field-hint">Saved, waiting for a restart: {waitingLabels.join(', ')}.</p>
          ))}
      </div>

      <Section id="listener" title="Listener">
        <div className="field-grid">
          {address('smtp', 'SMTP', values.smtp)}
          {address('http', 'Web UI and API', values.http)}
          <CheckboxField
            {...common('smtps')}
            label="Implicit-TLS listener (SMTPS, like port 465)"
            checked={values.smtps !== null}
            onChange={(on) => update('smtps', on ? { host: values.smtp.host, port: 1465 } : null)}
          />
          {values.smtps && address('smtps', 'SMTPS', values.smtps)}
          <TextField
            {...common('hostname', true)}
            label="Host name (greeting and Received)"
            value={values.hostname}
            onChange={(hostname) => update('hostname', hostname)}
          />
          <SelectField
            {...common('starttls')}
            label="Offer STARTTLS"
            value={String(values.starttls)}
            options={[
              { value: 'auto', label: 'Automatic' },
              { value: 'true', label: 'Always' },
              { value: 'false', label: 'Never' },
            ]}
            onChange={(value) => update('starttls', value === 'auto' ? 'auto' : value === 'true')}
          />
          <TextField
            {...common('tlsCert')}
            label="TLS certificate file (PEM)"
            placeholder="empty: a self-signed certificate"
            value={values.tlsCert ?? ''}
            onChange={(file) => update('tlsCert', file === '' ? null : file)}
          />
          <TextField
            {...common('tlsKey')}
            label="TLS key file (PEM)"
            value={values.tlsKey ?? ''}
            onChange={(file) => update('tlsKey', file === '' ? null : file)}
          />
        </div>
        {declared('listener')}
      </Section>

      <Section id="access" title="Access">
        <div className="field-grid">
          <TextAreaField
            {...common('allowIp')}
            hint={allowHint(values)}
            label="Allowed client addresses (CIDR, one per line)"
            value={allowText}
            onChange={(text) => {
              setAllowText(text);
              update('allowIp', splitList(text));
            }}
          />
        </div>
        {declared('access')}
        <UsersSection />
      </Section>

      <Section id="upstream" title="Upstream">
        <UpstreamSection
          relay={values.relay}
          password={draft.relayPassword}
          errors={byField}
          pinnedBy={view.pinned.relay}
          onChange={(relay) => update('relay', relay)}
          onPassword={(relayPassword) =>
            setDraft((current) => current && { ...current, relayPassword })
          }
          candidate={candidate}
          mode={values.mode}
          modePinnedBy={view.pinned.mode}
          onRelayAll={() => update('mode', 'relay')}
        />
        {declared('upstream')}
      </Section>

      <Section id="routing" title="Routing rules">
        <SelectField
          {...common('mode')}
          label="Mode"
          value={values.mode}
          options={[
            { value: 'capture', label: 'Capture everything (nothing is sent)' },
            { value: 'relay', label: 'Relay everything through the upstream' },
            { value: 'rules', label: 'Follow the routing rules below' },
          ]}
          onChange={(mode) => update('mode', mode)}
        />
        <RulesSection
          rules={values.rules}
          errors={byField}
          warnings={warned}
          onChange={(rules) => update('rules', rules)}
        />
        {declared('routing')}
      </Section>

      <Section id="signing" title="Signing">
        <SigningSection />
        {declared('signing')}
      </Section>
      <Section id="filtering" title="Filtering & senders">
        <ScannerState inSettings saves={saves} />
        {onOpenSenders && (
          // stopping a sender is no setting: an admin looking for it here found nothing
          <p className="field-hint">
            To stop a sender at once (a client address or network, an SMTP user or an envelope
            sender) and hold what it queued, or to lift a suspension:{' '}
            <button type="button" data-testid="open-senders" onClick={onOpenSenders}>
              Suspended senders…
            </button>
          </p>
        )}
        {declared('filtering')}
        <QuotasSection
          quotas={values.quotas}
          errors={byField}
          warnings={warned}
          pinnedBy={view.pinned.quotas}
          onChange={(quotas) => update('quotas', quotas)}
        />
      </Section>
      <Section id="retention" title="Retention">
        {declared('retention')}
      </Section>
      <Section id="logs" title="Logs">
        {declared('logs')}
      </Section>
      <Section id="toolkit" title="Capture toolkit">
        {declared('toolkit')}
      </Section>
      <Section id="checks" title="Checks & POP3">
        {declared('checks')}
      </Section>

      <Section id="desktop" title="Desktop app">
        {declared('desktop')}
        <p className="field-hint">These apply to the desktop app; the browser UI ignores them.</p>
      </Section>

      <Section id="appearance" title="Appearance">
        <fieldset className="theme-choice">
          <legend>Theme</legend>
          {themeChoices.map((option) => (
            <label key={option.value}>
              <input
                type="radio"
                name="theme"
                value={option.value}
                checked={appearance.choice === option.value}
                onChange={() => appearance.choose(option.value)}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
        <div className="field checkbox">
          <input
            id="appearance-tag-colours"
            type="checkbox"
            checked={tagColours.on}
            onChange={(event) => tagColours.set(event.target.checked)}
          />
          <label htmlFor="appearance-tag-colours">
            Colour each tag (its colour made from its name, as in Mailpit)
          </label>
        </div>
        <p className="field-hint">These apply at once and are kept in this window's storage.</p>
      </Section>

      <footer className="settings-footer">
        <button type="button" className="primary" disabled={saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
        <button
          type="button"
          onClick={() => {
            show(view);
            setErrors([]);
            setStatus(null);
          }}
        >
          Discard changes
        </button>
        {/* where they are kept, not whether the last save worked: "Saved in …" beside "Not
            saved: …" read as both */}
        <span className="field-hint">Settings file: {view.savedIn}</span>
      </footer>
    </div>
  );
}
