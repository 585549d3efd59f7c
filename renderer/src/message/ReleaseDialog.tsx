import { useApi } from '../api/api-context';
import type { FilterVerdictView } from '../api/contract';
import { Dialog } from '../layout/Dialog';
import { ReleaseConfirm } from './ReleaseConfirm';

/**
 * The confirm before a quarantined message is released: it names what the filter found, and a
 * virus must be acknowledged by ticking a box (the Release button stays disabled until then),
 * since releasing it sends the virus to its recipients. A false positive of the attachment
 * policy is one click more, as amavisd-release or postsuper -H are one command.
 */
export function ReleaseDialog(props: {
  messageId: string;
  filter: FilterVerdictView;
  onClose(): void;
  onReleased(): void;
}) {
  const api = useApi();
  const { filter } = props;
  const virus = filter.scan === 'infected';
  return (
    <Dialog
      title={virus ? 'Release a message that carries a virus?' : 'Release from the quarantine?'}
      onClose={props.onClose}
      className="release-dialog"
      testId="release-dialog"
    >
      {virus && (
        <p className="release-warning" data-testid="release-virus-warning">
          <strong>This message carries a virus</strong>: clamd found{' '}
          <code>{filter.signature ?? 'a virus'}</code> in it. Releasing it sends the virus to its
          recipients.
        </p>
      )}
      <p>The filter quarantined it for:</p>
      <ul data-testid="release-reasons">
        {filter.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <p>
        Released, it goes back to the mailbox it was for and, where the routing rules relay its
        recipients, into the queue to be sent, once. It keeps its verdict and is tagged “released”.
      </p>
      <ReleaseConfirm
        testIds="release"
        virusTick={
          virus ? 'I know this message carries a virus and want it sent to its recipients' : null
        }
        releaseLabel={virus ? 'Release the virus' : 'Release'}
        onKeep={props.onClose}
        onRelease={async (confirmVirus) => {
          await api.releaseQuarantined(props.messageId, confirmVirus);
          props.onReleased();
        }}
      />
    </Dialog>
  );
}
