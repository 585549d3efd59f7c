import { useApi } from '../api/api-context';
import type { AuthVerdict, MessageAuthCheck } from '../api/contract';
import { useAsyncValue } from '../use-async-value';

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

/** Our own DKIM/SPF/DMARC/ARC check of the message, one badge each, the reason in words. */
export function AuthCheckRow({ messageId }: { messageId: string }) {
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
  return (
    <ul className="auth-badges" aria-label="Authentication check" data-testid="auth-check">
      {badges(check.value).map(({ label, verdict }) => (
        <li
          key={label}
          className={`auth-badge auth-${verdict.badge}`}
          data-testid="auth-check-badge"
          data-badge={verdict.badge}
          title={`${verdict.result}: ${verdict.reason}`}
        >
          {label} {verdict.badge}
          <span className="auth-reason"> — {verdict.reason}</span>
        </li>
      ))}
    </ul>
  );
}
