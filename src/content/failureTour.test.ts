import { describe, expect, it } from 'vitest';
import { createSimulation, normalizeScenario } from '../engine';
import { FAILURES_CHAPTER } from './failureTour';

const step = (i: number) => FAILURES_CHAPTER.steps[i]!;

describe('"Sound senior: failures and capacity": the figures its text quotes', () => {
  it('the herd step: users ÷ servers cut off, 3 × backlog can wait', () => {
    const s = normalizeScenario(step(1).scenario!);
    const cut = s.users / s.servers;
    const room = (s.servers - 1) * s.listenBacklog;
    expect(step(1).text).toContain(`all ${cut.toLocaleString('en-US')} of S3’s clients`);
    expect(step(1).question!.why).toContain(`3 × ${s.listenBacklog} = ${room.toLocaleString('en-US')}`);
    expect(step(1).question!.why).toContain(
      `about ${(Math.round((cut - room) / 500) * 500).toLocaleString('en-US')}`,
    );
  });

  it('the jitter step quotes the immediate-retry figure for the same 10 s (within 5 %)', () => {
    const sim = createSimulation(step(1).scenario!);
    const kill = step(2).actions![0]!;
    sim.runUntil(kill.afterS * 1e6);
    sim.act(kill.kind, kill.server);
    sim.runUntil(step(2).question!.revealAfterS * 1e6);
    const dropped = sim.live().totals.connectDropped;
    expect(step(2).question!.prompt).toContain(
      'about 130,000 attempts were dropped in the 10 s after the kill',
    );
    expect(step(2).question!.revealAfterS - kill.afterS).toBe(10);
    expect(Math.abs(dropped - 130_000) / 130_000).toBeLessThan(0.05);
  });

  it('the slow-consumer step: growth and time to the hard limit', () => {
    const s = normalizeScenario(step(3).scenario!);
    const growth = (s.users * s.messagesPerUserPerMin) / 60 / s.servers - s.slowConsumerMsgsPerS;
    const cutS = ((s.socketBufferKb + s.outputBufferHardKb) * 1024) / (growth * (s.messageBytes + 40));
    expect(step(3).question!.prompt).toContain(`grows ${growth.toLocaleString('en-US')} messages`);
    expect(step(3).question!.choices[1]!.label).toContain(`about ${Math.round(cutS)} s`);
  });
});
