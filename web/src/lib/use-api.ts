/**
 * Reads one API path for a screen: the answer, the error, or "loading", for
 * exactly the path asked last (a late answer to an earlier path is dropped,
 * and leaving the screen aborts the request). `generation` re-reads on demand.
 */
import { useEffect, useState } from 'react';
import { apiData } from './api.ts';

export interface ApiRead<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
}

export function useApiData<T>(path: string | null, generation = 0): ApiRead<T> {
  const key = path === null ? null : `${String(generation)} ${path}`;
  const [result, setResult] = useState<{ key: string; data: T | null; error: unknown } | null>(null);
  useEffect(() => {
    if (key === null || path === null) return;
    const controller = new AbortController();
    apiData<T>(path, { signal: controller.signal }).then(
      (data) => setResult({ key, data, error: null }),
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ key, data: null, error });
      },
    );
    return () => controller.abort();
  }, [key, path]);
  const current = result?.key === key ? result : null;
  return { data: current?.data ?? null, error: current?.error ?? null, loading: key !== null && current === null };
}
