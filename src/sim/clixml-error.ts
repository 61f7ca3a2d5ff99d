/** How Windows reports a PowerShell that dies before its script runs (CLIXML error records on stderr). */
export function clixmlError(message: string): string {
  const escaped = message
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]/g, (c) => (c === '\r' ? '_x000D_' : '_x000A_'));
  return `#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj><S S="Error">${escaped}_x000D__x000A_</S><S S="Error">    + CategoryInfo          : OperationStopped: (:) [], RuntimeException_x000D__x000A_</S></Objs>`;
}
