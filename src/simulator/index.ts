export { DirectorySimulator, type DirectorySimulatorOptions, type RecordedRequest } from './directorySimulator';
export type { SimulatedAppRoleAssignment } from './directoryState';
export type { SimulatorFault } from './faultInjector';
export type { RecordedBatchItem } from './jsonBatch';
export type { SimulatorLogger } from './simulatorLogger';
export { loadSimulatorSeed, parseSimulatorSeed, type SimulatedUser, type SimulatorSeed } from './simulatorSeed';
export { startDirectorySimulator, type StartedDirectorySimulator } from './startDirectorySimulator';
export { type PublishedTeamsApp, SIMULATED_TEAMS_APP_ID } from './teamsAppCatalog';
