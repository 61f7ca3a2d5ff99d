import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { EMBED_DIRS, embeddedPath, renderEmbedded } from '../../../src/transport/embed-scripts';

describe('embedded PowerShell scripts', () => {
  for (const dir of EMBED_DIRS) {
    it(`${dir}/scripts.generated.ts matches the .ps1 files (run src/transport/embed-scripts.ts)`, () => {
      expect(readFileSync(embeddedPath(dir), 'utf8')).to.equal(renderEmbedded(dir));
    });
  }
});
