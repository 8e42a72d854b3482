import { accept, Decider, reject } from '../shared/decider';
import { conflict } from '../shared/rule-violation';
import { specFor } from './given-when-then';

// A deliberately tiny decider: a tally of sessions that refuses more than two.
type TallyEvent = { type: 'SessionCounted'; data: { sessionId: string } } | { type: 'TallyFull'; data: { count: number } };
type TallyCommand = { type: 'CountSession'; data: { sessionId: string } } | { type: 'Scribble'; data: Record<never, never> };
type Tally = { readonly sessionIds: readonly string[] };

const tally: Decider<TallyCommand, TallyEvent, Tally> = {
  initialState: { sessionIds: [] },
  evolve: (state, event) =>
    event.type === 'SessionCounted' ? { sessionIds: [...state.sessionIds, event.data.sessionId] } : state,
  decide: (command, state) => {
    if (command.type === 'Scribble') {
      // Mutates its input, which a decider must never do.
      (state.sessionIds as string[]).push('scribble');
      return accept();
    }
    if (state.sessionIds.length >= 2) return reject(conflict('tally-full', 'Only two sessions fit on this tally.'));
    const counted: TallyEvent = { type: 'SessionCounted', data: { sessionId: command.data.sessionId } };
    return state.sessionIds.length === 1 ? accept<TallyEvent>(counted, { type: 'TallyFull', data: { count: 2 } }) : accept(counted);
  },
};

const spec = specFor(tally);
const counted = (sessionId: string): TallyEvent => ({ type: 'SessionCounted', data: { sessionId } });
const count = (sessionId: string): TallyCommand => ({ type: 'CountSession', data: { sessionId } });

function failureOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the spec to fail, but it passed');
}

describe('specFor(...).given(...).when(...).then(...)', () => {
  it('passes when the decider produces exactly the expected events', () => {
    spec.given(counted('s1')).when(count('s2')).then(counted('s2'), { type: 'TallyFull', data: { count: 2 } });
  });

  it('ignores the order of keys inside events', () => {
    spec.given().when(count('s1')).then({ data: { sessionId: 's1' }, type: 'SessionCounted' });
  });

  it('names the index of the first differing event and prints both, expected and actual', () => {
    const message = failureOf(() =>
      spec.given(counted('s1')).when(count('s2')).then(counted('s2'), { type: 'TallyFull', data: { count: 3 } }),
    );
    expect(message).toContain('Events differ at index 1');
    expect(message).toContain('expected[1]: {"type":"TallyFull","data":{"count":3}}');
    expect(message).toContain('actual[1]:   {"type":"TallyFull","data":{"count":2}}');
    expect(message).toContain('[0] {"type":"SessionCounted","data":{"sessionId":"s2"}}');
  });

  it('reports a missing or an extra event', () => {
    const missing = failureOf(() => spec.given(counted('s1')).when(count('s2')).then(counted('s2')));
    expect(missing).toContain('Events differ at index 1 (expected 1 event, got 2)');
    expect(missing).toContain('expected[1]: (no event)');
  });

  it('shows the violation when events were expected but the command was rejected', () => {
    const message = failureOf(() => spec.given(counted('s1'), counted('s2')).when(count('s3')).then(counted('s3')));
    expect(message).toContain('but it was rejected');
    expect(message).toContain('"rule":"tally-full"');
  });
});

describe('specFor(...).given(...).when(...).thenRejects(...)', () => {
  it('passes on the expected kind, rule and message', () => {
    spec
      .given(counted('s1'), counted('s2'))
      .when(count('s3'))
      .thenRejects({ kind: 'conflict', rule: 'tally-full', messageIncludes: 'two sessions' });
  });

  it('shows the violation received against the one expected', () => {
    const message = failureOf(() =>
      spec.given(counted('s1'), counted('s2')).when(count('s3')).thenRejects({ kind: 'invalid', rule: 'tally-too-small' }),
    );
    expect(message).toContain("kind is 'conflict', expected 'invalid'");
    expect(message).toContain("rule is 'tally-full', expected 'tally-too-small'");
    expect(message).toContain('received: {"kind":"conflict","rule":"tally-full"');
  });

  it('shows the events produced when a rejection was expected', () => {
    const message = failureOf(() => spec.given().when(count('s1')).thenRejects({ kind: 'conflict', rule: 'tally-full' }));
    expect(message).toContain("Expected the command to be rejected (conflict 'tally-full'), but it was accepted.");
    expect(message).toContain('[0] {"type":"SessionCounted","data":{"sessionId":"s1"}}');
  });
});

describe('specFor guards', () => {
  it('fails a decider that mutates its state', () => {
    expect(() => spec.given(counted('s1')).when({ type: 'Scribble', data: {} }).then()).toThrow(TypeError);
  });

  it('fails an event that is not plain JSON', () => {
    const withUndefined = { type: 'SessionCounted', data: { sessionId: undefined } } as unknown as TallyEvent;
    const message = failureOf(() => spec.given(withUndefined).when(count('s2')).then(counted('s2')));
    expect(message).toContain('given event [0].data.sessionId is undefined');
  });

  it('runs the event check on produced events', () => {
    const checked: string[] = [];
    specFor(tally, { checkEvent: (event) => checked.push(event.type) })
      .given(counted('s1'))
      .when(count('s2'))
      .then(counted('s2'), { type: 'TallyFull', data: { count: 2 } });
    expect(checked).toEqual(['SessionCounted', 'SessionCounted', 'TallyFull']);
  });
});
