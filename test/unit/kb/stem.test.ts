import { describe, expect, it } from 'vitest';
import { stem } from '../../../src/domain/kb/stem.ts';

describe('stem (Porter)', () => {
  it.each([
    // the RTC words the analyzer relies on
    ['freezes', 'freez'],
    ['freezing', 'freez'],
    ['freeze', 'freez'],
    ['connection', 'connect'],
    ['connected', 'connect'],
    ['connecting', 'connect'],
    ['connections', 'connect'],
    ['echoes', 'echo'],
    ['echoed', 'echo'],
    ['echo', 'echo'],
    ['routing', 'rout'],
    ['routes', 'rout'],
    ['latency', 'latenc'],
    ['latencies', 'latenc'],
    ['howling', 'howl'],
    ['reconnection', 'reconnect'],
    ['disconnected', 'disconnect'],
    ['permissions', 'permiss'],
    ['stuttering', 'stutter'],
    // reference outputs of Porter's algorithm, one or two per rule
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['cats', 'cat'],
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['motoring', 'motor'],
    ['conflated', 'conflat'],
    ['hopping', 'hop'],
    ['falling', 'fall'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['relational', 'relat'],
    ['digitizer', 'digit'],
    ['vietnamization', 'vietnam'],
    ['hopefulness', 'hope'],
    ['sensibiliti', 'sensibl'],
    ['triplicate', 'triplic'],
    ['electrical', 'electr'],
    ['goodness', 'good'],
    ['allowance', 'allow'],
    ['adjustable', 'adjust'],
    ['replacement', 'replac'],
    ['adoption', 'adopt'],
    ['generalizations', 'gener'],
    ['oscillators', 'oscil'],
    ['controll', 'control'],
    ['roll', 'roll'],
  ])('stems %s to %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it.each(['ios', 'ans', 'sdk', 'aec', 'is'])('leaves the short word %s alone', (word) => {
    expect(stem(word)).toBe(word);
  });

  it.each(['h265', 'Echoes', 'café', 'err_code'])('leaves %s (not lower-case ASCII letters) alone', (word) => {
    expect(stem(word)).toBe(word);
  });
});
