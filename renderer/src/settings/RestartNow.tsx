// The "Restart now" beside "Saved, waiting for a restart": applies the listeners' addresses, TLS
// and timeouts without the user quitting the app or finding the terminal `relaydesk serve` runs in.
import { useState } from 'react';
import { useApi } from '../api/api-context';
import { serverWords } from '../api/http-transport';
import { probeHere, waitForRestart } from './restart-wait';

type State = { kind: 'idle' } | { kind: 'restarting' } | { kind: 'failed'; text: string };

export function RestartNow({ pending, labels }: { pending: string[]; labels: string[] }) {
  const api = useApi();
  const [state, setState] = useState<State>({ kind: 'idle' });

  const restart = async () => {
    setState({ kind: 'restarting' });
    try {
      const answer = await api.restart();
      // the desktop app relaunches itself: this window goes with it
      if (api.transport === 'ipc') return;
      const here = window.location.href;
      const outcome = await waitForRestart({
        url: answer.url ?? new URL('/', here).href,
        here,
        onStreamState: (listener) => api.onStreamState(listener),
        probeHere,
        now: () => Date.now(),
        sleep: (ms) => new Promise((resolve) => window.setTimeout(resolve, ms)),
      });
      if (outcome.kind === 'back' && new URL(outcome.url).origin !== window.location.origin) {
        window.location.assign(new URL(window.location.hash, outcome.url).href);
        return;
      }
      if (outcome.kind === 'back') {
        // back at this address: with what was saved, or (a port taken) with what it ran with
        const after = await api.getSettings();
        if (after.restartPending.length === 0) {
          window.location.reload();
          return;
        }
        setState({
          kind: 'failed',
          text: `Relaydesk restarted, but could not start with the saved settings for ${labels.join(', ')}, and runs with the ones it had. Logs → Service says why; change them and restart again.`,
        });
        return;
      }
      setState({
        kind: 'failed',
        text:
          outcome.kind === 'old-address'
            ? `Relaydesk could not start at ${outcome.url} and runs again here with the settings it ran with. Logs → Service says why; change the address and restart again.`
            : `Relaydesk did not answer at ${outcome.url} within 30 s. Logs → Service says why, once it answers again (reload this page).`,
      });
    } catch (failure) {
      setState({ kind: 'failed', text: `Not restarted: ${serverWords(failure)}` });
    }
  };

  return (
    <div className="restart-now">
      <p className="field-hint">
        Saved, waiting for a restart: {labels.join(', ')}.{' '}
        {state.kind === 'restarting' && (
          <span role="status">Restarting… this page reloads when Relaydesk is back.</span>
        )}
      </p>
      {state.kind !== 'restarting' && (
        <button type="button" data-pending={pending.join(' ')} onClick={() => void restart()}>
          Restart now
        </button>
      )}
      {state.kind === 'failed' && (
        <p className="field-error" role="alert">
          {state.text}
        </p>
      )}
    </div>
  );
}
