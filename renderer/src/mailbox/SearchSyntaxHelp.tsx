import { useState } from 'react';
import { Dialog } from '../layout/Dialog';

/**
 * Every search operator with an example, as Mailpit's documentation lists them. The line under
 * the box names nine and is cut in a window under ~1100 px; `cc:`, `tag:`, `larger:`,
 * `is:read`, `has:inline` and the rest worked but were nowhere on screen.
 */
const operators: { examples: string[]; finds: string }[] = [
  { examples: ['invoice'], finds: 'the word anywhere: subject, addresses, body text' },
  { examples: ['"weekly report"'], finds: 'the phrase as written' },
  {
    examples: ['from:ada@example.com'],
    finds: 'the sender (a part of the address or name will do)',
  },
  { examples: ['to:bob'], finds: 'a To recipient' },
  { examples: ['cc:carol', 'bcc:dave'], finds: 'a Cc or Bcc recipient' },
  { examples: ['reply-to:support'], finds: 'the Reply-To address' },
  { examples: ['addressed:bob'], finds: 'any of From, To, Cc, Bcc and Reply-To' },
  { examples: ['subject:"order #1234"'], finds: 'the subject' },
  { examples: ['message-id:abc123@example.com'], finds: 'the Message-ID' },
  { examples: ['tag:billing'], finds: 'messages with that tag' },
  { examples: ['mailbox:outbox'], finds: 'one mailbox (inbox, outbox, or a named one)' },
  { examples: ['is:unread', 'is:read'], finds: 'unread, or read, messages' },
  { examples: ['is:tagged'], finds: 'messages with any tag' },
  { examples: ['has:attachment', 'has:inline'], finds: 'an attachment, or an inline image' },
  { examples: ['larger:1m', 'smaller:50k'], finds: 'by size: bytes, or with k/kb or m/mb' },
  {
    examples: ['after:2024-01-31', 'before:"2024-02-01 13:45"'],
    finds: 'received after or before',
  },
  { examples: ['-from:noreply', '!tag:spam'], finds: 'not matching (- or ! before any term)' },
];

/** "All operators" after the hint under the search box, and the list it opens. */
export function SearchSyntaxHelp() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="search-help-button"
        data-testid="search-help-button"
        onClick={() => setOpen(true)}
      >
        All operators
      </button>
      {open && (
        <Dialog title="Search operators" onClose={() => setOpen(false)} testId="search-help">
          <p className="search-help-note">
            Terms are combined: each one must match. Mailpit&apos;s syntax, so a search written for
            Mailpit finds the same messages here.
          </p>
          <table className="shortcuts search-help-table">
            <thead>
              <tr>
                <th scope="col">Example</th>
                <th scope="col">Finds</th>
              </tr>
            </thead>
            <tbody>
              {operators.map((operator) => (
                <tr key={operator.finds}>
                  <td>
                    {operator.examples.map((example, index) => (
                      <span key={example}>
                        {index > 0 && ', '}
                        <code>{example}</code>
                      </span>
                    ))}
                  </td>
                  <td>{operator.finds}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Dialog>
      )}
    </>
  );
}
