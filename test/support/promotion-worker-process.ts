/**
 * A worker process for the promotion tests (SIGKILL mid-push, two processes): bundled by
 * `startWorkerProcess` and run with node, it runs worker/run-worker with the promotion jobs
 * against DATABASE_URL and prints "ready <id>" once it takes jobs.
 */
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { recoverStalledImagesJob } from "@/lib/queue/jobs/promote-recover-stalled";
import { runWorker } from "@/worker/run-worker";

const worker = await runWorker({
  databaseUrl: process.env.DATABASE_URL!,
  definitions: [promoteImageJob, recoverStalledImagesJob],
});
process.stdout.write(`ready ${worker.id}\n`);
process.once("SIGTERM", () => {
  void worker.stop().then(() => process.exit(0));
});
