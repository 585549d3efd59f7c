// A stable, short label for why the listener refused something, from the audit line's reason
// (which carries details such as addresses and limits that must not become label values: each
// distinct label value is a new time series in Prometheus).
const reasons: Array<[RegExp, string]> = [
  [/^larger than /, 'too_large'],
  [/Received headers/, 'loop'],
  [/^recipient limit/, 'too_many_recipients'],
  [/could not store|disk/i, 'storage'],
  [/^message rate limit/, 'rate_limit'],
  [/^routing rule/, 'routing_rule'],
  [/may not relay/, 'relay_denied'],
  [/^open-relay address/, 'relay_address'],
  [/must authenticate|authentication required/i, 'auth_required'],
  [/^TLS required/, 'tls_required'],
  [/connection limit/, 'connection_limit'],
  [/allowlist/, 'not_allowed'],
  [/locked out/, 'locked_out'],
  [/bad credentials/, 'bad_credentials'],
  // sessions the server ended with a 421
  [/Data rate too low/, 'data_rate'],
  [/waiting for a command/, 'command_timeout'],
  [/Session deadline/, 'session_deadline'],
  [/shutting down/i, 'shutdown'],
  [/Timeout/i, 'idle_timeout'],
];

export function refusalReason(reason: string | undefined): string {
  if (!reason) return 'other';
  for (const [pattern, label] of reasons) if (pattern.test(reason)) return label;
  return 'other';
}
