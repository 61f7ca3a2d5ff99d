import { expect } from 'chai';
import fc from 'fast-check';
import { formatXmlRpcValue, parseXmlRpcValue } from '../../../../src/drivers/xen/xmlrpc-value';

describe('XML-RPC values of XAPI task results', () => {
  it('parses what XAPI stores in task.result', () => {
    expect(parseXmlRpcValue('<value>OpaqueRef:1b2c</value>')).to.equal('OpaqueRef:1b2c');
    expect(parseXmlRpcValue('')).to.equal('');
    expect(
      parseXmlRpcValue('<value><array><data><value>a</value><value><int>3</int></value></data></array></value>'),
    ).to.deep.equal(['a', 3]);
    expect(
      parseXmlRpcValue(
        '<value><struct><member><name>k &amp; v</name><value><boolean>1</boolean></value></member></struct></value>',
      ),
    ).to.deep.equal({ 'k & v': true });
    expect(parseXmlRpcValue('<value><string>&lt;x&gt; &#x41;&#66;</string></value>')).to.equal('<x> AB');
    expect(parseXmlRpcValue('<value/>')).to.equal('');
  });

  it('refuses what is not an XML-RPC value', () => {
    for (const bad of [
      '<value>x',
      '<value><int>1.5</int></value>',
      '<value><foo>1</foo></value>',
      '<value>a</value><value>b</value>',
      '<!DOCTYPE x><value>a</value>',
    ]) {
      expect(() => parseXmlRpcValue(bad), bad).to.throw();
    }
  });

  it('round-trips strings, integers, booleans, arrays and structs', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.string({ minLength: 1 }), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        // XML cannot carry most control characters; XAPI values never contain them.
        fc.pre(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(JSON.stringify(v)));
        expect(parseXmlRpcValue(formatXmlRpcValue(v))).to.deep.equal(v);
      }),
    );
  });
});
