export { Relay, type RelayOptions } from './relay.js';
export { BlogFeed, type ReachOutcome } from './blog-feed.js';
