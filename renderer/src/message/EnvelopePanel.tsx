import type { MessageDetail } from '../api/contract';
import type { EnvelopeComparison } from '../api/contract';
import { CollapsedList } from './CollapsedList';
import { useRememberedDisclosure } from './use-remembered-disclosure';

/** The closed panel's one line: who sent to how many, and what differs, so nothing hides. */
function envelopeSummary(
  mailFrom: string,
  recipients: number,
  bcc: number,
  missing: number,
  senderMismatch: boolean,
  fromless: boolean,
): { text: string; flags: string } {
  const sender = mailFrom === '' ? '<>' : mailFrom;
  const text = `${sender} → ${recipients} ${recipients === 1 ? 'recipient' : 'recipients'}`;
  const flags = [
    senderMismatch ? (fromless ? 'no From address' : 'sender differs') : '',
    bcc > 0 ? `${bcc} Bcc` : '',
    missing > 0 ? `${missing} not in envelope` : '',
  ].filter(Boolean);
  return { text, flags: flags.join(', ') };
}

/**
 * Who handed the message over. A message Relaydesk wrote, or one imported from a file, came from
 * no SMTP client: its stand-in fields (this machine's name and 127.0.0.1) read as if a program
 * here had sent it.
 */
function clientWords(envelope: MessageDetail['Envelope']): string {
  if (envelope.origin === 'relaydesk') return 'none: Relaydesk wrote this message itself';
  if (envelope.origin === 'ingest') {
    return `none: imported from a file (relaydesk ingest, from ${envelope.clientIp}); the envelope is read from its headers`;
  }
  const client =
    envelope.helo === `[${envelope.clientIp}]`
      ? envelope.helo
      : `${envelope.helo} [${envelope.clientIp}]`;
  return `${client}${envelope.user ? `, user ${envelope.user}` : ''}${
    envelope.tls ? `, ${envelope.tls.protocol}` : ', no TLS'
  }`;
}

/**
 * What the SMTP client said (MAIL FROM, RCPT TO) beside what the headers claim. Recipients only
 * in the envelope are the Bcc; differences are flagged, since they are where spoofing, lists and
 * forwarding show.
 */
export function EnvelopePanel({
  message,
  comparison,
}: {
  message: MessageDetail;
  comparison: EnvelopeComparison | null;
}) {
  const envelope = message.Envelope;
  const bcc = new Set(comparison?.bcc ?? []);
  const missing = comparison?.notInEnvelope ?? [];
  // a bounce and an automatic reply are sent from <> (RFC 3464 §2, RFC 3834 §3.3): as they
  // should be, so not flagged; any other mail from <> still is
  const expectedNullSender = envelope.mailFrom === '' && Boolean(comparison?.automatic);
  // a bounce address of the From's own domain (VERP, an ESP's custom return path) is how app and
  // bulk mail is sent, and SPF counts for DMARC with it: said, not flagged
  const ownBounceAddress =
    comparison !== null && !comparison.mailFromMatchesFrom && comparison.mailFromAligned;
  const senderMismatch =
    comparison && !expectedNullSender && !ownBounceAddress
      ? !comparison.mailFromMatchesFrom
      : false;
  const fromless = !message.From || message.From.Address === '';
  const disclosure = useRememberedDisclosure('envelope');
  const summary = envelopeSummary(
    envelope.mailFrom,
    envelope.rcptTo.length,
    bcc.size,
    missing.length,
    senderMismatch,
    fromless,
  );
  return (
    <section
      className={`envelope${disclosure.open ? '' : ' closed'}`}
      aria-label="Envelope"
      data-testid="envelope"
      // whether the headers were compared yet (the Bcc and "not in envelope" marks come with it)
      data-compared={comparison ? 'yes' : 'no'}
    >
      <h3>
        <button
          type="button"
          className="disclosure"
          aria-expanded={disclosure.open}
          aria-controls="envelope-details"
          data-testid="envelope-toggle"
          onClick={disclosure.toggle}
        >
          Envelope
        </button>
        {!disclosure.open && (
          <span className="panel-summary" data-testid="envelope-summary">
            {summary.text}
            {summary.flags && <span className="flag">, {summary.flags}</span>}
          </span>
        )}
      </h3>
      <dl id="envelope-details" hidden={!disclosure.open}>
        <div className={senderMismatch ? 'mismatch' : undefined}>
          <dt>MAIL FROM</dt>
          <dd data-testid="envelope-mail-from">
            {envelope.mailFrom !== ''
              ? envelope.mailFrom
              : expectedNullSender
                ? '<> (null sender, as a bounce or automatic reply has)'
                : '<> (null sender)'}
            {senderMismatch && (
              <span className="flag" data-testid="envelope-flag">
                {' '}
                {fromless ? 'and the message has no From address' : 'differs from the From header'}
              </span>
            )}
            {ownBounceAddress && (
              <span className="aside" data-testid="envelope-aligned">
                {' '}
                a bounce address in the From address’s domain (SPF counts for DMARC with it)
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>RCPT TO</dt>
          <dd>
            <CollapsedList
              items={envelope.rcptTo}
              label="RCPT TO recipients"
              testId="envelope-rcpt-more"
              // a Bcc recipient is what the envelope is read for: never hidden unsaid
              hiddenNote={(hidden) => {
                const count = hidden.filter((address) => bcc.has(address)).length;
                return count > 0 ? `${count} Bcc` : null;
              }}
              render={(shown) => (
                <ul className="rcpt-list">
                  {shown.map((address) => (
                    <li key={address} data-testid="envelope-rcpt">
                      {address}
                      {bcc.has(address) && (
                        <span className="badge bcc" data-testid="bcc-label">
                          Bcc
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            />
          </dd>
        </div>
        {missing.length > 0 && (
          <div className="mismatch">
            <dt>Not in envelope</dt>
            <dd data-testid="envelope-not-sent">
              <span className="note">named in To/Cc but not sent to:</span>
              {/* a list's To names thousands: folded like RCPT TO, not a paragraph of addresses */}
              <CollapsedList
                items={missing}
                label="recipients not in the envelope"
                testId="envelope-not-sent-more"
                render={(shown) => (
                  <ul className="rcpt-list">
                    {shown.map((address) => (
                      <li key={address} data-testid="envelope-not-sent-address">
                        {address}
                      </li>
                    ))}
                  </ul>
                )}
              />
            </dd>
          </div>
        )}
        <div>
          <dt>Client</dt>
          <dd data-testid="envelope-client">
            {clientWords(envelope)}
            {envelope.session && (
              <>
                {' · '}
                <a
                  href={`#sessions/${encodeURIComponent(envelope.session)}`}
                  data-testid="envelope-session"
                >
                  SMTP session
                </a>
              </>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
