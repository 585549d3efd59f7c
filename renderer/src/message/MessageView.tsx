import { useApi } from '../api/api-context';
import type { MessageDetail } from '../api/contract';
import { useAsyncValue } from '../use-async-value';
import { HtmlCheckPanel } from './checks/HtmlCheckPanel';
import { LinkCheckPanel } from './checks/LinkCheckPanel';
import { SpamCheckPanel } from './checks/SpamCheckPanel';
import { HeadersPanel } from './HeadersTable';
import { HtmlPreview } from './HtmlPreview';
import { MessageHeader } from './MessageHeader';
import { MessageTabs, type BodyTab } from './MessageTabs';
import { RawSource } from './RawSource';
import { TextBody } from './TextBody';

function MessageBody({ message, tab }: { message: MessageDetail; tab: BodyTab }) {
  switch (tab) {
    case 'html':
      return <HtmlPreview html={message.HTML} />;
    case 'text':
      return <TextBody text={message.Text} />;
    case 'headers':
      return <HeadersPanel messageId={message.ID} />;
    case 'raw':
      return <RawSource messageId={message.ID} />;
    case 'html-check':
      return <HtmlCheckPanel messageId={message.ID} />;
    case 'links':
      return <LinkCheckPanel messageId={message.ID} />;
    case 'spam':
      return <SpamCheckPanel messageId={message.ID} />;
  }
}

/** One opened message: its header fields and the body tabs. */
export function MessageView(props: {
  messageId: string;
  tab: BodyTab;
  onSelectTab(tab: BodyTab): void;
}) {
  const api = useApi();
  const message = useAsyncValue(() => api.getMessage(props.messageId), props.messageId);

  if (message.status === 'loading') {
    return <p className="view-notice">Loading message…</p>;
  }
  if (message.status === 'failed') {
    return (
      <p className="view-notice error" role="alert" data-testid="message-error">
        {message.error}
      </p>
    );
  }
  return (
    <article className="message-view" data-testid="message-view" aria-label="Message">
      <MessageHeader message={message.value} />
      <MessageTabs selected={props.tab} onSelect={props.onSelectTab}>
        <MessageBody message={message.value} tab={props.tab} />
      </MessageTabs>
    </article>
  );
}
