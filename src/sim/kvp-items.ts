/** KVP data items as Hyper-V's WMI provider returns them: embedded Msvm_KvpExchangeDataItem instances in CIM-XML. */

/** XML character data: markup characters become entities, so a value can never become markup; CR is written as a
 * character reference because XML parsers normalise a literal CR LF to LF. */
function xmlEscape(text: string): string {
  return text.replace(
    /[&<>"'\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' })[c]!,
  );
}

/** The CIM-XML text Hyper-V returns for one data item. */
export function kvpItemXml(name: string, data: string, source: number): string {
  const prop = (n: string, type: string, value: string): string =>
    `<PROPERTY NAME="${n}" PROPAGATED="true" TYPE="${type}"><VALUE>${xmlEscape(value)}</VALUE></PROPERTY>`;
  return `<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">${prop('Caption', 'string', '')}${prop('Data', 'string', data)}${prop('Description', 'string', '')}${prop('ElementName', 'string', '')}${prop('Name', 'string', name)}${prop('Source', 'uint16', String(source))}</INSTANCE>`;
}
