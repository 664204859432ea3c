/**
 * The demo live blog seeded in embedded mode: a fictional storm on a fictional coast, written
 * for this project. Every place, person, agency and figure in it is invented; links and media
 * point at reserved example domains. Times are minutes before the moment of seeding.
 */

/** Stable, so a bookmark of the demo keeps working across restarts. */
export const DEMO_BLOG_ID = 'demo-storm-coverage';

export const DEMO_TITLE = 'Storm Halvard makes landfall on the Serran Coast – live updates';

/** The header when coverage started, and after the update below. */
export const DEMO_FIRST_KEY_POINTS = [
  'Red warning for the whole Serran Coast as Storm Halvard approaches',
  'Residents of low-lying streets in Port Wrenna urged to leave',
];

export const DEMO_KEY_POINTS = [
  'Storm Halvard made landfall just south of Port Wrenna with gusts of up to 150 km/h',
  'About 28,000 homes are without power; 1,400 people are in evacuation centres',
  'The Lindqvist Bridge and the coast road are closed until at least tomorrow morning',
  'The red warning stays in force until 06:00 local time on Friday',
];

export const DEMO_KEY_POINTS_MINUTES_AGO = 22;

export type DemoAuthor = 'Live desk' | 'Ines Calloway in Port Wrenna' | 'Rafe Mendel, weather correspondent';

/** What an editor would have sent: the body of `POST …/entries`, before parsing. */
export interface DemoEntryInput {
  kind?: 'text' | 'quote' | 'image' | 'video';
  title?: string;
  body?: string;
  attribution?: string;
  media?: { url: string; caption?: string; durationSeconds?: number };
  keyEvent?: boolean;
  pinned?: boolean;
}

export interface DemoEntry {
  /** Names the entry for its edit; never shown. */
  key: string;
  minutesAgo: number;
  author: DemoAuthor;
  input: DemoEntryInput;
  /** A later edit, as an editor would have sent it (without `version`). */
  edit?: { minutesAgo: number; patch: DemoEntryInput & { correction?: string } };
}

