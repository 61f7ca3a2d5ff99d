import { expect } from 'chai';
import { FlowFailed, runSteps, type Step } from '../../../src/core/steps';

describe('core/steps', () => {
  const trail: string[] = [];
  const step = (name: string, fail = false): Step<unknown> => ({
    name,
    run: async () => {
      if (fail) throw new Error(`${name} broke`);
      trail.push(`run ${name}`);
    },
    cleanup: async () => {
      trail.push(`undo ${name}`);
    },
  });

  beforeEach(() => trail.splice(0));

  it('undoes completed steps in reverse when a later step fails', async () => {
    const error = await runSteps([step('a'), step('b'), step('c', true)], {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FlowFailed);
    expect((error as FlowFailed).failedStep).to.equal('c');
    expect((error as FlowFailed).outcome.undone).to.deep.equal(['b', 'a']);
    expect(trail).to.deep.equal(['run a', 'run b', 'undo b', 'undo a']);
  });

  it('keeps partial work when asked and says what was left', async () => {
    const error = (await runSteps([step('a'), step('b', true)], {}, { keepOnFailure: true }).catch(
      (e: unknown) => e,
    )) as FlowFailed;
    expect(error.outcome.leftBehind).to.deep.equal(['a']);
    expect(trail).to.deep.equal(['run a']);
  });
});
