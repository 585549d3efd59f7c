import type { DkimKeyInfo } from '../api/contract';
import { Dialog } from '../layout/Dialog';
import { ConfirmActions } from '../layout/ConfirmActions';
import { signingAfterRemoval } from './dkim-removal';

/**
 * The confirm before a DKIM key is removed: its private key file is deleted for good (the
 * published record then matches no key anyone has), and a mis-click on the domain's only signing
 * key would send its mail out unsigned. Esc or Cancel keep it; focus goes back to Remove.
 */
export function RemoveKeyDialog(props: {
  keyInfo: DkimKeyInfo;
  keys: readonly DkimKeyInfo[];
  onCancel(): void;
  onRemove(): void;
}) {
  const { keyInfo: key } = props;
  const after = signingAfterRemoval(props.keys, key);
  return (
    <Dialog
      title={`Remove the DKIM key ${key.selector} of ${key.domainUnicode}?`}
      onClose={props.onCancel}
      className="confirm-dialog dkim-remove-dialog"
      testId="dkim-remove-dialog"
    >
      {after.kind === 'unsigned' && (
        <p className="release-warning" data-testid="dkim-remove-unsigned">
          <strong>This is the only key that signs mail from {key.domainUnicode}.</strong> From then
          on its mail goes out unsigned, and receivers may fail DMARC for it (reject it or file it
          as spam, as the domain&apos;s DMARC policy says).
        </p>
      )}
      <p>
        This deletes selector <strong>{key.selector}</strong> of{' '}
        <strong>{key.domainUnicode}</strong> and its private key file. The key cannot be recovered:
        its TXT record at <code>{key.record.name}</code> then matches no key anyone has.
      </p>
      {after.kind === 'still-signed' && (
        <p>
          Mail from {key.domainUnicode} is still signed, with selector {after.selectors.join(', ')}.
        </p>
      )}
      {after.kind === 'parent-signs' && (
        <p>
          Mail from {key.domainUnicode} is then signed with the key of {after.domain} (selector{' '}
          {after.selectors.join(', ')}).
        </p>
      )}
      <ConfirmActions
        keepLabel="Cancel"
        onKeep={props.onCancel}
        confirmLabel="Remove key"
        onConfirm={props.onRemove}
        confirmTestId="dkim-remove-confirm"
      />
    </Dialog>
  );
}
