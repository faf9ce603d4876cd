import { cpus, totalmem, platform, release, arch } from 'node:os';
import { availableParallelism } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  memoryGb: number;
  node: string;
  v8: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    availableParallelism: availableParallelism(),
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${release()} ${arch()}`,
  };
}
