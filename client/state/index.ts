export { fromSnapshot, sortedEntries, type BlogState, type SortDirection } from './blog-state.js';
export { applyEvent, classifyEvent, type EventOutcome, type EventResult } from './apply-event.js';
export { applySubscribeAck, type AckOutcome, type AckResult, type SubscribeAckOk } from './apply-ack.js';
export { applyBuffered, type DrainOutcome, type DrainResult } from './buffered.js';
export { applyOlderPage, type OlderPageOutcome, type OlderPageResult } from './older-page.js';
