/**
 * What the settings allow but an operator should hear about at every start: a risk they took on
 * knowingly, or a setting meant for testing. Each names its setting, as the problems do; the
 * composition root logs them once the bot listens.
 */
import { isDirectAppRole } from '../requests/catalog';
import type { Config } from './config';

export interface SettingWarning {
  /** What the log line carries beside the message, for whoever searches the logs for it. */
  details: Record<string, unknown>;
  message: string;
}

export function settingWarnings(config: Config): SettingWarning[] {
  const warnings: SettingWarning[] = [];
  const directAppRoles = config.catalog.resources.filter(isDirectAppRole).map((resource) => resource.id);
  if (directAppRoles.length > 0) {
    warnings.push({
      details: { resources: directAppRoles, permission: 'AppRoleAssignment.ReadWrite.All' },
      message:
        `RESOURCE_CATALOG_FILE assigns app roles directly (${directAppRoles.join(', ')}), so the Graph identity needs AppRoleAssignment.ReadWrite.All, ` +
        "with which it could grant any app role of any application to anyone, itself included, and Microsoft Graph's own permissions are app roles too. " +
        'With Microsoft Entra ID P1, offer each app through a group that is assigned it (groupId) and take that permission away (docs/administration.md, "Describe what may be requested").',
    });
  }
  if (config.timing.scale !== 1) {
    warnings.push({
      details: { timeScale: config.timing.scale },
      message: `TIME_SCALE=${config.timing.scale}: every timer runs ${config.timing.scale} times faster (a day lasts ${Math.round(config.timing.dayMs / 1000)} s). For testing only; unset it in production.`,
    });
  }
  return warnings;
}
