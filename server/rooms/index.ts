export { handleReader, type SubscribeDeps } from './subscribe.js';
export { roomOf } from './room-name.js';
export type { ReaderServer, ReaderSocket, ReaderData } from './reader-socket.js';
