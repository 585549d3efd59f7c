import { useState } from 'react';
import { onScreen, settingName } from '../../api/contract';
import {
  blockedLinks,
  failedLinks,
  isBlockedLink,
  isFailedLink,
  type LinkCheck,
} from './check-results';
import type { LinkCheckState } from './use-message-checks';

type LinkStatus = LinkCheck['Links'][number];

/**
 * The links by their answer, as Mailpit lists them: the failures first, then the blocked ones,
 * then redirects, then the rest, each answer once beside its links (a message of 60 links
 * showed "451 Blocked private address (ticking …)" 60 times, and its one broken link somewhere
 * among them).
 */
function statusGroups(links: LinkStatus[]): { key: string; links: LinkStatus[] }[] {
  const groups = new Map<string, LinkStatus[]>();
  for (const link of links) {
    const key = `${link.StatusCode} ${link.Status}`;
    groups.set(key, [...(groups.get(key) ?? []), link]);
  }
  // the blocked ones after the failures: never asked, so neither broken nor working
  const rank = (link: LinkStatus) =>
    isFailedLink(link) ? 0 : isBlockedLink(link) ? 1 : link.StatusCode >= 300 ? 2 : 3;
  return [...groups]
    .map(([key, grouped]) => ({ key, links: grouped }))
    .sort((a, b) => {
      const [x, y] = [a.links[0] as LinkStatus, b.links[0] as LinkStatus];
      return rank(x) - rank(y) || x.StatusCode - y.StatusCode;
    });
}

/** What allows the blocked links, as the core names it inside a blocked link's Status. */
const allowsInternal = settingName('allowInternalHttpRequests');
/** Where the Settings screen has that box: the words in the note that link to Settings. */
const checksSettings = 'Settings → Checks & POP3';

/**
 * Under the table, once: why the blocked links were not asked and the box that allows them,
 * with a link to Settings (the words the cells no longer repeat).
 */
function BlockedNote() {
  const words = onScreen(allowsInternal);
  const [before, after] = words.split(checksSettings);
  const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  return (
    <p className="check-note" data-testid="link-check-blocked-note">
      Blocked links point to this machine or a private network, so they were not asked.{' '}
      {after === undefined ? (
        `${sentence(words)}.`
      ) : (
        <>
          {sentence(before ?? '')}
          <a href="#settings">{checksSettings}</a>
          {after}.
        </>
      )}
    </p>
  );
}

/**
 * "3 links, 1 with errors, 1 blocked (not asked)": Mailpit's Errors counts a blocked link (its
 * 451) as an error, so a message whose links to a staging box were never asked read as broken.
 */
function linkSummary(check: LinkCheck): string {
  const count = check.Links.length;
  const blocked = blockedLinks(check);
  const words = `${count} link${count === 1 ? '' : 's'}, ${failedLinks(check)} with errors`;
  return blocked === 0 ? words : `${words}, ${blocked} blocked (not asked)`;
}

/**
 * Checks the links only when asked: each check is a request to the sender's servers (HEAD, which
 * does not use up one-time links). The answer is the open message's (useMessageChecks), kept while
 * another tab is looked at.
 */
export function LinkCheckPanel({
  state,
  onCheck,
}: {
  state: LinkCheckState;
  onCheck(follow: boolean): void;
}) {
  const [follow, setFollow] = useState(false);
  const run = () => onCheck(follow);
  return (
    <section className="check-panel" data-testid="link-check">
      <div className="check-actions">
        <button
          type="button"
          onClick={run}
          disabled={state.status === 'checking'}
          data-testid="link-check-run"
        >
          {state.status === 'checking' ? 'Checking…' : 'Check links'}
        </button>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />{' '}
          Follow redirects
        </label>
      </div>
      {state.status === 'idle' && (
        // Mailpit says what its check will do before it is run; a bare button left it to guess
        // whose servers would be asked, and whether a one-time link could be used up
        <p className="check-note" data-testid="link-check-about">
          Asks the server of each link and image in the text and HTML (up to 100) for its HTTP
          status, from this machine, with a HEAD request: it does not use up a one-time link. Those
          servers see the requests. Links to this machine and private networks are asked only when
          Settings → Checks &amp; POP3 allows it.
        </p>
      )}
      {state.status === 'failed' && (
        <p className="body-notice error" role="alert">
          {state.error}
        </p>
      )}
      {state.status === 'done' && (
        <>
          <p className="check-summary" data-testid="link-check-summary">
            {linkSummary(state.result)}
          </p>
          <table className="headers-table check-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Link</th>
              </tr>
            </thead>
            {statusGroups(state.result.Links).map((group) => (
              <tbody key={group.key} data-testid="link-check-group">
                {group.links.map((link, index) => (
                  <tr key={link.URL} data-testid="link-check-row">
                    {index === 0 && (
                      <th
                        scope="rowgroup"
                        rowSpan={group.links.length}
                        className={
                          isFailedLink(link) ? 'error' : isBlockedLink(link) ? 'blocked' : ''
                        }
                      >
                        {link.StatusCode || '—'}{' '}
                        {isBlockedLink(link) ? (
                          <>
                            {/* the core's words name the setting's whole label, which in this
                                220 px column made the cell 7 lines tall: the eye gets the badge's
                                short words and the setting once under the table; a screen reader
                                in the table still hears the core's, setting and all */}
                            <span className="check-status-words" aria-hidden="true">
                              Blocked: internal address
                            </span>
                            <span className="visually-hidden">{onScreen(link.Status)}</span>
                          </>
                        ) : (
                          <span className="check-status-words">
                            {/* the core names its setting as the command line does */}
                            {onScreen(link.Status)}
                          </span>
                        )}
                        {group.links.length > 1 && (
                          <span className="check-status-count"> ({group.links.length} links)</span>
                        )}
                      </th>
                    )}
                    <td>{link.URL}</td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
          {blockedLinks(state.result) > 0 && <BlockedNote />}
        </>
      )}
    </section>
  );
}
