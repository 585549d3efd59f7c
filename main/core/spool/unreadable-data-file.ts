// A file of the data folder that is there but cannot be read, in words that name it: a read's own
// error names no file ("EISDIR: illegal operation on a directory, read").

/**
 * `<what>: "<path>" cannot be read (<code>); <the fix>`, with the error as its cause and its
 * code kept.
 */
export function unreadableDataFile(what: string, path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const fix =
    code === 'EISDIR'
      ? 'something other than a file is in its place: move it away'
      : 'let the user running Relaydesk read and write it';
  return Object.assign(
    new Error(
      `${what}: ${JSON.stringify(path)} cannot be read (${code ?? (err as Error).message}); ${fix}`,
      { cause: err },
    ),
    { code },
  );
}
