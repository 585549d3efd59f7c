import { useRef, useState } from 'react';
import { useFocusThroughBusy } from '../layout/use-focus-through-busy';
import { onScreen } from '../api/contract';
import { CollapsedList } from './CollapsedList';
import type { HtmlScreenshot } from './html-screenshot';
import { refusalGroups, refusalsSaid, refusedCount, type RefusalGroup } from './refusal-groups';
import { saveFile } from './save-file';

function failureWords(failure: unknown): string {
  if (failure instanceof Error && failure.message) return failure.message;
  // an image that failed to decode rejects with its error Event, which has no words
  return 'the browser could not draw it';
}

/** What the saved picture lacks: the sentence before the proxy's reasons. */
export function missingLead(count: number): string {
  const what =
    count === 1 ? 'a remote image or style sheet' : `${count} remote images or style sheets`;
  return `Saved without ${what} that Relaydesk's proxy could not fetch:`;
}

/**
 * Mailpit's Download → "HTML screenshot", beside the preview it draws: saves {ID}.png. Busy
 * while it draws (one at a time), a failure said beside it, and both told to a screen reader.
 * What the picture lacks (a remote image refused) is said beside it too.
 */
export function HtmlScreenshotButton(props: {
  messageId: string;
  capture(): Promise<HtmlScreenshot>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [lacking, setLacking] = useState<readonly RefusalGroup[]>([]);
  const [said, setSaid] = useState('');
  // a second click before React has re-rendered the button disabled
  const running = useRef(false);
  const button = useRef<HTMLButtonElement>(null);
  const name = `${props.messageId}.png`;
  // disabled while it draws: the focus comes back to it after
  const noteFocus = useFocusThroughBusy(button, busy);

  const take = async () => {
    if (running.current) return;
    running.current = true;
    noteFocus();
    setBusy(true);
    setError(null);
    setLacking([]);
    setSaid('Taking a screenshot of the HTML…');
    try {
      const shot = await props.capture();
      saveFile(name, shot.png, 'image/png');
      // a setting named as the Settings screen names it, as the link check's words are
      const missing = shot.missing.map((why) => onScreen(why));
      const groups = refusalGroups(missing);
      setLacking(groups);
      const note =
        missing.length > 0 ? ` ${missingLead(missing.length)} ${refusalsSaid(groups)}` : '';
      setSaid(`Screenshot saved as ${name}.${note}`);
    } catch (failure) {
      setSaid('');
      setError(`The screenshot could not be made: ${failureWords(failure)}.`);
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  return (
    <div className="html-screenshot">
      <button
        ref={button}
        type="button"
        data-testid="html-screenshot"
        disabled={busy}
        aria-busy={busy}
        title={`Saves the HTML body, drawn on white at the preview's width, as ${name}`}
        onClick={() => void take()}
      >
        {busy ? 'Taking screenshot…' : 'HTML screenshot'}
      </button>
      {lacking.length > 0 && (
        <div className="html-screenshot-note" data-testid="html-screenshot-note">
          <p>{missingLead(refusedCount(lacking))}</p>
          <ul>
            {lacking.map((group) => (
              <li key={group.reason} data-testid="html-screenshot-reason">
                {group.reason}
                {group.addresses.length > 0 && (
                  <CollapsedList
                    items={group.addresses}
                    label="addresses refused for this reason"
                    testId="html-screenshot-more"
                    render={(visible) => (
                      <ul className="html-screenshot-addresses">
                        {visible.map((address) => (
                          <li key={address}>{address}</li>
                        ))}
                      </ul>
                    )}
                  />
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="html-screenshot-error">
          {error}
        </p>
      )}
      {/* always in the page: a status region added with its words is not read out */}
      <p className="visually-hidden" role="status" data-testid="html-screenshot-status">
        {said}
      </p>
    </div>
  );
}
