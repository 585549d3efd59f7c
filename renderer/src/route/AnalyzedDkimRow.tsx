import type { AnalyzedDkim, AnalyzedDkimSignature } from '../api/contract';
import { AuthBadge } from './AuthBadge';

/** `DKIM py.example/py1`, as the message view's own check names a signature. */
function signerLabel(signature: AnalyzedDkimSignature): string {
  return signature.domain
    ? `DKIM ${signature.domain}/${signature.selector || '?'}`
    : 'DKIM (no d=)';
}

/** What a signature covers, in the field names it gives (From over-signed is said once). */
function coveredText(signature: AnalyzedDkimSignature): string {
  const fields = [...new Set(signature.signedHeaders.map((name) => name.toLowerCase()))];
  const algorithm = signature.algorithm ? `${signature.algorithm}; ` : '';
  return fields.length > 0
    ? `${algorithm}signs ${fields.join(', ')}`
    : `${algorithm}names no header field (h=)`;
}

// Read now, against today's DNS, like the message view's own check; the groups below it are
// what receivers wrote when the message passed them.
const TITLE = 'DKIM, verified by Relaydesk (DNS now)';
const LISTED_TITLE = 'DKIM signatures (not verified)';

/**
 * The DKIM signatures of what was given to Analyze, as the Route tab's own check shows them: a
 * badge and the reason for each one verified; for a header block alone, each signer with what it
 * signs, and why it cannot be verified. `partial` says the message was cut (a file larger than
 * Analyze reads): its body hashes cannot be checked either, so no verdict is shown.
 */
export function AnalyzedDkimRow({
  dkim,
  partial,
}: {
  dkim: AnalyzedDkim;
  partial?: string | null;
}) {
  if (dkim.state === 'unsigned' || dkim.state === 'not-in-copy') {
    return (
      <div className="auth-group" data-testid="analyze-dkim" data-state={dkim.state}>
        <p className="auth-source">{TITLE}</p>
        <ul className="auth-badges" aria-label={TITLE}>
          <AuthBadge
            label="DKIM"
            tone="neutral"
            word={dkim.state === 'unsigned' ? 'none' : 'not in this copy'}
            reason={dkim.note}
            title={dkim.note}
            testId="analyze-dkim-badge"
          />
        </ul>
      </div>
    );
  }
  const verified = dkim.state === 'verified' && !partial;
  const title = verified ? TITLE : LISTED_TITLE;
  return (
    <div
      className="auth-group"
      data-testid="analyze-dkim"
      data-state={verified ? 'verified' : 'header-only'}
    >
      <p className="auth-source">{title}</p>
      <ul className="auth-badges" aria-label={title}>
        {dkim.signatures.map((signature, index) => {
          const verdict = verified ? signature.verdict : null;
          return (
            <AuthBadge
              // a message can carry two signatures of one selector
              key={`${index}:${signature.domain}/${signature.selector}`}
              label={signerLabel(signature)}
              tone={verdict ? verdict.badge : 'neutral'}
              word={verdict ? verdict.badge : 'not verified'}
              state={verdict ? verdict.badge : 'not-verified'}
              reason={verdict ? verdict.reason : coveredText(signature)}
              title={verdict ? `${verdict.result}: ${verdict.reason}` : coveredText(signature)}
              testId="analyze-dkim-badge"
            />
          );
        })}
      </ul>
      {verified && (
        <dl className="hop-facts route-origin" data-testid="analyze-dkim-signed">
          {dkim.signatures.map((signature, index) => (
            <div key={`${index}:${signature.domain}/${signature.selector}`}>
              <dt>{signerLabel(signature).replace(/^DKIM /, '')}</dt>
              <dd>{coveredText(signature)}</dd>
            </div>
          ))}
        </dl>
      )}
      {(partial || (!verified && dkim.note)) && (
        <p className="route-note" data-testid="analyze-dkim-note">
          {partial ?? dkim.note}
        </p>
      )}
      {verified && dkim.offline && (
        <p className="route-note" data-testid="analyze-dkim-note">
          DNS could not be reached: the signatures whose key could not be looked up are shown
          offline; analyze again when online.
        </p>
      )}
    </div>
  );
}
