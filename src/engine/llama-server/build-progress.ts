/**
 * Turns build events into a few lines of progress: a compile step is a
 * "[n/m]" line from ninja, several hundred per build, so a line is written
 * only each time another 5 % is done (about 20 lines for a ten-minute build).
 */
import type { BuildEvent } from './build.ts';

export function createBuildReporter(write: (line: string) => void, now: () => number = () => performance.now()): (event: BuildEvent) => void {
  const started = now();
  let lastStep = -1;
  const elapsed = (): string => `${Math.round((now() - started) / 1000)} s`;
  const step = (percent: number): void => {
    const current = Math.floor(percent / 5);
    if (current <= lastStep) return;
    lastStep = current;
    write(`llama-server build: ${Math.floor(percent)}% (${elapsed()})`);
  };
  return (event) => {
    switch (event.kind) {
      case 'waiting':
        write(`llama-server build: waiting for the build already running (pid ${event.owner.pid} on ${event.owner.host})`);
        break;
      case 'clone':
        write(`llama-server build: llama.cpp ${event.commit.slice(0, 12)} from node-llama-cpp's bundle (about 10 min on 2 cores)`);
        break;
      case 'configure':
        write('llama-server build: configuring (cmake)');
        break;
      case 'compile':
        if (event.total > 0) step((event.done / event.total) * 100);
        break;
      case 'compile-percent':
        step(event.percent);
        break;
    }
  };
}
