import { expect } from 'chai';
import { BindError, bindArguments, parseParamBlock } from '../../../src/sim/script-params';
import { embeddedScripts } from '../../../src/drivers/hyperv/scripts/scripts.generated';

describe('sim/script-params', () => {
  const params = parseParamBlock(embeddedScripts['power-set.ps1']!);

  it('reads names, types, Mandatory, ValidateSet and literal defaults', () => {
    expect(params).to.deep.equal([
      { name: 'Id', type: 'string', mandatory: true },
      { name: 'Action', type: 'string', mandatory: true, validateSet: ['start', 'shutdown', 'turnoff', 'restart', 'save'] },
      { name: 'TimeoutSeconds', type: 'int', mandatory: false, defaultValue: 300 },
      { name: 'Force', type: 'bool', mandatory: false, defaultValue: false },
    ]);
    expect(parseParamBlock(embeddedScripts['vm-list.ps1']!)).to.deep.equal([]);
  });

  it('binds like PowerShell: defaults, coercion, and its error wording', () => {
    expect(bindArguments(params, { Id: 'x', Action: 'START' })).to.deep.equal({ Id: 'x', Action: 'START', TimeoutSeconds: 300, Force: false });
    expect(bindArguments(params, { id: 'x', action: 'save', TimeoutSeconds: '30' })).to.include({ TimeoutSeconds: 30 });
    expect(() => bindArguments(params, { Id: 'x', Action: 'explode' })).to.throw(BindError, /does not belong to the set/);
    expect(() => bindArguments(params, { Action: 'start' })).to.throw(BindError, /missing mandatory parameters: Id/);
    expect(() => bindArguments(params, { Id: 'x', Action: 'start', Extra: 1 })).to.throw(BindError, /parameter name 'Extra'/);
    expect(() => bindArguments(params, { Id: 'x', Action: 'start', Force: 'yes' })).to.throw(BindError, /Cannot convert/);
    expect(() => bindArguments(params, { Id: '', Action: 'start' })).to.throw(BindError, /empty string/);
  });

  it('parses every Hyper-V script (each declares what the driver sends)', () => {
    for (const [file, text] of Object.entries(embeddedScripts)) {
      if (file === 'hyperv-common.ps1') continue;
      for (const p of parseParamBlock(text)) expect(p.type, `${file} ${p.name}`).to.match(/^(string|int|long|bool|hashtable|string\[\]|object\[\])$/);
    }
  });
});
