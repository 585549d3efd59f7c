import type { ReactNode } from 'react';
import { useApi } from '../api/api-context';
import type { MessageDetail } from '../api/contract';
import { DeliveryPanel } from '../delivery/DeliveryPanel';
import { AuthCheckRow } from '../route/AuthCheckRow';
import { RouteTimeline } from '../route/RouteTimeline';
import { useAsyncValue } from '../use-async-value';
import { HtmlCheckPanel } from './checks/HtmlCheckPanel';
import { useHtmlCheckPlatforms } from './checks/html-check-platforms';
import { scoreForPlatforms } from './checks/html-check-score';
import { LinkCheckPanel } from './checks/LinkCheckPanel';
import { SpamCheckPanel } from './checks/SpamCheckPanel';
import { htmlCheckBadge, linkCheckBadge, spamCheckBadge, type TabBadge } from './checks/tab-badges';
import { useMessageChecks, type MessageChecks } from './checks/use-message-checks';
import { Attachments } from './Attachments';
import { DeliveryReportBox } from './DeliveryReportBox';
import { EnvelopePanel } from './EnvelopePanel';
import { FilterDecision } from './FilterDecision';
import { HeadersPanel } from './HeadersTable';
import { HtmlPreview } from './HtmlPreview';
import { MessageHeader } from './MessageHeader';
import { MessageTabs, bodyTabs, type BodyTab } from './MessageTabs';
import { RawSource } from './RawSource';
import { HtmlSource, TextBody } from './BodySource';

function RoutePanel({ messageId, writtenHere }: { messageId: string; writtenHere: boolean }) {
  const api = useApi();
  const route = useAsyncValue(() => api.route(messageId), `route:${messageId}`);
  if (route.status === 'loading') return <p className="body-notice">Loading route…</p>;
  if (route.status === 'failed') {
    return (
      <p className="body-notice error" role="alert">
        {route.error}
      </p>
    );
  }
  return (
    <RouteTimeline
      route={route.value}
      check={<AuthCheckRow messageId={messageId} writtenHere={writtenHere} />}
    />
  );
}

function MessageBody({
  message,
  tab,
  checks,
}: {
  message: MessageDetail;
  tab: BodyTab;
  checks: MessageChecks;
}) {
  switch (tab) {
    case 'html':
      return (
        <HtmlPreview
          html={message.HTML}
          messageId={message.ID}
          parts={[...message.Inline, ...message.Attachments]}
        />
      );
    case 'html-source':
      return <HtmlSource messageId={message.ID} html={message.HTML} />;
    case 'text':
      return (
        <TextBody messageId={message.ID} text={message.Text} fromHtml={message.TextFromHTML} />
      );
    case 'headers':
      return <HeadersPanel messageId={message.ID} />;
    case 'source':
      return <RawSource messageId={message.ID} />;
    case 'route':
      return (
        <RoutePanel messageId={message.ID} writtenHere={message.Envelope.origin === 'relaydesk'} />
      );
    case 'delivery':
      return (
        <DeliveryPanel
          messageId={message.ID}
          subject={message.Subject}
          fromAddress={message.From?.Address ?? null}
        />
      );
    case 'html-check':
      return <HtmlCheckPanel check={checks.html} />;
    case 'links':
      return <LinkCheckPanel state={checks.links} onCheck={checks.checkLinks} />;
    case 'spam':
      return <SpamCheckPanel check={checks.spam} onAskAgain={checks.checkSpamAgain} />;
  }
}

/** The tabs about the HTML part: a message without one does not have them (nor in Mailpit,
 * whose HTML Check tab also needs an HTML part: there is nothing to check a client against). */
const htmlOnlyTabs: ReadonlySet<BodyTab> = new Set(['html', 'html-source', 'html-check']);

/** One opened message: header fields beside the envelope, attachments, and the tabs. */
export function MessageView(props: {
  messageId: string;
  tab: BodyTab;
  onSelectTab(tab: BodyTab): void;
  /** Shows the list of messages with a tag (a tag of this message was clicked). */
  onShowTag(tag: string): void;
  /**
   * The message's toolbar, shown on the subject's line; `unreadable` when the message cannot be
   * opened (its file gone), where it stays beside the reason.
   */
  actions?: (unreadable: boolean) => ReactNode;
}) {
  const api = useApi();
  const message = useAsyncValue(() => api.getMessage(props.messageId), props.messageId);
  const route = useAsyncValue(() => api.route(props.messageId), `envelope:${props.messageId}`);

  if (message.status === 'loading') {
    return <p className="view-notice">Loading message…</p>;
  }
  if (message.status === 'failed') {
    return (
      <UnreadableMessage messageId={props.messageId} error={message.error}>
        {props.actions?.(true)}
      </UnreadableMessage>
    );
  }
  // A message without HTML has no HTML tabs and opens on its text, as in Mailpit (an HTML tab
  // there only said "no HTML part").
  const html = message.value.HTML !== '';
  const tab = !html && htmlOnlyTabs.has(props.tab) ? 'text' : props.tab;
  return (
    <article className="message-view" data-testid="message-view" aria-label="Message">
      <div className="message-top">
        <MessageHeader
          message={message.value}
          onShowTag={props.onShowTag}
          actions={props.actions?.(false)}
        />
        <EnvelopePanel
          message={message.value}
          comparison={route.status === 'ready' ? route.value.envelope : null}
        />
      </div>
      <FilterDecision messageId={message.value.ID} />
      {message.value.DeliveryReport && <DeliveryReportBox report={message.value.DeliveryReport} />}
      <Attachments message={message.value} />
      <CheckedTabs message={message.value} tab={tab} onSelectTab={props.onSelectTab} />
    </article>
  );
}

/** The tabs of a message opened, the checks' verdicts in their badges. */
function CheckedTabs(props: {
  message: MessageDetail;
  tab: BodyTab;
  onSelectTab(tab: BodyTab): void;
}) {
  const html = props.message.HTML !== '';
  const checks = useMessageChecks(props.message.ID, html);
  const badges: Partial<Record<BodyTab, TabBadge>> = {};
  const platforms = useHtmlCheckPlatforms();
  if (checks.html.status === 'ready' && checks.html.value && platforms.chosen?.size !== 0)
    badges['html-check'] = htmlCheckBadge(scoreForPlatforms(checks.html.value, platforms.counts));
  const spam = checks.spam.status === 'ready' ? spamCheckBadge(checks.spam.value) : null;
  if (spam) badges.spam = spam;
  if (checks.links.status === 'done') badges.links = linkCheckBadge(checks.links.result);
  return (
    <MessageTabs
      selected={props.tab}
      onSelect={props.onSelectTab}
      tabs={html ? bodyTabs : bodyTabs.filter((t) => !htmlOnlyTabs.has(t.id))}
      badges={badges}
    >
      <MessageBody message={props.message} tab={props.tab} checks={checks} />
    </MessageTabs>
  );
}

/**
 * A message that cannot be opened (its file gone or unreadable): why, with the message's toolbar,
 * since the words say it stays listed until deleted; and for mail to relay its Delivery, which
 * the record holds without the file, so that what the queue does with it is seen and changed
 * here (the Queue view opens a message on that tab).
 */
function UnreadableMessage(props: { messageId: string; error: string; children: ReactNode }) {
  return (
    <article className="message-view" data-testid="message-view" aria-label="Message">
      <div className="message-unreadable">
        <p className="view-notice error" role="alert" data-testid="message-error">
          {props.error}
        </p>
        {props.children}
      </div>
      <DeliveryPanel messageId={props.messageId} unreadable />
    </article>
  );
}
