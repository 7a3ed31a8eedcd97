/**
 * `servicehost/windows`: Windows-specific parts for direct use.
 *
 * - {@link WindowsServiceHost}: the host that runs a program as an SCM service.
 * - {@link startServiceDispatcher} and {@link setServiceStatus}: the raw SCM
 *   contract, for callers who drive SERVICE_STATUS themselves.
 */
export * from './windows-scm';
export { WindowsServiceHost, type WindowsServiceHostOptions } from './hosts/windows-service';
export { quoteWindowsArgument, windowsCommandLine } from './windows-command-line';
