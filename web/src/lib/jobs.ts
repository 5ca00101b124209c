/**
 * Workflows running from this browser tab, for the worklist's "in progress"
 * view: a draft exists on the server only once its workflow has finished.
 */
import { useSyncExternalStore } from 'react';

export interface RunningJob {
  id: number;
  workflow: string;
  patient: string;
  startedAt: string;
}

let jobs: readonly RunningJob[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function publish(next: readonly RunningJob[]): void {
  jobs = next;
  for (const listener of listeners) listener();
}

/** Runs `work` as a visible job; it leaves the list however it ends. */
export async function trackJob<T>(workflow: string, patient: string, work: () => Promise<T>): Promise<T> {
  const job: RunningJob = { id: nextId++, workflow, patient, startedAt: new Date().toISOString() };
  publish([...jobs, job]);
  try {
    return await work();
  } finally {
    publish(jobs.filter((other) => other.id !== job.id));
  }
}

export function useRunningJobs(): readonly RunningJob[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => jobs,
  );
}
