// Replies by which a smart host refuses the sender because its login may not send as that
// address. Microsoft 365 (`554 5.2.252 SendAsDenied`), Exchange (`5.7.60`), Postfix's
// `reject_sender_login_mismatch` (`553 5.7.1 … not owned by user`), Amazon SES and SendGrid
// (unverified sender identity) each word it their own way; the reply alone does not tell an
// office admin that the scanner's `scan@printer.local` needs a Send as rule, so the Delivery view
// says it beside the reply.
import type { SmtpReplyView } from '../../../preload/api-contract.js';

export interface SenderRefusalAdvice {
  detail: string;
  fix: string;
}

const SENDER_NOT_OWNED =
  /SendAsDenied|send as this sender|not owned by user|not allowed to send as|Email address is not verified|identities failed the check|verified Sender Identity/i;

/** `loginUser`: the upstream's AUTH user, the address to send as when it is one. */
export function adviseOnSenderRefusal(
  reply: SmtpReplyView,
  sender: string,
  loginUser: string | null = null,
): SenderRefusalAdvice | null {
  if (reply.code === null || reply.code < 500) return null;
  if (reply.enhanced !== '5.2.252' && reply.enhanced !== '5.7.60') {
    if (!SENDER_NOT_OWNED.test(reply.text)) return null;
  }
  const who = sender === '' ? 'the null sender <>' : sender;
  const sendAs = loginUser?.includes('@') ? loginUser : 'an address the login may send as';
  return {
    detail: `the upstream takes mail only from addresses its login may send as, and refused ${who}`,
    fix:
      sender === ''
        ? 'this upstream takes no bounce reports (their sender is the null sender <>): turn off failure reports (dsn); failures stay listed in the Queue view'
        : `add a Send as rule (Settings → Upstream → Send as, senderRewrite) that maps ${sender} to ${sendAs}, such as [{"match": "${sender}", "to": "${loginUser?.includes('@') ? loginUser : 'you@your-domain'}"}], then Resend the message (Delivery tab)`,
  };
}
