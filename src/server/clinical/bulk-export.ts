/**
 * The jobs behind the asynchronous `Patient/:id/$export` (FHIR Bulk Data
 * "kick-off → status → files" pattern; fhir-routes.ts has the routes).
 *
 * Results stay in memory only, never on disk: an export is PHI, and a temp
 * file would be PHI at rest unencrypted (the store encrypts its fields; a
 * scratch file would not). Memory is bounded instead: per job
 * (`maxJobBytes`), across all jobs (`maxTotalBytes`), and by the number of
 * jobs per user and in all. A job that would pass a byte bound fails (never a
 * silently partial file).
 *
 * Jobs belong to the user who started them: anyone else is told 'not_found',
 * exactly as for an id that never existed, so a job id leaks nothing. A job
 * is deleted, with its files, `retentionMs` after it finished (completed or
 * failed) or at once when its owner cancels it; expiry is checked against the
 * injected clock on every access, so no timer keeps the process alive.
 */
import { randomBytes } from 'node:crypto';
import { NorthstationError, notFound, type ErrorCode } from '../../core/errors.ts';
import type { Resource } from '../../fhir/index.ts';
import { toClinicalError } from './errors.ts';

export interface BulkExportLimits {
  /** Live jobs (running or finished, not yet expired) per user; past it kick-off is 429. Default: 3. */
  maxJobsPerUser: number;
  /** Live jobs in all; past it kick-off is 503. Default: 20. */
  maxJobs: number;
  /** NDJSON bytes one job may hold; past it the job fails with 'payload_too_large'. Default: 64 MiB. */
  maxJobBytes: number;
  /** NDJSON bytes all jobs together may hold; past it the job that needs more fails with 'overloaded'. Default: 256 MiB. */
  maxTotalBytes: number;
  /** How long a finished job and its files are kept. Default: 1 hour. */
  retentionMs: number;
}

export const defaultBulkExportLimits: Readonly<BulkExportLimits> = {
  maxJobsPerUser: 3,
  maxJobs: 20,
  maxJobBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  retentionMs: 60 * 60 * 1000,
};

/** One NDJSON output: every exported resource of one type, one JSON line each. */
export interface OutputFile {
  type: string;
  lines: Buffer[];
  count: number;
}

export interface ExportJob {
  readonly id: string;
  readonly ownerId: string;
  readonly patientId: string;
  /** The kick-off URL, absolute (the manifest's `request`). */
  readonly request: string;
  /** Scheme and authority the kick-off came to: the base of the status and file URLs. */
  readonly origin: string;
  readonly transactionTime: string;
  state: 'running' | 'completed' | 'failed';
  /** Documents read so far, of `total`. */
  done: number;
  total: number;
  /** By resource type, in the order types first appeared. */
  readonly files: Map<string, OutputFile>;
  bytes: number;
  /** When it completed or failed (ms, the injected clock); it expires `retentionMs` later. */
  finishedAt?: number;
  failure?: { status: number; code: ErrorCode; message: string };
  /** Set by cancel (or shutdown): the producer stops at its next document. */
  cancelled: boolean;
}

export class BulkExportJobs {
  readonly limits: Readonly<BulkExportLimits>;
  readonly #now: () => number;
  readonly #jobs = new Map<string, ExportJob>();
  #bytes = 0;

  constructor(limits: Partial<BulkExportLimits> = {}, now: () => number = Date.now) {
    const resolved = { ...defaultBulkExportLimits, ...limits };
    for (const [name, value] of Object.entries(resolved)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new NorthstationError('config_invalid', `${name} must be a positive integer`, { [name]: value });
    }
    this.limits = resolved;
    this.#now = now;
  }

