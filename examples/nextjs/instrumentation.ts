// Next.js calls register() once when the server starts: the job worker runs in the same process.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./lib/config");
  if (!config().worker.enabled) return;
  const { startWorker } = await import("./lib/worker");
  startWorker();
}
