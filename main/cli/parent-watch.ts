// Under an npm script (`npm run headless`, `npm start`, `npm run cli`) npm does not run us
// itself: it runs `sh -c "node …"`, and on SIGTERM (what a process manager, a container runtime
// or CI sends to the npm process) it forwards the signal to that shell, which dies of it without
// passing it on. We would be left orphaned, holding both ports. So, only when npm started us
// (it sets npm_lifecycle_event), we follow the life of the process that started us: when it is
// gone we stop as on SIGTERM. A relay started directly (systemd, nohup, a terminal) never does
// this, so it keeps running when the shell that started it ends.
// `exec node …` in the npm scripts would hand the signal to us instead, but cmd.exe, npm's shell
// on Windows, has no `exec`.

const checkEveryMs = 250;

/** Calls `onOrphaned` once when the parent process is gone; returns a function that stops it. */
export function followParentUnderNpm(env: NodeJS.ProcessEnv, onOrphaned: () => void): () => void {
  if (!env.npm_lifecycle_event) return () => undefined;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, checkEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
