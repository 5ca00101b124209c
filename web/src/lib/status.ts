/** `GET /api/status`, as the banner and the status screen read it (fields beyond `model` are optional). */
import { useEffect, useState } from 'react';
import { apiData } from './api.ts';
import type { ModelCardNotice } from './types.ts';

export interface ServerStatus {
  model: {
    id: string;
    backend: string;
    synthetic: boolean;
    contextSize?: number;
    capabilities?: Record<string, unknown>;
    health?: { ready: boolean; [key: string]: unknown };
    quantisation?: string | null;
    fileBytes?: number | null;
    sha256?: string | null;
  } | null;
  workflows: string[];
  memory?: { processRssBytes: number; estimateBytes: number | null } | null;
  conformance?: { outcome: 'passed' | 'overridden'; at: string | null; overrideReason: string | null; checks: { id: string; title: string; status: 'pass' | 'fail' | 'skip' }[] } | null;
  limitations?: ModelCardNotice | null;
  site?: { records: 'sqlite' | 'postgresql' | null; imagingListener: { port: number; aeTitle: string } | null } | null;
}

export function useServerStatus(): { status: ServerStatus | null; error: Error | null; reload: () => void } {
  const [status, setStatus] = useState<ServerStatus | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    apiData<ServerStatus>('/api/status', { signal: controller.signal }).then(setStatus, (failure: unknown) => {
      if (!controller.signal.aborted) setError(failure instanceof Error ? failure : new Error(String(failure)));
    });
    return () => controller.abort();
  }, [generation]);
  return { status, error, reload: () => setGeneration((value) => value + 1) };
}
