/** Limits every edge enforces; shared so the console and the server agree. */
export const LIMITS = {
  blogIdMaxLength: 64,
  titleMaxLength: 300,
  bodyMaxLength: 20_000,
  keyPointsMax: 10,
  keyPointMaxLength: 300,
  attributionMaxLength: 300,
  captionMaxLength: 500,
  correctionMaxLength: 1_000,
  authorNameMaxLength: 100,
  mediaUrlMaxLength: 2_000,
  requestBodyBytes: 256 * 1024,
  pageSizeDefault: 50,
  pageSizeMax: 200,
  subscriptionsPerSocket: 20,
  idempotencyKeyMaxLength: 200,
} as const;
