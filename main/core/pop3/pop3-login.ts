// Who may log in to POP3, and which mailbox a login name selects. The rules are the SMTP
// listener's: with SMTP users, their names and passwords; with none, a loopback client may log in
// with any password (a local catcher needs no set-up), and nobody else at all.
//
// The login name is `NAME` for every message Relaydesk keeps (Mailpit, which has no mailboxes,
// serves all mail the same way), or `NAME/MAILBOX` for one mailbox, e.g. `ada/project-b`.
// "/" is in neither a user name nor a mailbox name, so a login is never ambiguous, whereas
// `user@mailbox` would be: user names may be addresses (`qa@example.com`).
import type { ClientTrust } from '../policy/client-trust.js';

export interface Pop3Login {
  user: string;
  /** null: all mail. */
  mailbox: string | null;
}

export function parseLogin(name: string): Pop3Login {
  const slash = name.lastIndexOf('/');
  if (slash === -1) return { user: name, mailbox: null };
  const mailbox = name.slice(slash + 1);
  return { user: name.slice(0, slash), mailbox: mailbox === '' ? null : mailbox };
}

export type PasswordCheck = 'any' | 'verify' | 'refuse';

/** How a login's password is judged, given who is asking. */
export function passwordCheck(input: {
  trust: ClientTrust;
  usersExist: boolean;
  requireAuth: boolean;
}): PasswordCheck {
  if (input.usersExist) return 'verify';
  if (input.trust.reason === 'loopback' && !input.requireAuth) return 'any';
  return 'refuse';
}
