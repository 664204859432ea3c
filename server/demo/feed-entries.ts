import { EntryCreateInput } from '../../shared/index.js';

/** Picks an index below `n`; `Math.random` in the script, fixed sequences in tests. */
export type Random = () => number;

const PLACES = ['Port Wrenna', 'Aldmoor', 'Tessel Vale', 'Saltery Cove', 'Hobb’s Reach', 'Kestrel Point', 'the lower town'];
const STATIONS = ['Kestrel Point lighthouse', 'Port Wrenna harbour office', 'Aldmoor airfield', 'the Saltery Cove buoy'];
const ROADS = ['the coast road', 'the Lindqvist Bridge', 'the Aldmoor bypass', 'Quay Street', 'the Tessel Vale road'];

const QUOTES: readonly { body: string; attribution: string }[] = [
  { body: 'We have had water in the cellar before, but never in the kitchen. The neighbours helped us carry everything upstairs.', attribution: 'Noor Haddad, who lives on Chandlers Row' },
  { body: 'Our crews are out wherever it is safe to be out. Please keep off the roads so they can get through.', attribution: 'Dalia Brandt, emergency coordinator for the Serran Coast' },
  { body: 'The boats are tied double tonight. There is nothing more anyone can do until the tide turns.', attribution: 'Oona Feld, Port Wrenna harbour master' },
  { body: 'We have soup, blankets and a corner for the dogs. Nobody who comes to the door is turned away.', attribution: 'a volunteer at Aldmoor Sports Hall' },
  { body: 'The wind is dropping faster than we expected in the south; the rain is now the bigger worry.', attribution: 'Rafe Mendel, weather correspondent' },
];

const IMAGES: readonly { slug: string; caption: string }[] = [
  { slug: 'fallen-oak-aldmoor', caption: 'A fallen oak blocks the main street in Aldmoor.' },
  { slug: 'sandbags-quay-street', caption: 'Residents stack sandbags outside the shops on Quay Street.' },
  { slug: 'shelter-cots', caption: 'Camp beds set out in the Tessel Vale Community School gym.' },
  { slug: 'lighthouse-spray', caption: 'Spray rises over the Kestrel Point lighthouse.' },
];

const VIDEOS: readonly { slug: string; caption: string }[] = [
  { slug: 'river-tolle-rising', caption: 'The river Tolle rising under the old stone bridge.' },
  { slug: 'linesmen-at-work', caption: 'Grid crews restore a line north of Aldmoor.' },
  { slug: 'harbour-at-dusk', caption: 'The harbour at Port Wrenna as the wind eases.' },
];

type Template = (pick: <T>(items: readonly T[]) => T, int: (min: number, max: number) => number) => unknown;

/** Each template writes one plausible update of the storm story; the mix sets how often each kind comes up. */
const TEMPLATES: readonly Template[] = [
  (pick, int) => ({
    body: `The weather station at ${pick(STATIONS)} has just recorded a gust of **${int(95, 150)} km/h**. Gusts like this can bring down trees and power lines: stay indoors if you can.`,
  }),
  (pick, int) => ({
    title: pick(['Power cuts', 'Still no power for thousands', 'Grid crews on the way']),
    body: `The grid operator says **${int(12, 30)},${int(100, 999)} homes** are still without power. Crews are working in ${pick(PLACES)} first, where a substation was flooded.`,
  }),
  (pick, int) => ({
    body: `${int(120, 450)} more people have arrived at the evacuation centres in the last hour, most of them from ${pick(PLACES)}. The [council’s list](https://council.example.org/storm/shelters) shows which centres still have beds.`,
  }),
  (pick) => {
    const [closed, reopened] = [pick(ROADS), pick(ROADS)];
    return {
      title: pick(['Travel', 'Roads', 'Getting around tonight']),
      body: closed === reopened ? `Police have closed **${closed}** again after more debris fell on it.` : `- **${closed}** is closed by fallen trees\n- **${reopened}** has reopened with one lane each way\n\nCheck [live traffic information](https://traffic.example.org/serran) before setting out.`,
    };
  },
  (pick, int) => ({
    body: `${int(18, 64)} mm of rain has fallen at ${pick(STATIONS)} in the last three hours. The river Tolle is *${int(40, 160)} cm* above its usual level and still rising.`,
  }),
  (pick, int) => ({
    body: `Coastguard crews helped ${int(2, 9)} people out of a flooded caravan park near ${pick(PLACES)}. Nobody was seriously hurt, the coastguard says.`,
  }),
  (pick) => ({ kind: 'quote', ...pick(QUOTES) }),
  (pick) => {
    const image = pick(IMAGES);
    return {
      kind: 'image',
      body: '',
      media: { url: `https://media.example.org/liveblog-demo/${image.slug}.jpg`, caption: image.caption },
    };
  },
  (pick, int) => {
    const video = pick(VIDEOS);
    return {
      kind: 'video',
      body: '',
      media: { url: `https://media.example.org/liveblog-demo/${video.slug}.mp4`, caption: video.caption, durationSeconds: int(25, 150) },
    };
  },
  (pick) => ({
    title: 'Warning lowered in the south',
    keyEvent: true,
    body: `The Serran Weather Service has lowered its warning to **amber** for the south of the coast, including ${pick(PLACES)}. The red warning stays in force further north.`,
  }),
];

/**
 * A new, plausible update for the demo blog, as the body of `POST …/entries`: text with
 * Markdown, quotes, photos, videos and now and then a key event, never the same template twice in a row.
 *
 * @example
 * const next = demoFeedEntries(Math.random);
 * const input = next(); // { body: 'The weather station at … **131 km/h** …' }
 */
export function demoFeedEntries(random: Random = Math.random): () => EntryCreateInput {
  const pick = <T>(items: readonly T[]): T => items[Math.min(items.length - 1, Math.floor(random() * items.length))] as T;
  const int = (min: number, max: number): number => min + Math.min(max - min, Math.floor(random() * (max - min + 1)));
  let last = -1;
  return () => {
    let index = Math.min(TEMPLATES.length - 1, Math.floor(random() * TEMPLATES.length));
    if (index === last) index = (index + 1) % TEMPLATES.length;
    last = index;
    const template = TEMPLATES[index] as Template;
    return EntryCreateInput.parse(template(pick, int));
  };
}

/** How many distinct templates there are (tests check that every one of them is valid). */
export const DEMO_FEED_TEMPLATE_COUNT = TEMPLATES.length;
