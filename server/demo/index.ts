export { seedDemo, type SeedOutcome, type SeedOptions } from './seed-demo.js';
export { DEMO_BLOG_ID, DEMO_TITLE, DEMO_KEY_POINTS, DEMO_ENTRIES, type DemoEntry, type DemoEntryInput } from './demo-story.js';
