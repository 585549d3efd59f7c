// A module that capture does not need (the HTML check's CSS parser, the link check, DKIM,
// nodemailer's SMTP client…) is imported when it is first used, not at start: each costs
// megabytes of resident memory for as long as the relay runs, and most users never call it.

/** Failed to import what a feature needs: says which feature and why. */
export class ModuleLoadError extends Error {
  override name = 'ModuleLoadError';
}

/**
 * `load` runs once, on the first call; every call awaits the same import. A failed import is
 * not kept (the next call tries again) and is reported as what could not be used.
 */
export function onFirstUse<T>(what: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = null;
      throw new ModuleLoadError(
        `${what} could not be loaded: ${(err as Error).message ?? String(err)}; reinstall Relaydesk (npm install) if its files are missing`,
        { cause: err },
      );
    });
    return loading;
  };
}
