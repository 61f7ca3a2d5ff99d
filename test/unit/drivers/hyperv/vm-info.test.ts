import { expect } from 'chai';
import { joinNotes, splitNotes, toConfig } from '../../../../src/drivers/hyperv/vm-info';
import { mapScriptError } from '../../../../src/drivers/hyperv/session';
import { Conflict, NotFound, ScriptFailed } from '../../../../src/core/errors';

describe('drivers/hyperv/vm-info', () => {
  it('keeps virtseal metadata on the last Notes line and user notes intact', () => {
    const notes = joinNotes("line one\n#virtseal: looks like ours but is the user's", {
      tags: ['a b', 'Привет'],
      disks: {},
    });
    const split = splitNotes(notes);
    expect(split.text).to.equal("line one\n#virtseal: looks like ours but is the user's");
    expect(split.meta.tags).to.deep.equal(['a b', 'Привет']);
    expect(splitNotes('#virtseal:{broken').text).to.equal('#virtseal:{broken');
    expect(splitNotes('').meta.tags).to.deep.equal([]);
  });

  it('converts settings at the edge', () => {
    expect(
      toConfig({
        memory: { startupMb: 1024 },
        automaticStartAction: 'start_if_running',
        automaticStopAction: 'turn_off',
      }),
    ).to.deep.equal({
      memory: {
        startupBytes: 1073741824,
        dynamic: false,
        minimumBytes: 1073741824,
        maximumBytes: 1073741824,
        bufferPercent: 20,
      },
      automaticStartAction: 'StartIfRunning',
      automaticStopAction: 'TurnOff',
    });
  });

  it('maps virtseal:<reason> script errors to error classes and strips the prefix', () => {
    const failed = (m: string) => new ScriptFailed(`x.ps1: ${m}`, { details: { script: 'x.ps1', scriptMessage: m } });
    const nf = mapScriptError(failed('virtseal:not_found: no VM with id 1'));
    expect(nf).to.be.instanceOf(NotFound);
    expect((nf as Error).message).to.equal('no VM with id 1');
    expect(mapScriptError(failed('virtseal:conflict: taken'))).to.be.instanceOf(Conflict);
    const plain = failed('Hyper-V is not installed');
    expect(mapScriptError(plain)).to.equal(plain);
  });
});
