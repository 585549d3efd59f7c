import type { DeliveryReport, DeliveryReportRecipient } from '../api/contract';
import { enhancedStatusMeaning } from '../api/contract';
import { shownMailText } from '../format/mail-format';
import { StatusMark, type RowState } from '../mailbox/StatusMark';

/**
 * RFC 3464 §2.3.3's actions as the Delivery tab marks its states: failed as failed, delayed as
 * still queued, and the three that say the message went on (delivered, or relayed or expanded
 * where no further report will come) as delivered.
 */
const actionMarks: Record<string, { status: RowState; label: string }> = {
  failed: { status: 'failed', label: 'Failed' },
  delayed: { status: 'queued', label: 'Delayed' },
  delivered: { status: 'delivered', label: 'Delivered' },
  relayed: { status: 'delivered', label: 'Relayed' },
  expanded: { status: 'delivered', label: 'Expanded' },
};

function ReportedRecipient({ recipient }: { recipient: DeliveryReportRecipient }) {
  const mark = actionMarks[recipient.action];
  const meaning = enhancedStatusMeaning(recipient.status);
  return (
    <li
      className="report-recipient"
      data-testid="report-recipient"
      data-action={recipient.action || 'none'}
    >
      <h4>
        <span className="report-address">{shownMailText(recipient.address)}</span>
        {mark ? (
          <StatusMark status={mark.status} label={mark.label} />
        ) : (
          recipient.action && <span className="status-mark">{recipient.action}</span>
        )}
      </h4>
      <dl className="recipient-facts">
        {recipient.status && (
          <div>
            <dt>Status</dt>
            <dd data-testid="report-status">
              {recipient.status}
              {meaning && <span className="report-meaning"> {meaning}</span>}
            </dd>
          </div>
        )}
        {recipient.remoteMta && (
          <div>
            <dt>Remote MTA</dt>
            <dd data-testid="report-remote-mta">{shownMailText(recipient.remoteMta)}</dd>
          </div>
        )}
        {recipient.diagnosticCode && (
          <div className="report-diagnostic">
            <dt>Diagnostic</dt>
            <dd data-testid="report-diagnostic">{shownMailText(recipient.diagnosticCode)}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}

/**
 * A delivery status notification read as one: who reported, what became of each recipient and
 * why, and which message it reports on; the same facts the Text tab has run together.
 */
export function DeliveryReportBox({ report }: { report: DeliveryReport }) {
  const original = report.original;
  return (
    <section className="delivery-report" aria-label="Delivery report" data-testid="delivery-report">
      <h3>
        Delivery report
        {report.reportingMta && ` from ${shownMailText(report.reportingMta)}`}
      </h3>
      <ul className="report-recipients">
        {report.recipients.map((recipient, index) => (
          <ReportedRecipient key={`${index}:${recipient.address}`} recipient={recipient} />
        ))}
      </ul>
      {original && (original.subject || original.messageId) && (
        <dl className="recipient-facts report-original" data-testid="report-original">
          <div>
            <dt>Original message</dt>
            <dd>{original.subject ? shownMailText(original.subject) : '(no subject)'}</dd>
          </div>
          {original.messageId && (
            <div>
              <dt>Message-ID</dt>
              <dd>&lt;{shownMailText(original.messageId)}&gt;</dd>
            </div>
          )}
        </dl>
      )}
    </section>
  );
}
