import { Fragment, type ReactNode } from 'react';
import type { MessageDetail } from '../api/contract';

/**
 * The List-Unsubscribe header as a developer checks it (Mailpit shows it beside From): the links
 * a mail client offers, whether one click is enough (RFC 8058's List-Unsubscribe-Post), and what
 * is wrong with the header. The links are text, not links: following one from a test message
 * would unsubscribe someone in the app under test.
 */
/** RFC 8058 §3.1: the List-Unsubscribe-Post value that makes a one-click unsubscribe. */
const oneClick = 'List-Unsubscribe=One-Click';

/**
 * A link with a break opportunity (<wbr>, which copies as nothing) after each run of the
 * characters a URL reads in parts by (`/`, `?`, `&`, `=`): a link too long for its column wraps
 * there ("…/unsubscribe/" "confirm?list=…"), never mid-word as "…/un" "sub?u=7" did. The parts
 * between are kept whole (the browser would break after a hyphen too: "weekly-" "digest"), but
 * for one longer than a narrow column can hold (a token), which may still break where it must.
 */
function withURLBreaks(link: string): ReactNode[] {
  return link.split(/(?<=[/?&=])(?![/?&=])/).flatMap((part, index) => {
    const shown =
      part.length > longestWholePart ? (
        part
      ) : (
        <span key={`part${index}`} className="url-part">
          {part}
        </span>
      );
    return index === 0 ? [shown] : [<wbr key={`break${index}`} />, shown];
  });
}

/** The longest part kept whole: about what the Unsubscribe column holds in a 420 px window. */
const longestWholePart = 32;

export function UnsubscribeField({
  unsubscribe,
}: {
  unsubscribe: MessageDetail['ListUnsubscribe'];
}) {
  const { Links: links, HeaderPost: post, Errors: errors } = unsubscribe;
  return (
    <span className="unsubscribe" data-testid="message-unsubscribe">
      {links.map((link, index) => (
        <Fragment key={link}>
          <span className="unsubscribe-link" data-testid="unsubscribe-link">
            &lt;{withURLBreaks(link)}&gt;{index < links.length - 1 && ','}
          </span>{' '}
        </Fragment>
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
