import { useApi } from '../api/api-context';
import type { AuthVerdict, MessageAuthCheck } from '../api/contract';
import { useAsyncValue } from '../use-async-value';
import { dkimKeyName } from '../delivery/delivery-format';
import { AuthBadge } from './AuthBadge';

interface Badge {
  label: string;
  verdict: AuthVerdict;
}

function badges(check: MessageAuthCheck): Badge[] {
  // an unsigned message still gets a DKIM badge, so the row always reads the same four checks
  const dkim: Badge[] =
    check.dkim.length > 0
      ? check.dkim.map((v) => ({
          label: v.domain ? `DKIM ${v.domain}/${v.selector}` : 'DKIM',
          verdict: v,
        }))
      : [{ label: 'DKIM', verdict: { result: 'none', badge: 'neutral', reason: 'not signed' } }];
  return [
    ...dkim,
    { label: 'SPF', verdict: check.spf },
    { label: 'DMARC', verdict: check.dmarc },
    { label: 'ARC', verdict: check.arc },
  ];
}

/**
 * Relayed mail is signed on its way to the upstream, after it was stored: the check reads the
 * stored copy, so without this a user who set up DKIM reads "not signed" here and thinks
 * signing is broken. The check says which keys signed the copies sent (as the API gives it).
 */
function SignedOnTheWayOut({
  check,
  writtenHere = false,
}: {
  check: MessageAuthCheck;
  writtenHere?: boolean;
}) {
  const signers = check.relayedSignedBy.map(dkimKeyName);
  if (signers.length === 0) {
    if (!check.relayedUnsignedReason) return null;
    return (
      <p className="route-note" data-testid="auth-check-signed-out">
        {writtenHere ? '' : 'Checked as Relaydesk received it. '}The copies sent upstream were not
        DKIM-signed: {check.relayedUnsignedReason}.
      </p>
    );
  }
  return (
    <p className="route-note" data-testid="auth-check-signed-out">
      {writtenHere ? '' : 'Checked as Relaydesk received it. '}The copies sent upstream were
      DKIM-signed by {signers.join(', ')} (Delivery lists each attempt).
    </p>
  );
}

// Named like the header verdicts' groups below it, so the two cannot be taken for one another:
// ours is read now, against today's DNS; theirs were written when the message passed.
const OWN_CHECK_TITLE = 'Relaydesk’s own check (DNS now)';

/**
 * Our own DKIM/SPF/DMARC/ARC check of the message, one badge each, the reason in words. Not for
 * a message Relaydesk wrote itself (a failure report): no client sent it, so its SPF verdict on
 * this machine's name and 127.0.0.1 ("vm does not designate permitted sender hosts") judged
 * nothing; the servers it is relayed to judge it.
 */
export function AuthCheckRow({
  messageId,
  writtenHere = false,
}: {
  messageId: string;
  writtenHere?: boolean;
}) {
  const api = useApi();
  const check = useAsyncValue(() => api.authCheck(messageId), `auth-check:${messageId}`);
  if (check.status === 'loading') return <p className="route-note">Checking authentication…</p>;
  if (check.status === 'failed') {
    return (
      <p className="route-note error" role="alert">
        Authentication check failed: {check.error}
      </p>
    );
  }
  if (writtenHere) {
    return (
      <div className="auth-group">
        <p className="route-note" data-testid="auth-check-written-here">
          Relaydesk wrote this message, so no sender is checked here: the servers it is relayed to
          judge its DKIM, SPF and DMARC.
        </p>
        <SignedOnTheWayOut check={check.value} writtenHere />
      </div>
    );
  }
  return (
    <div className="auth-group">
      <p
        className="auth-source"
        data-testid="auth-check-title"
        title="Checked by Relaydesk with the DNS records as they are now; the groups below are what the receiving servers wrote when the message passed them."
      >
        {OWN_CHECK_TITLE}
      </p>
      <ul className="auth-badges" aria-label={OWN_CHECK_TITLE} data-testid="auth-check">
        {badges(check.value).map(({ label, verdict }, index) => (
          <AuthBadge
            // a message can carry two signatures of one selector (signed again on a second pass)
            key={`${index}:${label}`}
            label={label}
            tone={verdict.badge}
            reason={verdict.reason}
            title={`${verdict.result}: ${verdict.reason}`}
            testId="auth-check-badge"
          />
        ))}
      </ul>
      <ImportedClient check={check.value} />
      <SignedOnTheWayOut check={check.value} />
    </div>
  );
}

/**
 * An imported message came from no SMTP client, and a saved one sent again came from a program
 * here: which client its SPF (and DMARC by SPF) was judged for, the server that delivered it to
 * its mailbox, as the Route below shows that hop.
 */
function ImportedClient({ check }: { check: MessageAuthCheck }) {
  if (check.spfClientFrom === undefined) return null;
  const from = check.spfClientFrom;
  return (
    <p className="route-note" data-testid="auth-check-client">
      {from
        ? `${from.why === 'imported' ? 'Imported from a file' : 'Sent again from this machine, with the stamps of an earlier delivery'}: SPF is judged for ${check.spf.clientIp}, the server that handed it to ${from.receiver} (Hop ${from.hop}).`
        : `Imported from a file, and no Received field names a server on the Internet that delivered it: SPF is judged for ${check.spf.clientIp}, where it was imported from, which says nothing of its sender.`}
    </p>
  );
}
