// The simulated iLink server (WeChat's official bot API): its own reading of the public protocol document.
export { IlinkSimulator } from './simulator.js';
export type {
  IlinkSimulatorOptions,
  IlinkQuota,
  IlinkFault,
  IlinkSent,
  IlinkSentItem,
  IlinkUserContent,
  QrState,
} from './types.js';
