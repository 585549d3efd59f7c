import { useApi } from '../api/api-context';
import { Dialog } from '../layout/Dialog';
import { ReleaseConfirm } from '../message/ReleaseConfirm';
import { runRelease, virusesIn, type ReleaseOutcome, type ReleasePlan } from './bulk-release';

const messages = (n: number): string => `${n} message${n === 1 ? '' : 's'}`;

/**
 * The confirm before the bulk bar's Release lets selected mail out of the quarantine: how many,
 * why the filter held them, and how many carry a virus, which must be acknowledged with the same
 * tick as the one message's ReleaseDialog (nothing is released until it is ticked: a selection
 * swept up with the mouse must not send a virus by the way).
 */
export function BulkReleaseDialog(props: {
  plan: ReleasePlan;
  onClose(): void;
  onDone(outcomes: ReleaseOutcome[]): void;
}) {
  const api = useApi();
  const { plan } = props;
  const viruses = virusesIn(plan);
  const virus = viruses.length > 0;
  const held = plan.quarantined.length;
  const reasons = [...new Set(plan.quarantined.flatMap((m) => m.filter.reasons))];
  const signatures = [...new Set(viruses.map((m) => m.filter.signature ?? 'a virus'))];
  const onlyViruses = viruses.length === held && plan.queued.length === 0;

  return (
    <Dialog
      title={`Release ${messages(held)} from the quarantine?`}
      onClose={props.onClose}
      className="release-dialog"
      testId="bulk-release-dialog"
    >
      {virus && (
        <p className="release-warning" data-testid="bulk-release-virus-warning">
          <strong>
            {viruses.length === held
              ? `${viruses.length === 1 ? 'It carries' : `All ${held} carry`} a virus`
              : `${viruses.length} of them carry a virus`}
          </strong>
          : clamd found{' '}
          {signatures.map((signature, i) => (
            <span key={signature}>
              {i > 0 && ', '}
              <code>{signature}</code>
            </span>
          ))}
          . Releasing {viruses.length === 1 ? 'it sends the virus' : 'them sends the viruses'} to
          their recipients.
        </p>
      )}
      <p>The filter quarantined them for:</p>
      <ul data-testid="bulk-release-reasons">
        {reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <p>
        Released, each goes back to the mailbox it was for and, where the routing rules relay its
        recipients, into the queue to be sent, once. Each keeps its verdict and is tagged
        “released”.
        {plan.queued.length > 0 &&
          ` The other ${messages(plan.queued.length)} selected ${plan.queued.length === 1 ? 'is' : 'are'} not quarantined: what of ${plan.queued.length === 1 ? 'it' : 'them'} is held in the queue is released, as Release does.`}
      </p>
      <ReleaseConfirm
        testIds="bulk-release"
        virusTick={
          virus
            ? `I know ${
                viruses.length > 1
                  ? `${viruses.length} of these carry`
                  : held === 1
                    ? 'this message carries'
                    : 'one of these carries'
              } a virus and want ${viruses.length === 1 ? 'it' : 'them'} sent to their recipients`
            : null
        }
        releaseLabel={
          !virus
            ? `Release ${messages(held + plan.queued.length)}`
            : onlyViruses
              ? viruses.length === 1
                ? 'Release the virus'
                : 'Release the viruses'
              : 'Release, viruses included'
        }
        onKeep={props.onClose}
        onRelease={async (confirmVirus) => props.onDone(await runRelease(api, plan, confirmVirus))}
      />
    </Dialog>
  );
}