export const DEMO_ENTRIES: readonly DemoEntry[] = [
  {
    key: 'welcome',
    minutesAgo: 118,
    author: 'Live desk',
    input: {
      body:
        'Good evening and welcome to our live coverage of **Storm Halvard**, which forecasters expect to reach the ' +
        'Serran Coast within the next hour.\n\n' +
        'Our reporter Ines Calloway is in Port Wrenna and our weather correspondent Rafe Mendel is following the ' +
        'forecasts. You can read the official warnings on the [Serran Weather Service site](https://weather.example.org/serran-coast/warnings).',
    },
  },
  {
    key: 'summary',
    minutesAgo: 112,
    author: 'Live desk',
    input: {
      title: 'What we know so far',
      pinned: true,
      body:
        '- Storm Halvard is expected to make landfall near **Port Wrenna** this evening\n' +
        '- A **red warning** covers the whole Serran Coast\n' +
        '- Evacuation centres are opening in Aldmoor and Tessel Vale',
    },
    edit: {
      minutesAgo: 6,
      patch: {
        body:
          '- Storm Halvard made landfall just south of **Port Wrenna**, with gusts of up to **150 km/h**\n' +
          '- About **28,000 homes** are without power across the coast\n' +
          '- **1,400 people** have spent the evening in evacuation centres in Aldmoor and Tessel Vale\n' +
          '- The Lindqvist Bridge and the coast road are closed; the red warning runs until Friday morning',
      },
    },
  },
  {
    key: 'red-warning',
    minutesAgo: 104,
    author: 'Rafe Mendel, weather correspondent',
    input: {
      title: 'Red warning extended to the whole coast',
      keyEvent: true,
      body:
        'The Serran Weather Service has extended its **red warning for wind** to every district on the coast, ' +
        'the highest level it issues. It warns of:\n\n' +
        '1. gusts of 130 to 150 km/h on exposed headlands\n' +
        '2. a storm surge of up to 1.8 metres at high tide\n' +
        '3. flying debris and falling trees inland\n\n' +
        'A red warning means *danger to life*: the office asks people not to travel unless they must.',
    },
  },
  {
    key: 'leave-now',
    minutesAgo: 95,
    author: 'Ines Calloway in Port Wrenna',
    input: {
      kind: 'quote',
      body:
        'If you live on the harbour front or in the lower town, please leave now, while the roads are still open. ' +
        'Take medicines, chargers and your neighbours. Do not wait for the water to reach your door.',
      attribution: 'Dalia Brandt, emergency coordinator for the Serran Coast',
    },
  },
  {
    key: 'harbour-wall',
    minutesAgo: 84,
    author: 'Ines Calloway in Port Wrenna',
    input: {
      kind: 'image',
      body: 'The tide is still two hours from its peak and the spray is already reaching the fish market roof.',
      media: {
        url: 'https://media.example.org/liveblog-demo/port-wrenna-harbour-wall.jpg',
        caption: 'Waves break over the harbour wall at Port Wrenna as the wind strengthens.',
      },
    },
  },
  {
    key: 'shelters',
    minutesAgo: 71,
    author: 'Live desk',
    input: {
      title: 'Where to find shelter',
      body:
        'Three evacuation centres are open tonight, with beds, hot food and space for pets:\n\n' +
        '- **Aldmoor Sports Hall**, Mill Lane\n' +
        '- **Tessel Vale Community School**, Orchard Road\n' +
        '- **St Bryn’s Church Hall**, upper Port Wrenna (for people with reduced mobility)\n\n' +
        'The regional council keeps an [up-to-date list and a map](https://council.example.org/storm/shelters).',
    },
  },
  {
    key: 'landfall',
    minutesAgo: 55,
    author: 'Rafe Mendel, weather correspondent',
    input: {
      title: 'Storm Halvard makes landfall',
      keyEvent: true,
      body:
        'The centre of Storm Halvard crossed the coast **just south of Port Wrenna** a few minutes ago, the Met ' +
        'Office says. The strongest gust so far, **151 km/h**, was measured at the Kestrel Point lighthouse.\n\n' +
        'The worst of the wind should pass over the next three hours; the surge peaks with high tide.',
    },
  },
  {
    key: 'power',
    minutesAgo: 44,
    author: 'Live desk',
    input: {
      title: 'Tens of thousands without power',
      body:
        'About **38,000 homes** across the Serran Coast have lost power, the grid operator says. Crews will not go ' +
        'out until the wind drops below 90 km/h, so some homes may stay dark until morning.',
    },
    edit: {
      minutesAgo: 27,
      patch: {
        body:
          'About **28,000 homes** across the Serran Coast have lost power, the grid operator says. Crews will not go ' +
          'out until the wind drops below 90 km/h, so some homes may stay dark until morning.',
        correction: 'An earlier version of this update said 38,000 homes had lost power. The grid operator’s figure is 28,000.',
      },
    },
  },
  {
    key: 'ferry-video',
    minutesAgo: 33,
    author: 'Ines Calloway in Port Wrenna',
    input: {
      kind: 'video',
      body: 'Seawater is pouring across the car park of the ferry terminal, which closed this afternoon.',
      media: {
        url: 'https://media.example.org/liveblog-demo/ferry-terminal-flooding.mp4',
        caption: 'Flooding at the Port Wrenna ferry terminal, filmed from the harbour office.',
        durationSeconds: 94,
      },
    },
  },
  {
    key: 'roads',
    minutesAgo: 19,
    author: 'Live desk',
    input: {
      title: 'Bridge and coast road closed',
      body:
        'Police have closed:\n\n' +
        '- the **Lindqvist Bridge** in both directions, after a lorry was blown onto its side\n' +
        '- the **coast road** between Port Wrenna and Aldmoor, blocked by fallen trees in several places\n\n' +
        'Nobody was hurt in the bridge incident. Check [live traffic information](https://traffic.example.org/serran) before setting out.',
    },
  },
  {
    key: 'resident',
    minutesAgo: 9,
    author: 'Ines Calloway in Port Wrenna',
    input: {
      kind: 'quote',
      body: 'The whole building was shaking. We put the chairs on the tables and went upstairs to wait it out. The sea came right up to the step.',
      attribution: 'Teodor Vance, who runs a café on Quay Street',
    },
  },
  {
    key: 'next',
    minutesAgo: 4,
    author: 'Rafe Mendel, weather correspondent',
    input: {
      title: 'What happens next',
      body:
        'The wind is already easing in the south, but the weather service expects **heavy rain** overnight, with a risk ' +
        'of river flooding along the Tolle. The red warning stays in force until 06:00 on Friday.\n\n' +
        'We will keep this page updated through the night.',
    },
  },
];
