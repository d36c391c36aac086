// The job worker: claims due jobs with SELECT ... FOR UPDATE SKIP LOCKED (so any number of
// workers never run one job twice), runs them, and retries failures with exponential backoff
// until max_attempts, then dead-letters them. It connects as the worker role, which may touch
// every tenant's jobs and nothing else.
import { sql } from "drizzle-orm";
import { config } from "./config";
import { workerDb } from "./db/client";
import { errorFields, log } from "./log";

type Claimed = {
  id: string;
  tenant_id: string;
  kind: string;
  attempts: number;
  max_attempts: number;
};

const LEASE = "5 minutes";

/** Claim one due job (queued, failed and due for a retry, or running past its lease). */
async function claim(): Promise<Claimed | undefined> {
  const result = await workerDb().execute<Claimed>(sql`
    UPDATE jobs SET status = 'running', attempts = attempts + 1,
                    locked_until = clock_timestamp() + ${LEASE}::interval, updated_at = clock_timestamp()
    WHERE id = (
      SELECT id FROM jobs
      WHERE (status IN ('queued', 'failed') AND run_at <= clock_timestamp())
         OR (status = 'running' AND locked_until < clock_timestamp())
      ORDER BY run_at
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, tenant_id, kind, attempts, max_attempts`);
  return result.rows[0];
}

async function perform(job: Claimed): Promise<void> {
  // The example's jobs do no real work; NEXTJS_WORKER_FAIL_KINDS makes a kind fail on purpose.
  if (config().worker.failKinds.has(job.kind)) throw new Error(`${job.kind} failed (NEXTJS_WORKER_FAIL_KINDS)`);
  await new Promise((resolve) => setTimeout(resolve, 10));
}

async function finish(job: Claimed, error: unknown): Promise<void> {
  if (error === undefined) {
    await workerDb().execute(sql`
      UPDATE jobs SET status = 'succeeded', last_error = NULL, locked_until = NULL, updated_at = clock_timestamp()
      WHERE id = ${job.id}`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const dead = job.attempts >= job.max_attempts;
  const backoffMs = config().worker.backoffBaseMs * 2 ** (job.attempts - 1);
  await workerDb().execute(sql`
    UPDATE jobs SET status = ${dead ? "dead_lettered" : "failed"}, last_error = ${message}, locked_until = NULL,
                    run_at = clock_timestamp() + ${`${backoffMs} milliseconds`}::interval, updated_at = clock_timestamp()
    WHERE id = ${job.id}`);
  log.warn(dead ? "job dead-lettered" : "job failed, will retry", { jobId: job.id, tenant: job.tenant_id, attempts: job.attempts, backoffMs, error: message });
}

/** Run jobs until the process ends; one at a time, polling when the queue is empty. */
export function startWorker(): void {
  const { pollMs } = config().worker;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      let job: Claimed | undefined;
      try {
        job = await claim();
        if (job) {
          let failure: unknown;
          try {
            await perform(job);
          } catch (error) {
            failure = error ?? new Error("job failed");
          }
          await finish(job, failure);
          continue;
        }
      } catch (error) {
        log.error("worker iteration failed", errorFields(error));
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
  process.once("SIGTERM", () => { stopped = true; });
  void loop();
  log.info("worker started", { pollMs });
}
