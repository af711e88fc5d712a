// wink-nlp behind one small API: sentences, tokens (with shape, part of speech, lemma) and
// named entities (dates, times, durations, money, percentages) of a piece of text.
// Why wink: a maintained English pipeline (tokenizer, sentence splitter, POS tagger, NER)
// that installs from npm, runs offline and in-process, and reads a note in well under 1 ms.
import winkNLP, { type ItsFunction, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export interface Token {
  value: string; // as typed
  normal: string; // lower case
  lemma: string;
  pos: string; // universal POS tag: NOUN, VERB, NUM, PROPN...
  type: string; // word, number, currency, punctuation, symbol, email, time, ordinal...
  shape: string; // "XXdddd" for "TP1351"
  stop: boolean; // a stop word ("the", "on", "I")
  glued: boolean; // no space before: part of the same written word as the previous token
}

export interface Entity {
  type: string; // DATE, TIME, DURATION, MONEY, PERCENT, CARDINAL, ORDINAL, EMAIL...
  value: string;
  start: number; // token index, inclusive, within the sentence
  end: number;
}

export interface Sentence {
  text: string;
  tokens: Token[];
  entities: Entity[];
  line: number; // which line of the text it came from
}

let nlp: WinkMethods | null = null;

/** Loads the model once (~300 ms); later calls are free. */
export function loadNlp(): WinkMethods {
  nlp ??= winkNLP(model);
  return nlp;
}

// The typings declare token "its" helpers with a narrower signature than out() accepts.
const asIts = <T>(f: unknown) => f as ItsFunction<T>;

/** Splits one line of text into sentences with their tokens and entities. */
function readLine(line: string): Sentence[] {
  const w = loadNlp();
  const its = w.its;
  const doc = w.readDoc(line);
  const tokens = doc.tokens();
  const values = tokens.out() as string[];
  const normals = tokens.out(asIts<string>(its.normal)) as string[];
  const lemmas = tokens.out(asIts<string>(its.lemma)) as string[];
  const pos = tokens.out(asIts<string>(its.pos)) as string[];
  const types = tokens.out(asIts<string>(its.type)) as string[];
  const shapes = tokens.out(asIts<string>(its.shape)) as string[];
  const stops = tokens.out(asIts<boolean>(its.stopWordFlag)) as boolean[];
  const spaces = tokens.out(asIts<string>(its.precedingSpaces)) as string[];
  const all: Token[] = values.map((value, i) => ({
    value,
    normal: normals[i] ?? value.toLowerCase(),
    lemma: lemmas[i] ?? value.toLowerCase(),
    pos: pos[i] ?? 'X',
    type: types[i] ?? 'word',
    shape: shapes[i] ?? '',
    stop: stops[i] ?? false,
    glued: i > 0 && (spaces[i] ?? '') === '',
  }));

  const entities: Entity[] = [];
  const found = doc.entities();
  const entitySpans = found.out(asIts<number[]>(its.span)) as unknown as number[][];
  const kinds = found.out(asIts<string>(its.type)) as string[];
  const entityTexts = found.out() as string[];
  entitySpans.forEach(([start = 0, end = 0], i) => entities.push({ type: kinds[i] ?? '', value: entityTexts[i] ?? '', start, end }));

  const sentences: Sentence[] = [];
  const spans = doc.sentences().out(asIts<number[]>(its.span)) as unknown as number[][];
  for (const [from = 0, to = 0] of spans.flatMap(([a = 0, b = 0]) => splitAfterMonths(all, a, b))) {
    const sentenceTokens = all.slice(from, to + 1).map((t, k) => (k === 0 ? { ...t, glued: false } : t));
    const inside = entities
      .filter((e) => e.start >= from && e.end <= to)
      .map((e) => ({ ...e, start: e.start - from, end: e.end - from }));
    const text = sentenceTokens.map((t) => (t.glued ? t.value : ` ${t.value}`)).join('').trim();
    sentences.push({ text, tokens: sentenceTokens, entities: inside, line: 0 });
  }
  return sentences;
}

// The model takes "Aug." (or the "E." of "6E.") for an abbreviation and does not end the
// sentence at "…on 31 Aug. Next payment…"; such a token before a capital ends it.
const SHORT_DATES = new Set('jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun'.split(' '));

function splitAfterMonths(tokens: Token[], start: number, end: number): number[][] {
  const out: number[][] = [];
  let from = start;
  for (let i = start; i < end; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1]!;
    const abbreviation = SHORT_DATES.has(t.normal.slice(0, -1)) || (t.glued && /\d/.test(tokens[i - 1]?.value ?? '')) || /\d/.test(t.value);
    if (t.value.length > 1 && t.value.endsWith('.') && abbreviation && /^\p{Lu}/u.test(next.value)) {
      out.push([from, i]);
      from = i + 1;
    }
  }
  out.push([from, end]);
  return out;
}

// "- ", "* ", "• ", "1. " at the start of a line are list markers, not content.
const BULLET = /^\s*(?:[-*\u2022>]+|\d{1,2}[.)])\s+/;

/** Sentences of a multi-line text; each line is split on its own (agents often skip full stops). */
export function readSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  text.split(/\r?\n|\u2028|\u2029/).forEach((raw, n) => {
    const line = raw.replace(BULLET, '').trim();
    if (line !== '') out.push(...readLine(line).map((s) => ({ ...s, line: n })));
  });
  return out.filter((s) => s.text !== '');
}

/** Content words of a text as lemmas: what a paraphrase must share with its source. */
export function contentLemmas(sentences: Sentence[]): Set<string> {
  const out = new Set<string>();
  for (const s of sentences) {
    for (const t of s.tokens) {
      if (t.stop || (t.type !== 'word' && t.type !== 'number')) continue;
      out.add(t.lemma);
      out.add(t.normal);
    }
  }
  return out;
}
