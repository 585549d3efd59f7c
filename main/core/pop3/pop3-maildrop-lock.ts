// RFC 1939 §8: once a login is accepted, "the POP3 server then acquires an exclusive-access lock
// on the maildrop, as necessary to prevent messages from being modified or removed before the
// session enters the UPDATE state". Without it, two sessions numbered the same messages and a
// DELE in one removed what the other was still reading.
//
// A maildrop is what the login name selects, not who logs in (pop3-login.ts): `NAME/MAILBOX` is
// one mailbox, `NAME` all mail, so the lock is on mailboxes, and all mail overlaps each of them.
// Two users on one mailbox share its lock; two different mailboxes do not contend.

/** The maildrops open in a TRANSACTION state, across the POP3 and POP3S listeners. */
export class MaildropLocks {
  /** Mailbox names; null is all mail. */
  private readonly open = new Set<string | null>();

  /** Locks the maildrop and answers its release (safe to call twice), or null when in use. */
  acquire(name: string | null): (() => void) | null {
    // `ada/Project-B` and `bob/project-b` open the same maildrop (logins ignore case)
    const mailbox = name === null ? null : name.toLowerCase();
    const overlaps =
      this.open.size > 0 && (mailbox === null || this.open.has(null) || this.open.has(mailbox));
    if (overlaps) return null;
    this.open.add(mailbox);
    let held = true;
    return () => {
      if (held) this.open.delete(mailbox);
      held = false;
    };
  }
}
