/**
 * How a channel orders its tags, as pure functions. Each ordering turns a tag into a sort
 * key: a string whose plain code-point order is the release order, so Release.sortKey can
 * be compared anywhere (JS `<`, a `COLLATE "C"` column) without knowing the ordering.
 * Keys use only printable ASCII; separators are chosen below every character they separate.
 */

export const tagOrderings = ["semver", "date", "pushed"] as const;
export type TagOrdering = (typeof tagOrderings)[number];

export const orderingLabels: Record<TagOrdering, string> = {
  semver: "Semantic version (1.10.0 > 1.9.2)",
  date: "Date stamp in the tag (release-250301)",
  pushed: "Push time (the image's build time)",
};

/** What `pushed` needs besides the tag: when the image was built (its config's `created`). */
export interface OrderingExtra {
  created?: Date | string | null;
}

export type SortKeyResult = { ok: true; key: string } | { ok: false; reason: string };

/** The sort key of `tag` under `ordering`, or why the tag has no place in it. */
export function sortKey(tag: string, ordering: TagOrdering, extra: OrderingExtra = {}): SortKeyResult {
  const result = ordering === "semver" ? semverKey(tag) : ordering === "date" ? dateKey(tag) : pushedKey(tag, extra);
  // The tag itself last: naturalKey drops leading zeros, so 1.0.0 and 01.0.0 would tie. TIE sorts
  // below every tag character, so this decides only between keys that were equal before.
  return result.ok ? { ok: true, key: `${result.key}${TIE}${tag}` } : result;
}

/** Compares two sort keys (or any strings) by code point, which is how keys are meant to sort. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface OrderedTags {
  /** Tags with their keys, newest first. */
  ordered: { tag: string; key: string }[];
  excluded: { tag: string; reason: string }[];
}

/** Sorts tags newest first under an ordering that needs nothing but the tag (semver, date). */
export function orderTags(tags: readonly string[], ordering: Exclude<TagOrdering, "pushed">): OrderedTags {
  const ordered: OrderedTags["ordered"] = [];
  const excluded: OrderedTags["excluded"] = [];
  for (const tag of tags) {
    const result = sortKey(tag, ordering);
    if (result.ok) ordered.push({ tag, key: result.key });
    else excluded.push({ tag, reason: result.reason });
  }
  ordered.sort((a, b) => compareKeys(b.key, a.key));
  return { ordered, excluded };
}

// Key separators, in increasing order, all below [0-9A-Za-z-] and each other's neighbours:
// TIE ends the precedence part (then the tag decides between equals, e.g. 1.0.0+a vs 1.0.0+b).
const TIE = "!";
// Between pre-release identifiers: below "-", so "alpha" < "alpha-x" as semver says.
const IDENTIFIER = ",";
// A pre-release follows the core with "-", a release with "~": every release outranks its pre-releases.
const PRE = "-";
const RELEASE = "~";

const SEMVER =
  /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Semantic versions with or without a `v`, numbers compared as numbers, pre-releases below
 * their release (semver 2.0 §11). `1.2` and `1` read as `1.2.0` and `1.0.0`, as vendors tag.
 */
function semverKey(tag: string): SortKeyResult {
  const match = SEMVER.exec(tag);
  if (!match)
    return { ok: false, reason: "not a semantic version (expected [v]MAJOR[.MINOR[.PATCH]][-pre.release][+build])" };
  const [, major, minor = "0", patch = "0", pre] = match;
  const core = [major!, minor, patch].map(numberKey).join(".");
  const precedence =
    pre === undefined ? `${core}${RELEASE}` : `${core}${PRE}${pre.split(".").map(identifierKey).join(IDENTIFIER)}`;
  return { ok: true, key: `${precedence}${TIE}${naturalKey(tag)}` };
}

/** Numeric identifiers rank below alphanumeric ones and compare as numbers; others compare as ASCII. */
function identifierKey(identifier: string): string {
  return /^\d+$/.test(identifier) ? `0${numberKey(identifier)}` : `1${identifier}`;
}

/** A number as digit count + digits, so "10" > "9" by code point; leading zeros dropped. */
function numberKey(digits: string): string {
  const trimmed = digits.replace(/^0+(?=\d)/, "");
  return `${String(trimmed.length).padStart(2, "0")}${trimmed}`;
}

/** Digit runs replaced by their number keys: "rc10" > "rc9", used to break ties between equal precedences. */
export function naturalKey(text: string): string {
  return text.replace(/\d+/g, (run) => (run.length > 99 ? run : numberKey(run)));
}

interface DateStamp {
  year: number;
  month: number;
  day: number;
}

/**
 * Date-stamped tags: the first date found in the tag, YYYY-MM-DD (or with . or _), YYYYMMDD,
 * or YYMMDD (read as 20YY), as a run of digits of its own. Equal dates fall back to the
 * tag with numbers compared as numbers (release-250301-2 < release-250301-10).
 */
function dateKey(tag: string): SortKeyResult {
  const stamp = findDate(tag);
  if (!stamp)
    return {
      ok: false,
      reason: "no date stamp found (expected YYMMDD, YYYYMMDD or YYYY-MM-DD in the tag, e.g. release-250301)",
    };
  const date = `${stamp.year}${pad2(stamp.month)}${pad2(stamp.day)}`;
  return { ok: true, key: `${date}${TIE}${naturalKey(tag)}` };
}

export function findDate(tag: string): DateStamp | undefined {
  for (const match of tag.matchAll(/(?<!\d)(\d{4})[-._](\d{2})[-._](\d{2})(?!\d)/g)) {
    const stamp = validDate(Number(match[1]), Number(match[2]), Number(match[3]));
    if (stamp) return stamp;
  }
  for (const match of tag.matchAll(/(?<!\d)(\d{8}|\d{6})(?!\d)/g)) {
    const run = match[1]!;
    const stamp =
      run.length === 8
        ? validDate(Number(run.slice(0, 4)), Number(run.slice(4, 6)), Number(run.slice(6, 8)))
        : validDate(2000 + Number(run.slice(0, 2)), Number(run.slice(2, 4)), Number(run.slice(4, 6)));
    if (stamp) return stamp;
  }
  return undefined;
}

function validDate(year: number, month: number, day: number): DateStamp | undefined {
  if (year < 1970 || year > 2199 || month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? { year, month, day } : undefined;
}

/**
 * By push time. The registry API has no push time, so the image's build time stands in
 * for it: its config's `created`. Equal times fall back to the tag.
 */
function pushedKey(tag: string, extra: OrderingExtra): SortKeyResult {
  if (extra.created === undefined || extra.created === null || extra.created === "")
    return { ok: false, reason: "the image config has no created time to order by" };
  const created = new Date(extra.created);
  const time = created.getTime();
  if (Number.isNaN(time) || time < 0 || created.getUTCFullYear() > 9999)
    return {
      ok: false,
      reason: `the image config's created time ${JSON.stringify(String(extra.created).slice(0, 40))} is not a date`,
    };
  return { ok: true, key: `${created.toISOString()}${TIE}${naturalKey(tag)}` };
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}
