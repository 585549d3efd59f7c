import { createContext, useContext, type ReactNode } from 'react';
import type { ScreensApi } from './screens-api';

const ScreensContext = createContext<ScreensApi | null>(null);

export function ScreensProvider({ api, children }: { api: ScreensApi; children: ReactNode }) {
  return <ScreensContext.Provider value={api}>{children}</ScreensContext.Provider>;
}

export function useScreens(): ScreensApi {
  const api = useContext(ScreensContext);
  if (!api) throw new Error('useScreens() needs a <ScreensProvider> above it');
  return api;
}
