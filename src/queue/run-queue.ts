/**
 * The job queue of a PostgreSQL run store, on pg-boss (v10: Node 20). pg-boss keeps the jobs in
 * its own schema (`alzbench_queue`) of the store's database and hands each job to one worker
 * (`SELECT ... FOR UPDATE SKIP LOCKED`), with retries and expiry. One job per run to train.
 *
 * The store, not the queue, says whether a run is done: a worker claims the run with a
 * compare-and-set (queued -> running) before it trains, so a job delivered twice (a retry after
 * a lost worker, an expired job) never trains a run twice. pg-boss 10 has no job heartbeat, so a
 * lost worker is found by its run heartbeat in the store (src/queue/worker.ts), and its job is
 * failed through pg-boss's API, which retries it on another worker.
 */
import { createHash, randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import { AlzbenchError } from '../util/errors.js';
import { redactUrl } from '../store/open-store.js';

/** The pg-boss queue that holds runs to train. */
export const RUN_QUEUE = 'alzbench-runs';
/** pg-boss's schema in the store's database. */
export const QUEUE_SCHEMA = 'alzbench_queue';

/** A job's payload. */
export interface RunJobData {
  readonly runId: string;
  readonly sweepId: string | null;
  /** Attempts the run may take in all (the sweep's `--attempts`); workers default to 2. */
  readonly maxAttempts?: number;
}

/** A job handed to this worker. */
export interface RunJob {
  readonly id: string;
  readonly data: RunJobData;
  /** Deliveries before this one (pg-boss retry count). */
  readonly retryCount: number;
}

/** Options of {@link openRunQueue}. */
export interface RunQueueOptions {
  /**
   * Backstop expiry of an active job, seconds (default 23 h, under pg-boss's 24 h cap). Lost
   * workers are normally found much sooner by their run heartbeat; this only catches a worker
   * that died between taking a job and claiming its run.
   */
  readonly expireInSeconds?: number;
  /** pg-boss maintenance (expiry, archiving) interval, seconds (default 60). */
  readonly maintenanceIntervalSeconds?: number;
  /** Connections of pg-boss's own pool (default 2). */
  readonly poolSize?: number;
}

/**
 * A job id per run: sending a run that already has a pending job inserts nothing (pg-boss's
 * insert ignores a known id). A UUID (pg-boss's id type) made from a hash of the run id.
 */
export function jobIdFor(runId: string): string {
  const h = createHash('sha256').update(`alzbench-run:${runId}`).digest('hex');
  // Version 5-style layout (hash-based) so it is a valid UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The queue of one PostgreSQL store. */
export class RunQueue {
  private constructor(private readonly boss: PgBoss) {}

  /** Starts pg-boss on `url` (creating or migrating its schema) and makes sure the run queue exists. */
  static async open(url: string, options: RunQueueOptions = {}): Promise<RunQueue> {
    const boss = new PgBoss({
      connectionString: url,
      schema: QUEUE_SCHEMA,
      max: options.poolSize ?? 2,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
      // Monitoring and cron scheduling are not used; they would only add queries.
      schedule: false,
      application_name: 'alzbench-queue',
    });
    // pg-boss reports background errors (maintenance, a lost connection) as events; without a
    // listener the process would crash. The next call reports a lasting problem.
    boss.on('error', () => undefined);
    try {
      await boss.start();
      await boss.createQueue(RUN_QUEUE, {
        name: RUN_QUEUE,
        policy: 'standard',
        // The store's attempt count decides when a run has failed; the queue only redelivers.
        retryLimit: 1000,
        retryDelay: 0,
        expireInSeconds: options.expireInSeconds ?? 23 * 3600,
      });
    } catch (error) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw new AlzbenchError(`Cannot open the job queue in ${redactUrl(url)}: ${(error as Error).message}`, {
        hint: 'the queue lives in the PostgreSQL run store: check the --db URL',
        cause: error,
      });
    }
    return new RunQueue(boss);
  }

  /**
   * Sends one job per run (idempotent for runs that already have a pending job). Resolves to the
   * number of jobs created now.
   */
  async enqueue(runs: readonly RunJobData[]): Promise<number> {
    let created = 0;
    for (const run of runs) {
      const id = jobIdFor(run.runId);
      if ((await this.boss.send(RUN_QUEUE, { ...run }, { id })) !== null) {
        created++;
        continue;
      }
      // The id exists: pending (nothing to do) or ended (a run queued again after its job
      // completed, e.g. an interrupted one): then it needs a fresh job.
      const job = await this.boss.getJobById(RUN_QUEUE, id, { includeArchive: true });
      if (job && (job.state === 'created' || job.state === 'retry' || job.state === 'active')) continue;
      if ((await this.boss.send(RUN_QUEUE, { ...run }, { id: randomUUID() })) !== null) created++;
    }
    return created;
  }

  /** Takes the next job, or undefined when none is ready. */
  async fetch(): Promise<RunJob | undefined> {
    const [job] = await this.boss.fetch<RunJobData>(RUN_QUEUE, { batchSize: 1, includeMetadata: true });
    return job ? { id: job.id, data: job.data, retryCount: job.retryCount } : undefined;
  }

  /** Marks a job done (its run ended: finished or failed for good). */
  async complete(jobId: string, output: Record<string, unknown> = {}): Promise<void> {
    await this.boss.complete(RUN_QUEUE, jobId, output);
  }

  /** Fails a job so that pg-boss delivers it again (its run is queued for another attempt). */
  async retry(jobId: string, reason: string): Promise<void> {
    await this.boss.fail(RUN_QUEUE, jobId, { reason });
  }

  /** A job's payload, or null when the job is unknown (archived and deleted). */
  async jobData(jobId: string): Promise<RunJobData | null> {
    const job = await this.boss.getJobById<RunJobData>(RUN_QUEUE, jobId, { includeArchive: true });
    return job?.data ?? null;
  }

  /** Jobs per state (created, retry, active, completed, failed...) in the run queue, for status lines and tests. */
  async counts(): Promise<Record<string, number>> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(`SELECT state, count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 GROUP BY state`, [RUN_QUEUE]);
    return Object.fromEntries((rows as { state: string; n: number }[]).map((r) => [r.state, Number(r.n)]));
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, timeout: 5000 });
  }
}

/**
 * Opens the queue of a PostgreSQL store.
 *
 * @example
 * const queue = await openRunQueue('postgres://lab@db/alzbench');
 * await queue.enqueue([{ runId: 'r1', sweepId: 'grid' }]);
 * await queue.close();
 */
export function openRunQueue(url: string, options: RunQueueOptions = {}): Promise<RunQueue> {
  return RunQueue.open(url, options);
}
