// The variables servicehost/manage writes into a service's environment and
// the running program reads (and removes, so children do not inherit them):
// the contract between install time and run time, in one place.

/** The installed stop timeout in ms: Service keeps its whole stop inside it, on every host. */
export const STOP_TIMEOUT_VARIABLE = 'SERVICEHOST_STOP_TIMEOUT_MS';

/** The working directory, for Windows services, which otherwise start in System32: servicehost/register moves there first. */
export const WORKING_DIRECTORY_VARIABLE = 'SERVICEHOST_WORKING_DIRECTORY';
