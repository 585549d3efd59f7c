import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import type { SettingsFieldError, UpstreamPresetView, UpstreamView } from '../api/contract';
import { securityLabels } from '../api/contract';
import { ConnectionTestPanel } from './ConnectionTestPanel';
import { CheckboxField, NumberField, SelectField, TextField } from './fields';
import { fieldId, type FieldErrors } from './settings-form';

// labelled as the errors shown here name them (setting-names)
const securities = (['starttls', 'tls', 'none'] as const).map((value) => ({
  value,
  label: securityLabels[value] ?? value,
}));

export function newUpstream(): UpstreamView {
  return {
    host: '',
    port: 587,
    security: 'starttls',
    allowInsecure: false,
    verifyCertificate: true,
  };
}

/** A host name as compared for a pin: case and a final dot aside, brackets of an IP left out. */
function hostName(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** The smart host: presets, host, port, security, AUTH, CA, and the connection test. */
export function UpstreamSection({
  relay,
  password,
  errors,
  pinnedBy,
  onChange,
  onPassword,
  candidate,
  mode,
  modePinnedBy,
  onRelayAll,
}: {
  relay: UpstreamView | null;
  password: string;
  errors: FieldErrors;
  pinnedBy?: string;
  onChange(relay: UpstreamView | null): void;
  onPassword(password: string): void;
  candidate(): Record<string, unknown> | undefined;
  /** The routing mode in the form: an upstream is used only in "relay" or by a "relay" rule. */
  mode: string;
  modePinnedBy?: string;
  /** Sets the form's mode to "relay" (saved with the rest). */
  onRelayAll(): void;
}) {
  const api = useApi();
  const [presets, setPresets] = useState<UpstreamPresetView[]>([]);
  const [presetId, setPresetId] = useState('');
  useEffect(() => {
    api.upstreamPresets().then(setPresets, () => setPresets([]));
  }, [api]);
  const preset = presets.find((p) => p.id === presetId);

  const usePreset = (id: string) => {
    setPresetId(id);
    const chosen = presets.find((p) => p.id === id);
    if (!chosen) return;
    // another provider's servers: the pin of the last one's certificate cannot be theirs
    const { pinSha256: _pin, ...base } = relay ?? newUpstream();
    setPinFor(chosen.host);
    onChange({
      ...base,
      // said as emptied, not left out: a change without the pin keeps the saved one, and the
      // server then refused the new host until the pin was named
      pinSha256: '',
      host: chosen.host,
      port: chosen.port,
      security: chosen.security,
      ...(chosen.user ? { auth: { mechanism: 'auto', ...base.auth, user: chosen.user } } : {}),
    });
  };

  const set = (change: Partial<UpstreamView>) => relay && onChange({ ...relay, ...change });
  const err = (key: string) => errors[`relay.${key}`];
  // The host a pin was made for. A pin is one server's certificate: the form sends it back with
  // a new host, so a host changed under an old pin was saved as is and every delivery failed.
  const [pinFor, setPinFor] = useState(relay?.host ?? '');
  const pinMismatch: SettingsFieldError | undefined =
    relay?.pinSha256 && pinFor !== '' && hostName(relay.host) !== hostName(pinFor)
      ? {
          field: 'relay.pinSha256',
          value: relay.pinSha256,
          allowed: `the certificate of ${relay.host || 'the new host'}, or empty`,
          message:
            `This pin is ${pinFor}'s certificate, not ${relay.host || 'the new host'}'s: every ` +
            'delivery would fail. Empty it to trust the new host by its CA, or press Test ' +
            'connection to see and trust its own.',
        }
      : undefined;
  const pin = (pinSha256: string) => {
    set({ pinSha256 });
    if (relay) setPinFor(relay.host);
  };
  const auth = relay?.auth;
  // the same flags pin every field: said once, under the checkbox, not under each of ten boxes
  const pinnedNote = pinnedBy ? `${fieldId('relay')}-pinned` : undefined;

  return (
    <>
      <CheckboxField
        field="relay"
        label="Relay through an upstream smart host"
        checked={relay !== null}
        pinnedBy={pinnedBy}
        error={errors.relay}
        onChange={(on) => onChange(on ? newUpstream() : null)}
      />
      {relay && mode === 'capture' && (
        // "Relay through an upstream" reads as if mail now goes out; in capture mode the
        // upstream is used only by Resend, and an office would find its mail kept here instead.
        // The button is named as it reads: "release one" sent Mailpit's and MailHog's users to
        // the Delivery tab's Release, which is the queue's (a held message) and is off there.
        <div className="upstream-mode-note" role="note">
          <p>
            Mail is not relayed yet: the mode (under Routing rules) is “Capture everything”, so each
            message is kept here and this upstream is used only when you resend one (Resend, in the
            message&apos;s Delivery tab or the bar over selected messages).
          </p>
          {modePinnedBy ? (
            <p className="field-pinned">
              The mode is set by {modePinnedBy} for this run; start without it (or with
              {' --mode relay'}) to relay.
            </p>
          ) : (
            <button type="button" onClick={onRelayAll}>
              Relay all mail through this upstream
            </button>
          )}
        </div>
      )}
      {relay && (
        <>
          <div className="field-grid">
            <SelectField
              field="relay-preset"
              label="Provider preset"
              // the sentence was cut off in the box (a third of the row); it is the hint now
              hint="fills in host, port and security"
              // what it fills in is set by the flags for this run: it could only be refused
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              value={presetId}
              options={[
                { value: '', label: 'Choose a provider…' },
                ...presets.map((p) => ({ value: p.id, label: p.label })),
              ]}
              onChange={usePreset}
            />
            <TextField
              field="relay.host"
              label="Upstream host"
              placeholder="smtp.example.com"
              value={relay.host}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('host')}
              onChange={(host) => set({ host })}
            />
            <NumberField
              field="relay.port"
              label="Upstream port"
              hint="1–65535; 587 for STARTTLS, 465 for implicit TLS"
              min={1}
              max={65535}
              value={relay.port}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('port')}
              onChange={(port) => set({ port })}
            />
            <SelectField
              field="relay.security"
              label="Security"
              value={relay.security}
              options={securities}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('security')}
              onChange={(security) => set({ security })}
            />
            {relay.security === 'none' && (
              // Postfix sends in clear to a relayhost on the LAN when told to, and Thunderbird
              // offers "None" with a warning: an office's smart host without TLS is real, so the
              // choice is here (not only in the settings file), with what it costs said beside it
              <CheckboxField
                field="relay.allowInsecure"
                label="Send without encryption to this host"
                hint="The upstream password and every message cross the network in clear: anyone on the way can read them. Only for a smart host on a network you trust; a host on this computer (127.0.0.1) needs no tick."
                checked={relay.allowInsecure}
                pinnedBy={pinnedBy}
                pinnedNoteId={pinnedNote}
                error={err('allowInsecure')}
                onChange={(allowInsecure) => set({ allowInsecure })}
              />
            )}
            <TextField
              field="relay.auth.user"
              label="Upstream user name"
              placeholder="empty: no AUTH"
              value={auth?.user ?? ''}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('auth.user') ?? err('auth')}
              onChange={(user) => set({ auth: { mechanism: 'auto', ...auth, user } })}
            />
            <TextField
              field="relay.auth.password"
              label="Upstream password"
              type="password"
              autoComplete="new-password"
              placeholder={auth?.passwordSet ? 'saved (type to replace)' : ''}
              hint={auth?.passwordSet ? 'A password is saved; it is never shown.' : undefined}
              value={password}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('auth.password')}
              onChange={onPassword}
            />
            <TextField
              field="relay.caFile"
              label="CA certificate file (PEM)"
              placeholder="empty: the system's CAs"
              value={relay.caFile ?? ''}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('caFile')}
              onChange={(caFile) => set({ caFile })}
            />
            <TextField
              field="relay.pinSha256"
              label="Trust exactly this certificate (SHA-256)"
              // the example was cut off in the box (at 1280 px too); it is the hint's now
              placeholder="empty: trust by CA"
              hint="AB:CD:… for a self-signed one: Test connection shows it, and offers to fill it in"
              value={relay.pinSha256 ?? ''}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('pinSha256') ?? pinMismatch}
              onChange={pin}
            />
            <TextField
              field="relay.heloName"
              label="HELO name"
              placeholder="empty: this computer's name"
              hint="the name Relaydesk greets the upstream with (EHLO)"
              value={relay.heloName ?? ''}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('heloName')}
              onChange={(heloName) => set({ heloName })}
            />
            <CheckboxField
              field="relay.verifyCertificate"
              label="Verify the upstream's certificate"
              checked={relay.verifyCertificate}
              pinnedBy={pinnedBy}
              pinnedNoteId={pinnedNote}
              error={err('verifyCertificate')}
              onChange={(verifyCertificate) => set({ verifyCertificate })}
            />
          </div>
          {preset && preset.notes.length > 0 && (
            <ul className="preset-notes" aria-label={`Notes for ${preset.label}`}>
              {preset.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
          <ConnectionTestPanel candidate={candidate} onTrust={pinnedBy ? undefined : pin} />
        </>
      )}
    </>
  );
}
