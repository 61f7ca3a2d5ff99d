export { SshConnection, type SshConnectionOptions, type ExecOptions, type ExecResult, type SshStats } from './ssh-connection';
export { PowerShellRunner, bootstrapCommand, type PsScript, type RunOptions, type RunRecord, type RunnerSettings } from './powershell-runner';
export { localLauncher, sshLauncher, type PsLauncher, type PsProcess } from './ps-process';
export { uploadFile, remoteSize, safeResumeOffset, type UploadOptions, type UploadResult } from './sftp-upload';
export { fingerprintOf, normalizeFingerprint } from './host-key';
export { quotePosixArg, quotePosixArgv } from './posix-quote';
export { decodeClixmlErrors } from './clixml';
