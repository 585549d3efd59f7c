import { useEffect, useState } from 'react';
import type { RendererApi } from '../api/client';
import type { ChaosTriggersView, RelaydeskInfo } from '../api/contract';
import { serverWords } from '../api/http-transport';

const stages = ['Sender', 'Recipient', 'Authentication'] as const;
type Stage = (typeof stages)[number];
const stageLabels: Record<Stage, string> = {
  Sender: 'MAIL FROM',
  Recipient: 'RCPT TO',
  Authentication: 'AUTH',
};

function describe(triggers: ChaosTriggersView): string {
  return stages
    .filter((s) => triggers[s].Probability > 0)
    .map((s) => `${stageLabels[s]} ${triggers[s].ErrorCode} at ${triggers[s].Probability}%`)
    .join(', ');
}

/**
 * Chaos (Mailpit's): the SMTP listener fails on purpose. Shown only when Relaydesk was started
 * with --enable-chaos; while a trigger is on, a red badge says so and one click turns it off.
 * `chaos` is what the app's info said at load (asked for once, by the app).
 */
export function ChaosSwitch({ api, chaos }: { api: RendererApi; chaos?: RelaydeskInfo['Chaos'] }) {
  const enabled = chaos?.Enabled ?? false;
  const [triggers, setTriggers] = useState<ChaosTriggersView | null>(null);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (chaos) setTriggers(chaos.Triggers);
  }, [chaos]);

  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.Type === 'chaos') setTriggers(event.Data.Triggers);
      }),
    [api],
  );

  if (!enabled || !triggers) return null;
  const active = stages.some((s) => triggers[s].Probability > 0);

  const apply = (next: Partial<ChaosTriggersView>) =>
    api.setChaos(next).then(
      (saved) => {
        setTriggers(saved);
        setEditing(false);
        setError(null);
      },
      (err: unknown) => setError(serverWords(err)),
    );

  return (
    <div className="chaos" data-testid="chaos" data-active={active}>
      {active ? (
        <span className="chaos-badge" role="status" data-testid="chaos-badge">
          Chaos on: {describe(triggers)}
        </span>
      ) : null}
      <button
        type="button"
        className={active ? 'chaos-toggle active' : 'chaos-toggle'}
        data-testid="chaos-toggle"
        aria-pressed={active}
        onClick={() => (active ? void apply({}) : setEditing(!editing))}
      >
        {active ? 'Stop chaos' : 'Chaos…'}
      </button>
      {editing && !active ? (
        <ChaosForm
          initial={triggers}
          error={error}
          onApply={(next) => void apply(next)}
          onCancel={() => setEditing(false)}
        />
      ) : null}
    </div>
  );
}

function ChaosForm(props: {
  initial: ChaosTriggersView;
  error: string | null;
  onApply(triggers: ChaosTriggersView): void;
  onCancel(): void;
}) {
  const [draft, setDraft] = useState<ChaosTriggersView>(props.initial);
  const set = (stage: Stage, key: 'ErrorCode' | 'Probability', value: string) =>
    setDraft({ ...draft, [stage]: { ...draft[stage], [key]: Number(value) } });
  return (
    <form
      className="chaos-form"
      data-testid="chaos-form"
      aria-label="Chaos triggers"
      onSubmit={(event) => {
        event.preventDefault();
        props.onApply(draft);
      }}
    >
      <p>Make the SMTP listener fail on purpose, to test your application’s retries.</p>
      {stages.map((stage) => (
        <fieldset key={stage}>
          <legend>{stageLabels[stage]}</legend>
          <label>
            Reply code
            <input
              type="number"
              min={400}
              max={599}
              data-testid={`chaos-${stage}-code`}
              value={draft[stage].ErrorCode}
              onChange={(event) => set(stage, 'ErrorCode', event.target.value)}
            />
          </label>
          <label>
            Chance %
            <input
              type="number"
              min={0}
              max={100}
              data-testid={`chaos-${stage}-probability`}
              value={draft[stage].Probability}
              onChange={(event) => set(stage, 'Probability', event.target.value)}
            />
          </label>
        </fieldset>
      ))}
      {props.error ? (
        <p className="body-notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div className="chaos-actions">
        <button type="submit" data-testid="chaos-apply">
          Start chaos
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
