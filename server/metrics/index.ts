export {
  createMetrics,
  type Metrics,
  type GaugeSources,
  type ClosedCounter,
  type DeliveryPath,
  type CatchUpSource,
  type EpochChange,
  type DisconnectReason,
  type SlowReaderCause,
  type SocketRejection,
  type RateLimitName,
  type RedisErrorKind,
  type RenderRefusal,
} from './metrics.js';
export { startMetricsServer, type MetricsServer, type MetricsSource } from './metrics-server.js';
