import { expect } from 'chai';
import { renderAll, generateAll } from '../../../build/generate';

describe('generated files (golden)', () => {
  it('regenerating src/generated, sidecar docs and surveys changes nothing (run `npm run generate` and commit)', async () => {
    expect(await generateAll({ write: false })).to.deep.equal([]);
  });

  it('every generated file carries the do-not-edit header', async () => {
    for (const [path, content] of await renderAll()) {
      if (path.endsWith('.json')) continue; // surveys are AWX JSON: no comments possible; surveys/src is the source
      expect(content.split('\n').slice(0, 2).join('\n'), path).to.match(/generated — do not edit/);
    }
  });
});
