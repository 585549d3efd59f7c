import { useCallback, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import type { DkimAlgorithm, DkimDnsCheck, DkimKeyInfo, DkimKeyRemoval } from '../api/contract';
import { selectorWord } from '../api/contract';
import { RemoveKeyDialog } from './RemoveKeyDialog';
import { useSectionList } from './use-section-list';
import { fieldProblems } from './field-problems';
import { serverWords } from '../api/http-transport';
import { InlineField } from './InlineField';
import { useFocusAfterRemoval } from './use-focus-after-removal';

/** The boxes of the Add form, by the field name the API's refusal starts each line with. */
const addFormFields = ['domain', 'selector', 'privateKey', 'headers'] as const;
type AddFormField = (typeof addFormFields)[number];

/** The relay's warning starts in lower case ("mail from …"), as a clause of its log lines. */
const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const statusWords: Record<DkimDnsCheck['status'], string> = {
  match: 'Published',
  // not "different key": the key can be right and its k= wrong
  mismatch: 'Published record does not match',
  missing: 'Not published',
  unknown: 'Could not check',
};

/**
 * What the notice says once a key is removed, from the relay's answer (what signs the domain's
 * mail now), not from the list as this page last read it: another window or the CLI may have
 * changed the keys since. Mail left unsigned is the relay's warning, in its words.
 */
function removalNotice(key: DkimKeyInfo, answer: DkimKeyRemoval, keys: readonly DkimKeyInfo[]) {
  const selectors = answer.signingKeys.map((k) => k.selector).join(', ');
  const signer = answer.signingKeys[0]?.domain ?? key.domain;
  // the answer names domains as DNS does (A-labels); the list has each as people write it
  const signerShown = keys.find((k) => k.domain === signer)?.domainUnicode ?? signer;
  const domain = key.domainUnicode;
  const after =
    answer.signing === 'still-signed'
      ? ` Mail from ${domain} is still signed, with ${selectorWord(answer)} ${selectors}.`
      : answer.signing === 'parent-signs'
        ? ` Mail from ${domain} is now signed with the key of ${signerShown} (${selectorWord(answer)} ${selectors}).`
        : '';
  return {
    text: `Removed ${key.selector} of ${domain} and its private key file.${after}`,
    ...(answer.warning ? { warning: answer.warning } : {}),
  };
}

/**
 * Settings → Signing: the DKIM keys by domain and selector, the TXT record each needs, "Check
 * DNS", and a new key (generated, or a PEM imported). Changes apply at once; no save needed.
 * Several active selectors of a domain all sign, so a rotation overlaps.
 */
export function SigningSection() {
  const api = useApi();
  const readKeys = useCallback(() => api.dkimKeys(), [api]);
  const { items: keys, message, setMessage, act, reload } = useSectionList(readKeys);
  const [checks, setChecks] = useState<Record<string, DkimDnsCheck | 'checking'>>({});
  const [domain, setDomain] = useState('');
  const [selector, setSelector] = useState('');
  const [algorithm, setAlgorithm] = useState<DkimAlgorithm>('rsa');
  const [pem, setPem] = useState('');
  const [headers, setHeaders] = useState('');
  /** The key whose Remove was clicked: asked about before anything is deleted. */
  const [removing, setRemoving] = useState<DkimKeyInfo | null>(null);
  // each refusal of the form goes beside the box it is about, all of them at once (a bad domain
  // and a bad selector are two fixes); lines about no box stay in the message under the form
  const refusal =
    message?.error && message.action === 'add' ? fieldProblems(message.text, addFormFields) : null;
  const boxError = (field: AddFormField) => refusal?.byField[field]?.join('\n') ?? null;
  const domainError = boxError('domain');
  const selectorError = boxError('selector');
  const pemError = boxError('privateKey');
  const headersError = boxError('headers');
  const otherProblems = refusal ? refusal.other.join('\n') : (message?.text ?? '');

  // a removed key's Remove had the focus again once its dialog closed: Generate/Import key takes
  // it when no other key is left
  const addButton = useRef<HTMLButtonElement>(null);
  const removal = useFocusAfterRemoval(keys, addButton);

  const remove = async (key: DkimKeyInfo) => {
    setRemoving(null);
    const removable = (keys ?? []).filter((k) => k.source !== 'settings').map(keyName);
    await removal.removing(removable, keyName(key), () =>
      act(
        () => api.removeDkimKey(key.domain, key.selector),
        (answer) => removalNotice(key, answer, keys ?? []),
      ),
    );
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    // "From, To Subject" or one per line: the API names a field that is not a header name
    const headerList = headers.split(/[\s,:;]+/).filter((name) => name !== '');
    const key = {
      domain: domain.trim(),
      selector: selector.trim(),
      ...(pem.trim() ? { privateKey: pem } : { algorithm }),
      ...(headerList.length > 0 ? { headers: headerList } : {}),
    };
    const done = `${pem.trim() ? 'Imported the key of' : 'Generated a key for'} ${key.selector} of ${key.domain}: publish its record; it signs once Check DNS finds it.`;
    if (await act(() => api.addDkimKey(key), done, 'add')) {
      setSelector('');
      setPem('');
      setHeaders('');
    }
  };

  const checkDns = async (key: DkimKeyInfo) => {
    const id = keyName(key);
    setChecks((current) => ({ ...current, [id]: 'checking' }));
    try {
      const result = await api.checkDkimDns(key.domain, key.selector);
      setChecks((current) => ({ ...current, [id]: result }));
      // a key that waited for this record signs now: show it so, and let go of the form's
      // "generated … it signs once Check DNS finds it", which no longer holds
      if (result.activated) {
        setMessage(null);
        await reload();
      }
    } catch (failure) {
      setMessage({ text: serverWords(failure), error: true });
      setChecks((current) => {
        const { [id]: _gone, ...rest } = current;
        return rest;
      });
    }
  };

  return (
    <div className="signing">
      <p className="field-hint">
        Relayed mail is signed with every active key of its From domain, just before it goes to the
        upstream. Publish each key&apos;s record in DNS, then check it: a new key starts signing
        when its record is found.
      </p>
      {keys && keys.length === 0 && <p className="field-hint">No DKIM keys yet.</p>}
      {keys && keys.length > 0 && (
        <ul className="dkim-keys" aria-label="DKIM keys">
          {keys.map((key) => {
            const id = keyName(key);
            // what the buttons' names say: the domain as the list shows it
            const named = `${key.domainUnicode}/${key.selector}`;
            // an IDN domain (bücher.example): DNS and the provider's form take its A-labels
            const idn = key.domainUnicode !== key.domain;
            const check = checks[id];
            return (
              <li key={id} className="dkim-key">
                <div className="dkim-key-head">
                  <span className="user-name">
                    {key.selector} · {key.domainUnicode}
                  </span>
                  {idn && (
                    <span
                      className="field-hint dkim-ascii-domain"
                      title="The domain's ASCII (Punycode) form: what DNS, the signature's d= and the record's name use"
                    >
                      ({key.domain} in DNS)
                    </span>
                  )}
                  <span className="field-hint">
                    {key.algorithm === 'rsa' ? `RSA-${key.bits ?? '?'}` : 'Ed25519'} ·{' '}
                    {key.cannotSign
                      ? 'cannot sign'
                      : key.waitingForDns
                        ? 'waiting for DNS'
                        : key.active
                          ? 'signing'
                          : 'not signing'}{' '}
                    · {key.source}
                  </span>
                  <button type="button" onClick={() => void checkDns(key)}>
                    Check DNS<span className="visually-hidden"> for {named}</span>
                  </button>
                  {key.source !== 'settings' && (
                    <>
                      <button
                        type="button"
                        onClick={() =>
                          void act(
                            () => api.setDkimKeyActive(key.domain, key.selector, !key.active),
                            `${key.selector} of ${key.domainUnicode} ${key.active ? 'no longer signs' : key.waitingForDns ? 'signs from now on' : 'signs again'}.`,
                          )
                        }
                      >
                        {key.active
                          ? 'Stop signing'
                          : key.waitingForDns
                            ? 'It is published: sign now'
                            : 'Sign again'}
                        <span className="visually-hidden"> with {named}</span>
                      </button>
                      <button
                        type="button"
                        className="danger"
                        ref={removal.removeButton(id)}
                        onClick={() => setRemoving(key)}
                      >
                        Remove<span className="visually-hidden"> {named}</span>
                      </button>
                    </>
                  )}
                </div>
                {key.cannotSign && (
                  // listed as signing, it hid that its domain's mail now goes out unsigned
                  <p className="field-error dkim-cannot-sign" role="alert">
                    Cannot sign: {key.cannotSign}.
                  </p>
                )}
                {key.ed25519Only && !key.cannotSign && (
                  // an Ed25519 signature alone is no DKIM pass at Gmail or Microsoft 365
                  <p className="dkim-ed25519-only" data-testid="dkim-ed25519-only">
                    {key.ed25519Only}.
                  </p>
                )}
                {key.waitingForDns && (
                  // signing before the record can be looked up fails DKIM at every receiver
                  <p className="dkim-waiting">
                    Waiting for DNS: publish this TXT record at <code>{key.record.name}</code>. It
                    signs nothing until Check DNS finds the record, or you say it is published.
                  </p>
                )}
                <label className="field-hint" htmlFor={`dkim-record-${id}`}>
                  TXT record {key.record.name}
                  {idn && (
                    // a DNS provider's form takes the name in ASCII: the A-labels are no typo
                    <span className="dkim-ascii-note">
                      {' '}
                      (the name in ASCII, as DNS providers take it: {key.domain} is{' '}
                      {key.domainUnicode})
                    </span>
                  )}
                </label>
                <textarea
                  id={`dkim-record-${id}`}
                  className="dkim-record"
                  readOnly
                  rows={3}
                  value={key.record.value}
                />
                <details className="dkim-zone">
                  {/* a zone file takes the value in quoted strings of at most 255 octets; a
                      2048-bit key's value is longer, and pasting it whole breaks the record */}
                  <summary>Zone file line</summary>
                  <textarea
                    aria-label={`Zone file line of ${key.record.name}`}
                    className="dkim-record"
                    readOnly
                    rows={4}
                    value={key.record.zoneLine}
                  />
                </details>
                <p className="field-hint dkim-headers">
                  Signs {key.headers.join(', ')} when present; From once more than it appears, so no
                  From can be added after signing
                </p>
                {check === 'checking' && <p className="field-hint">Looking it up…</p>}
                {check && check !== 'checking' && (
                  <p
                    className={check.status === 'match' ? 'field-ok' : 'field-error'}
                    role="status"
                  >
                    {statusWords[check.status]}: {check.reason}
                    {check.activated && '; it signs from now on'}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => void add(event)}
        aria-label="Add a DKIM key"
      >
        <InlineField
          id="dkim-add-domain"
          label="Domain"
          autoComplete="off"
          placeholder="example.com"
          value={domain}
          error={domainError}
          onChange={setDomain}
        />
        <InlineField
          id="dkim-add-selector"
          label="Selector"
          autoComplete="off"
          placeholder="mail2026"
          value={selector}
          error={selectorError}
          onChange={setSelector}
        />
        <div className="field">
          <label htmlFor="dkim-add-algorithm">Key</label>
          <select
            id="dkim-add-algorithm"
            value={algorithm}
            disabled={pem.trim() !== ''}
            onChange={(event) => setAlgorithm(event.target.value as DkimAlgorithm)}
          >
            <option value="rsa">RSA-2048</option>
            <option value="ed25519">Ed25519</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="dkim-add-pem">Or import a PEM private key</label>
          <textarea
            id="dkim-add-pem"
            rows={2}
            value={pem}
            aria-invalid={pemError ? true : undefined}
            aria-describedby={pemError ? 'dkim-add-pem-error' : undefined}
            onChange={(event) => setPem(event.target.value)}
          />
          {pemError && (
            <span className="field-error" id="dkim-add-pem-error" role="alert">
              PEM private key: {pemError}
            </span>
          )}
        </div>
        <InlineField
          id="dkim-add-headers"
          label="Header fields to sign (optional)"
          autoComplete="off"
          placeholder="the usual set, with From"
          value={headers}
          error={headersError}
          onChange={setHeaders}
        />
        <button type="submit" ref={addButton}>
          {pem.trim() ? 'Import key' : 'Generate key'}
        </button>
      </form>
      {removing && keys && (
        <RemoveKeyDialog
          keyInfo={removing}
          keys={keys}
          onCancel={() => setRemoving(null)}
          onRemove={() => void remove(removing)}
        />
      )}
      {message && otherProblems !== '' && (
        <p
          className={message.error ? 'field-error' : 'field-ok'}
          role={message.error ? 'alert' : 'status'}
        >
          {otherProblems}
        </p>
      )}
      {message?.warning && (
        // the relay's own warning (its domain's mail now goes out unsigned, and the fix): a done
        // notice in green alone read as all well
        <p className="release-warning dkim-removal-warning" role="alert">
          <strong>Warning:</strong> {capitalized(message.warning)}
        </p>
      )}
    </div>
  );
}

/** A key's name among the section's buttons: its domain and selector. */
function keyName(key: DkimKeyInfo): string {
  return `${key.domain}/${key.selector}`;
}
