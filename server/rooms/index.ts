export { readerHandler, type SubscribeDeps } from './subscribe.js';
export { blogIdOfRoom, roomOf } from './room-name.js';
export type { ReaderServer, ReaderSocket, ReaderData } from './reader-socket.js';
export { FrameAdapter } from './frame-adapter.js';
export { textFrame } from './ws-frame.js';
export { releaseHandshakeRequests } from './lean-connections.js';
export { SlowReaders, DEFAULT_READER_LIMITS, type ReaderLimits } from './slow-readers.js';
export { countReaderDisconnects, readerDisconnectReason } from './disconnect-reasons.js';
export { readerAdmission, clientAddress } from './admission.js';
