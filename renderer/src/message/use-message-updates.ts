import { useEffect, useState } from 'react';
import type { RendererApi } from '../api/client';

/**
 * A number that grows with each `update` event of the message (a state change, an attempt, a
 * hold or release): a panel that shows what the relay knows of it asks again when it changes.
 */
export function useMessageUpdates(api: RendererApi, messageId: string): number {
  const [version, setVersion] = useState(0);
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.Type === 'update' && event.Data.ID === messageId) setVersion((n) => n + 1);
      }),
    [api, messageId],
  );
  return version;
}
