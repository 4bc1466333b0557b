/**
 * Describes the machine a bench ran on (CPU model, cores, memory, OS, Node), so results from
 * different runs are never compared blindly. Read-only; no probing beyond node:os.
 */
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly totalMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when described: above the core count, other work competed for CPU. */
  readonly loadAverage1m: number;
}

export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpu: (list[0]?.model ?? 'unknown').trim(),
    cores: list.length,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export const formatMachine = (m: MachineInfo): string =>
  `${m.cpu}, ${m.cores} cores, ${m.totalMemoryGiB} GiB RAM, ${m.os}, Node ${m.node}, load ${m.loadAverage1m}`;