  /** Live jobs and the NDJSON bytes they hold (for tests and status). */
  get size(): { jobs: number; bytes: number } {
    this.#sweep();
    return { jobs: this.#jobs.size, bytes: this.#bytes };
  }

  /** A new running job for `ownerId`, or 'rate_limited' (that user's bound) / 'overloaded' (the server's). */
  start(fields: { ownerId: string; patientId: string; request: string; origin: string; total: number }): ExportJob {
    this.#sweep();
    const owned = [...this.#jobs.values()].filter((job) => job.ownerId === fields.ownerId).length;
    if (owned >= this.limits.maxJobsPerUser) {
      throw new NorthstationError('rate_limited', `at most ${this.limits.maxJobsPerUser} export jobs per user; cancel one (DELETE its status URL) or wait until one expires`, { retryAfterSeconds: this.#retryAfterSeconds(fields.ownerId) });
    }
    if (this.#jobs.size >= this.limits.maxJobs) throw new NorthstationError('overloaded', 'the server is running as many export jobs as it holds; try again later');
    const job: ExportJob = {
      ...fields,
      // 128 random bits: unguessable, though the owner check is what guards a job.
      id: randomBytes(16).toString('hex'),
      transactionTime: new Date(this.#now()).toISOString(),
      state: 'running',
      done: 0,
      files: new Map(),
      bytes: 0,
      cancelled: false,
    };
    this.#jobs.set(job.id, job);
    return job;
  }

  /** The job, when it exists, has not expired and belongs to `ownerId`; otherwise 'not_found' (the same answer either way). */
  get(id: string, ownerId: string): ExportJob {
    this.#sweep();
    const job = this.#jobs.get(id);
    if (job?.ownerId !== ownerId) throw notFound('no such export job (it may have expired or been cancelled)');
    return job;
  }

  /** Cancels and deletes the job with its files (its producer stops at the next document). */
  cancel(id: string, ownerId: string): void {
    this.#delete(this.get(id, ownerId));
  }

  /** Adds one resource to the job's file for its type; throws (and fails the job) when a byte bound would be passed. */
  append(job: ExportJob, resource: Resource): void {
    if (job.cancelled || job.state !== 'running') return;
    const line = Buffer.from(`${JSON.stringify(resource)}\n`, 'utf8');
    if (job.bytes + line.length > this.limits.maxJobBytes) {
      throw new NorthstationError('payload_too_large', `the export is larger than the ${this.limits.maxJobBytes} bytes one job may hold; narrow it or ask for the synchronous export by encounter`);
    }
    if (this.#bytes + line.length > this.limits.maxTotalBytes) throw new NorthstationError('overloaded', 'the server holds as much export data as it may; try again when other exports have expired');
    let file = job.files.get(resource.resourceType);
    if (file === undefined) {
      file = { type: resource.resourceType, lines: [], count: 0 };
      job.files.set(resource.resourceType, file);
    }
    file.lines.push(line);
    file.count += 1;
    job.bytes += line.length;
    this.#bytes += line.length;
  }

  complete(job: ExportJob): void {
    if (job.cancelled || job.state !== 'running') return;
    job.state = 'completed';
    job.finishedAt = this.#now();
  }

  /** The job failed: its partial files are dropped at once (never served), the reason kept until it expires. */
  fail(job: ExportJob, error: unknown): void {
    if (job.cancelled || job.state !== 'running') return;
    const failure = toClinicalError(error);
    job.state = 'failed';
    job.finishedAt = this.#now();
    job.failure = { status: failure.status, code: failure.code, message: failure.body.error.message };
    this.#bytes -= job.bytes;
    job.bytes = 0;
    job.files.clear();
  }

  /** When a finished job expires (ms), undefined while it runs. */
  expiresAt(job: ExportJob): number | undefined {
    return job.finishedAt === undefined ? undefined : job.finishedAt + this.limits.retentionMs;
  }

  /** Cancels every job (server shutdown). */
  closeAll(): void {
    for (const job of [...this.#jobs.values()]) this.#delete(job);
  }

  #delete(job: ExportJob): void {
    job.cancelled = true;
    this.#jobs.delete(job.id);
    this.#bytes -= job.bytes;
    job.bytes = 0;
    job.files.clear();
  }

  #sweep(): void {
    const now = this.#now();
    for (const job of [...this.#jobs.values()]) {
      const expiresAt = this.expiresAt(job);
      if (expiresAt !== undefined && expiresAt <= now) this.#delete(job);
    }
  }

  /** Seconds until the user's first finished job expires (at least 1; a minute while all still run). */
  #retryAfterSeconds(ownerId: string): number {
    const expiries = [...this.#jobs.values()].filter((job) => job.ownerId === ownerId).map((job) => this.expiresAt(job)).filter((at) => at !== undefined);
    if (expiries.length === 0) return 60;
    return Math.max(1, Math.ceil((Math.min(...expiries) - this.#now()) / 1000));
  }
}
