export * from './web.js';
export { IlinkSimulator } from './ilink/index.js';
export type {
  IlinkSimulatorOptions,
  IlinkQuota,
  IlinkFault,
  IlinkSent,
  IlinkSentItem,
  IlinkUserContent,
  QrState as IlinkQrState,
} from './ilink/index.js';
