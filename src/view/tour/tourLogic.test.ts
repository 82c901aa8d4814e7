import { describe, expect, it } from 'vitest';
import { CHAPTERS, chapterById } from '../../content/tours';
import { parseQuery } from '../../store/url';
import { effectiveScenario, effectiveSpeed, parseTourLink, withTourLink } from './tourLogic';

describe('tour deep links', () => {
  it('parses chapter, 1-based step and presenter flag', () => {
    expect(parseTourLink('?tour=consistent-hashing&step=2')).toEqual({
      chapterId: 'consistent-hashing',
      step: 1,
      present: false,
    });
    expect(parseTourLink('?tour=polling&present=1').present).toBe(true);
  });

  it('clamps bad steps and ignores unknown chapters', () => {
    const n = chapterById('polling')!.steps.length;
    expect(parseTourLink('?tour=polling&step=99').step).toBe(n - 1);
    expect(parseTourLink('?tour=polling&step=-3').step).toBe(0);
    expect(parseTourLink('?tour=polling&step=abc').step).toBe(0);
    expect(parseTourLink('?tour=nope&step=2')).toEqual({ chapterId: null, step: 0, present: false });
  });

  it('writes tour keys without touching the scenario keys, which still parse cleanly', () => {
    const q = withTourLink('?strategy=pubsub&users=5000', { chapterId: 'pubsub', step: 2, present: true });
    expect(q).toBe('?strategy=pubsub&users=5000&tour=pubsub&step=3&present=1');
    const parsed = parseQuery(q);
    expect(parsed.notices).toEqual([]);
    expect(parsed.scenario.users).toBe(5000);
    expect(withTourLink(q, { chapterId: null, step: 0, present: false })).toBe('?strategy=pubsub&users=5000');
  });
});

describe('opening a step out of order', () => {
  it('uses the latest scenario and speed set at or before the step', () => {
    const ch = chapterById('polling')!;
    expect(effectiveScenario(ch, 1)).toBe(ch.steps[0]!.scenario);
    expect(effectiveSpeed(ch, 0)).toBe(0.05);
    expect(effectiveSpeed(ch, 1)).toBe(1);
  });

  it('every chapter starts with a scenario, so any step can be opened by link', () => {
    for (const ch of CHAPTERS)
      for (let i = 0; i < ch.steps.length; i++) expect(effectiveScenario(ch, i), ch.id).not.toBeNull();
  });
});
