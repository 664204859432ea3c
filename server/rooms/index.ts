export { readerHandler, type SubscribeDeps } from './subscribe.js';
export { blogIdOfRoom, isBlogRoom, roomOf } from './room-name.js';
export type { ReaderServer, ReaderSocket, ReaderData } from './reader-socket.js';
export { FrameAdapter } from './frame-adapter.js';
export { textFrame, textFrameStart } from './ws-frame.js';
export { releaseHandshakeRequests } from './lean-connections.js';
export { AckIdDecoder, AckPassingEncoder, ackIdOf, EncodedAck, readerParser, sendEncodedAck } from './encoded-ack.js';
export { CatchUpAnswers, type ReadyAnswer } from './catch-up-answers.js';
