export { connect } from './client.js';
export { LiveRequestError } from './older-page.js';
export { deriveConnectionState, type ConnectionFacts } from './connection-state.js';
export { reconnectDelay, retryDelay, RECONNECT_SCHEDULE, type ReconnectSchedule } from './backoff.js';
export type {
  BlogChange,
  ConnectOptions,
  ConnectionState,
  LiveBlog,
  LiveBlogError,
  LiveClient,
  LiveDocument,
  LiveEnvironment,
  LiveWindow,
  LoadOlderResult,
  SubscribeFrom,
  SubscribeOptions,
} from './types.js';
