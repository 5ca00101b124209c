import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { countPhysicalCores, detectPhysicalCores, readCpuTopology, type CpuTopology } from './physical-cores.ts';

const cpu = (packageId: number, coreId: number): CpuTopology => ({ packageId, coreId });

test('hyper-threads of one core count once', () => {
  const cpus = [cpu(0, 0), cpu(0, 1), cpu(0, 0), cpu(0, 1)];
  assert.equal(countPhysicalCores(cpus, 4), 2);
});

test('the same core id on two sockets is two cores', () => {
  assert.equal(countPhysicalCores([cpu(0, 0), cpu(1, 0)], 2), 2);
});

test('an affinity mask smaller than the core count wins', () => {
  assert.equal(countPhysicalCores([cpu(0, 0), cpu(0, 1), cpu(0, 2), cpu(0, 3)], 2), 2);
});

test('unknown topology falls back to the usable CPUs, at least 1', () => {
  assert.equal(countPhysicalCores([], 6), 6);
  assert.equal(countPhysicalCores([], 0), 1);
});

test('reads sysfs-shaped topology, skipping offline CPUs and non-CPU entries', async () => {
  const root = await mkdtemp(join(tmpdir(), 'northstation-cpus-'));
  try {
    const addCpu = async (name: string, core: number, online?: number): Promise<void> => {
      await mkdir(join(root, name, 'topology'), { recursive: true });
      await writeFile(join(root, name, 'topology', 'core_id'), `${core}\n`);
      await writeFile(join(root, name, 'topology', 'physical_package_id'), '0\n');
      if (online !== undefined) await writeFile(join(root, name, 'online'), `${online}\n`);
    };
    await addCpu('cpu0', 0);
    await addCpu('cpu1', 1, 1);
    await addCpu('cpu2', 0, 1); // sibling thread of core 0
    await addCpu('cpu3', 3, 0); // offline
    await mkdir(join(root, 'cpufreq'));
    const topology = await readCpuTopology(root);
    assert.equal(topology.length, 3);
    assert.equal(countPhysicalCores(topology, 4), 2);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a missing sysfs reads as unknown topology', async () => {
  assert.deepEqual(await readCpuTopology('/nonexistent/northstation'), []);
});

test('detects at least one core on this machine', async () => {
  assert.ok((await detectPhysicalCores()) >= 1);
});
