// The strftime(3) conversions mosquitto_sub's `@X` hands to the C library (glibc, C locale), on local
// time. Unknown conversions print as glibc prints them: the two characters unchanged.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const s2 = (n: number): string => (n < 10 ? ` ${n}` : String(n));
const p3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1);
  return Math.round((new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - start.getTime()) / 86_400_000);
}

/** ISO 8601 week number and week-based year (%V, %G). */
function isoWeek(d: Date): [week: number, year: number] {
  const t = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return [Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7), t.getUTCFullYear()];
}

/** +hhmm / -hhmm of local time */
export function tzOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

let zoneFmt: Intl.DateTimeFormat | undefined;
function tzName(d: Date): string {
  zoneFmt ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  return zoneFmt.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** One strftime conversion as a string. */
export function strftimeOne(c: string, d: Date): string {
  switch (c) {
    case 'a': return DAYS[d.getDay()]!.slice(0, 3);
    case 'A': return DAYS[d.getDay()]!;
    case 'b': case 'h': return MONTHS[d.getMonth()]!.slice(0, 3);
    case 'B': return MONTHS[d.getMonth()]!;
    case 'c': return `${strftimeOne('a', d)} ${strftimeOne('b', d)} ${s2(d.getDate())} ${strftimeOne('T', d)} ${d.getFullYear()}`;
    case 'C': return p2(Math.floor(d.getFullYear() / 100));
    case 'd': return p2(d.getDate());
    case 'D': case 'x': return `${p2(d.getMonth() + 1)}/${p2(d.getDate())}/${p2(d.getFullYear() % 100)}`;
    case 'e': return s2(d.getDate());
    case 'F': return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
    case 'g': return p2(isoWeek(d)[1] % 100);
    case 'G': return String(isoWeek(d)[1]);
    case 'H': return p2(d.getHours());
    case 'I': return p2(d.getHours() % 12 || 12);
    case 'j': return p3(dayOfYear(d) + 1);
    case 'k': return s2(d.getHours());
    case 'l': return s2(d.getHours() % 12 || 12);
    case 'm': return p2(d.getMonth() + 1);
    case 'M': return p2(d.getMinutes());
    case 'n': return '\n';
    case 'p': return d.getHours() < 12 ? 'AM' : 'PM';
    case 'P': return d.getHours() < 12 ? 'am' : 'pm';
    case 'r': return `${strftimeOne('I', d)}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${strftimeOne('p', d)}`;
    case 'R': return `${p2(d.getHours())}:${p2(d.getMinutes())}`;
    case 's': return String(Math.floor(d.getTime() / 1000));
    case 'S': return p2(d.getSeconds());
    case 't': return '\t';
    case 'T': case 'X': return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
    case 'u': return String(d.getDay() || 7);
    case 'U': return p2(Math.floor((dayOfYear(d) + 7 - d.getDay()) / 7));
    case 'V': return p2(isoWeek(d)[0]);
    case 'w': return String(d.getDay());
    case 'W': return p2(Math.floor((dayOfYear(d) + 7 - ((d.getDay() + 6) % 7)) / 7));
    case 'y': return p2(d.getFullYear() % 100);
    case 'Y': return String(d.getFullYear());
    case 'z': return tzOffset(d);
    case 'Z': return tzName(d);
    case '%': return '%';

    default: return `%${c}`;
  }
}
