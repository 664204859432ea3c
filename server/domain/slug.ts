import { LIMITS } from '../../shared/index.js';

/** Letters NFKD leaves whole (they are not base letter + accent), folded by hand. */
const FOLDS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't',
};

/** What a title with no usable letters (only emoji, only CJK...) becomes. */
export const SLUG_FALLBACK = 'blog';

/**
 * A URL-safe blog id from a title: lowercase `a-z0-9` words joined by `-`, accents folded,
 * at most `maxLength` characters, never empty (falls back to `"blog"`).
 *
 * @example
 * slugify('Élection présidentielle : la soirée'); // 'election-presidentielle-la-soiree'
 */
export function slugify(title: string, maxLength: number = LIMITS.blogIdMaxLength): string {
  const folded = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþıħŧ]/g, (c) => FOLDS[c] ?? c);
  const slug = truncateSlug(folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''), maxLength);
  return slug === '' ? SLUG_FALLBACK : slug;
}

/**
 * Cuts a slug to `maxLength` without leaving a dangling `-`.
 *
 * @example
 * truncateSlug('a-b-c', 2); // 'a'
 */
export function truncateSlug(slug: string, maxLength: number): string {
  return slug.slice(0, Math.max(0, maxLength)).replace(/-+$/, '');
}

/**
 * The n-th candidate id for a derived slug (n = 1 is the slug itself, then `-2`, `-3`...),
 * shortened so the suffix always fits the id limit.
 *
 * @example
 * numberedSlug('election-night', 2); // 'election-night-2'
 */
export function numberedSlug(slug: string, n: number, maxLength: number = LIMITS.blogIdMaxLength): string {
  if (n <= 1) return slug;
  const suffix = `-${n}`;
  const base = truncateSlug(slug, maxLength - suffix.length);
  return `${base === '' ? SLUG_FALLBACK : base}${suffix}`;
}
