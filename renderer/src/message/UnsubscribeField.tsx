import type { MessageDetail } from '../api/contract';

/**
 * The List-Unsubscribe header as a developer checks it (Mailpit shows it beside From): the links
 * a mail client offers, whether one click is enough (RFC 8058's List-Unsubscribe-Post), and what
 * is wrong with the header. The links are text, not links: following one from a test message
 * would unsubscribe someone in the app under test.
 */
/** RFC 8058 §3.1: the List-Unsubscribe-Post value that makes a one-click unsubscribe. */
const oneClick = 'List-Unsubscribe=One-Click';

export function UnsubscribeField({
  unsubscribe,
}: {
  unsubscribe: MessageDetail['ListUnsubscribe'];
}) {
  const { Links: links, HeaderPost: post, Errors: errors } = unsubscribe;
  return (
    <span className="unsubscribe" data-testid="message-unsubscribe">
      {links.map((link, index) => (
        <span key={link} className="unsubscribe-link" data-testid="unsubscribe-link">
          &lt;{link}&gt;{index < links.length - 1 && ','}{' '}
        </span>
      ))}
      {post !== '' && (
        <span
          className="unsubscribe-post"
          data-testid="unsubscribe-post"
          title={`List-Unsubscribe-Post: ${post}`}
        >
          {/* RFC 8058's one value; anything else is shown as sent, for the developer to fix */}
          {post === oneClick ? 'one-click' : `List-Unsubscribe-Post: ${post}`}{' '}
        </span>
      )}
      {errors !== '' && (
        <span className="error" data-testid="unsubscribe-error">
          {errors}
        </span>
      )}
    </span>
  );
}
