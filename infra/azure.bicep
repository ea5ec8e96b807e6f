// Guest Access Bot on Azure: App Service (Linux, Node.js LTS) running the bot, an Azure Bot with the
// Teams channel, Azure Database for PostgreSQL flexible server reached through a private endpoint,
// Application Insights, and two user-assigned managed identities: one the bot signs in to the Bot
// Framework and to PostgreSQL with, one it calls Microsoft Graph with (kept apart, as docs/administration.md,
// "Give it Microsoft Graph", explains). No password or other secret exists anywhere.
//
// Deploy with the parameter file beside it (docs/deploy-azure.md walks through every step):
//   az deployment group create --resource-group <group> --template-file infra/azure.bicep \
//     --parameters @infra/azure.parameters.json \
//     --parameters postgresEntraAdministratorObjectId=<object id> postgresEntraAdministratorName=<name>
// Then grant the Graph identity its permissions (see the output GRAPH_APP_ROLES_TO_GRANT), have the
// PostgreSQL administrator create the bot's role (infra/database/*.sql), both of which Bicep cannot
// do, and deploy the code.

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file: lowercase letters, digits and hyphens. The web app, the bot and the PostgreSQL server need names no one else in Azure uses.')
param resourceBaseName string

@description('App Service plan size. B1 or larger: the bot needs Always On for its timers and job worker, which the Free plan lacks.')
param webAppSKU string = 'B1'

@minValue(1)
@description('How many instances run the bot. Several share the work safely through PostgreSQL (docs/reliability.md). Scale here rather than in the portal: a redeployment sets the count back to this value.')
param webAppInstanceCount int = 1

@description('Node.js runtime of the web app. The bot needs Node.js 20.19 or newer (package.json, engines); Node.js 20 reached its end of life in April 2026, so 22 LTS is the default. `az webapp list-runtimes --os-type linux` lists what App Service offers.')
param linuxFxVersion string = 'NODE|22-lts'

@maxLength(42)
@description('The bot\'s name in the Azure Bot resource.')
param botDisplayName string = 'Guest Access'

param serverfarmsName string = resourceBaseName
param webAppName string = resourceBaseName
param botIdentityName string = '${resourceBaseName}-bot'
param graphIdentityName string = '${resourceBaseName}-graph'
param location string = resourceGroup().location

// --- PostgreSQL: DATABASE_URL is built from these ----------------------------------------------

@description('Object id of the Microsoft Entra user or group that administers PostgreSQL (az ad signed-in-user show --query id -o tsv): it creates the bot\'s role once (docs/deploy-azure.md, step 4). The bot is not an administrator.')
param postgresEntraAdministratorObjectId string

@description('That administrator\'s user principal name, or the group\'s display name.')
param postgresEntraAdministratorName string

@allowed([
  'User'
  'Group'
])
param postgresEntraAdministratorType string = 'User'

@description('The PostgreSQL role the bot signs in as with its managed identity: infra/database/botRole.sql creates it, owning only the bot\'s schema.')
param postgresBotRole string = 'guest_access_bot'

param postgresDatabaseName string = 'guest_access'
param postgresSkuName string = 'Standard_B1ms'

@description('Your own public IP address, to reach the database with psql from outside Azure (the role setup in step 4, the audit trail). Empty, the default, keeps public network access off: set it for those moments and deploy again without it.')
param postgresClientIpAddress string = ''

// --- The bot's settings: each parameter below is the setting of the same name (docs/administration.md, "Settings")

@description('Where the resource catalog is on the App Service. The default is the catalog folder of the deployment package (docs/deploy-azure.md, "The catalog").')
param RESOURCE_CATALOG_FILE string = '/home/site/wwwroot/catalog/resource-catalog.json'

@description('Also have Microsoft email the invitation to the guest.')
param SEND_INVITATION_EMAIL bool = true

@description('Comma-separated domains; only these and their subdomains may be invited. Empty: any domain not blocked.')
param ALLOWED_GUEST_DOMAINS string = ''

@description('Comma-separated domains never invited.')
param BLOCKED_GUEST_DOMAINS string = ''

@description('Your organization\'s domains, comma-separated (the requester\'s own domains always count).')
param INTERNAL_DOMAINS string = ''

@minValue(1)
@description('When to remind an approver, once, of a request they have not decided; shorter than APPROVAL_TIMEOUT_DAYS.')
param APPROVAL_REMINDER_HOURS int = 48

@minValue(1)
@description('When an undecided request (or owner stage) expires.')
param APPROVAL_TIMEOUT_DAYS int = 7

@minValue(1)
@maxValue(3650)
@description('The access period offered by default, in days; the catalog\'s maxDays caps it.')
param ACCESS_DAYS int = 90

@minValue(0)
@description('How many days before the end the sponsor is asked whether to extend.')
param ACCESS_EXTENSION_NOTICE_DAYS int = 7

@allowed([
  'none'
  'disable'
  'delete'
])
@description('What happens to the guest\'s account when their last access ends.')
param GUEST_END_ACTION string = 'none'

@minValue(0)
@maxValue(3650)
@description('Ask the sponsor about a guest with no successful sign-in for this many days (0: off). Needs Microsoft Entra ID P1, and adds AuditLog.Read.All to GRAPH_APP_ROLES_TO_GRANT.')
param INACTIVE_GUEST_DAYS int = 0

@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
@description('Log level. Below info, log lines carry guests\' email addresses unmasked, and they land in Log Analytics.')
param LOG_LEVEL string = 'info'

@minValue(1)
@maxValue(3600)
@description('How long a job\'s claim lasts unrenewed: how soon another instance takes over a crashed one\'s job.')
param JOB_LEASE_SECONDS int = 15

@minValue(0)
@maxValue(3600)
@description('How long SIGTERM waits for the job in hand before releasing it.')
param SHUTDOWN_GRACE_SECONDS int = 20

@description('Any other setting from docs/administration.md, "Settings" (MAX_TURNS_PER_MINUTE, REDEMPTION_NUDGE_DAYS, ...), as { "NAME": "value" }. Settings added by hand in the portal are replaced at the next deployment; put them here instead.')
param extraAppSettings object = {}

// --- Identities -------------------------------------------------------------------------------

// The bot's own identity: its Microsoft App ID. It gets Bot Framework tokens, and tokens for its
// own PostgreSQL role (DATABASE_CLIENT_ID); no Graph permission.
resource botIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  location: location
  name: botIdentityName
}

// The identity the bot calls Microsoft Graph with (AZURE_CLIENT_ID). Its Graph application
// permissions are granted after deployment: see GRAPH_APP_ROLES_TO_GRANT below.
resource graphIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  location: location
  name: graphIdentityName
}

// --- Network, database and monitoring ------------------------------------------------------------

module network './network/virtualNetwork.bicep' = {
  name: 'Virtual-network'
  params: {
    name: '${resourceBaseName}-network'
    location: location
  }
}

module postgres './database/postgresFlexibleServer.bicep' = {
  name: 'PostgreSQL-flexible-server'
  params: {
    serverName: toLower('${resourceBaseName}-pg')
    location: location
    entraAdministratorObjectId: postgresEntraAdministratorObjectId
    entraAdministratorName: postgresEntraAdministratorName
    entraAdministratorType: postgresEntraAdministratorType
    databaseName: postgresDatabaseName
    skuName: postgresSkuName
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: network.outputs.postgresPrivateDnsZoneId
    clientIpAddress: postgresClientIpAddress
  }
}

module monitoring './monitoring/applicationInsights.bicep' = {
  name: 'Application-Insights'
  params: {
    name: resourceBaseName
    location: location
  }
}

// The bot's role and no password: DATABASE_AUTH=entra makes a token of the bot identity the
// password of each connection. sslmode=verify-full is TLS with the server's certificate and host
// name checked, which is what pg 8 does for sslmode=require too, minus its warning at every start.
var databaseUrl = 'postgres://${uriComponent(postgresBotRole)}@${postgres.outputs.fullyQualifiedDomainName}:5432/${postgresDatabaseName}?sslmode=verify-full'

// --- The web app --------------------------------------------------------------------------------

// Compute resources for your Web App
resource serverfarm 'Microsoft.Web/serverfarms@2024-04-01' = {
  kind: 'linux'
  location: location
  name: serverfarmsName
  sku: {
    name: webAppSKU
    capacity: webAppInstanceCount
  }
  properties: {
    reserved: true
  }
}

// Web App that hosts your bot
resource webApp 'Microsoft.Web/sites@2024-04-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${botIdentity.id}': {}
      '${graphIdentity.id}': {}
    }
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Outbound traffic to private addresses (the database's endpoint) goes through the network;
    // Graph and the Bot Framework are reached directly, so the network needs no internet egress.
    virtualNetworkSubnetId: network.outputs.appSubnetId
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      // The package holds the built bot and production dependencies only; npm start would compile.
      appCommandLine: 'node dist/src/index.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

// Every app setting the bot gets, none of them a secret (APPLICATIONINSIGHTS_CONNECTION_STRING is an
// identifier, which Microsoft says is not one), so there is nothing for a Key Vault reference to
// hold. Not set: PORT, which App Service sets itself; MicrosoftAppPassword, which a managed identity
// has none of (the Bot Framework SDK refuses one with UserAssignedMSI); AZURE_CLIENT_SECRET and
// AZURE_CLIENT_CERTIFICATE_PATH, which would take precedence over the managed identity.
var appSettings = {
  // Bot Framework: the bot signs in as its own managed identity.
  MicrosoftAppId: botIdentity.properties.clientId
  MicrosoftAppType: 'UserAssignedMSI'
  MicrosoftAppTenantId: botIdentity.properties.tenantId
  // Microsoft Graph, as the other managed identity, in the tenant both identities belong to.
  DIRECTORY_MODE: 'graph'
  AZURE_TENANT_ID: graphIdentity.properties.tenantId
  AZURE_CLIENT_ID: graphIdentity.properties.clientId
  // PostgreSQL, as the bot identity's own role: no password exists.
  DATABASE_URL: databaseUrl
  DATABASE_AUTH: 'entra'
  DATABASE_CLIENT_ID: botIdentity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  RESOURCE_CATALOG_FILE: RESOURCE_CATALOG_FILE
  // ARM's string() writes a boolean as True or False, which the bot does not read as a boolean.
  SEND_INVITATION_EMAIL: SEND_INVITATION_EMAIL ? 'true' : 'false'
  ALLOWED_GUEST_DOMAINS: ALLOWED_GUEST_DOMAINS
  BLOCKED_GUEST_DOMAINS: BLOCKED_GUEST_DOMAINS
  INTERNAL_DOMAINS: INTERNAL_DOMAINS
  APPROVAL_REMINDER_HOURS: string(APPROVAL_REMINDER_HOURS)
  APPROVAL_TIMEOUT_DAYS: string(APPROVAL_TIMEOUT_DAYS)
  ACCESS_DAYS: string(ACCESS_DAYS)
  ACCESS_EXTENSION_NOTICE_DAYS: string(ACCESS_EXTENSION_NOTICE_DAYS)
  GUEST_END_ACTION: GUEST_END_ACTION
  INACTIVE_GUEST_DAYS: string(INACTIVE_GUEST_DAYS)
  LOG_LEVEL: LOG_LEVEL
  JOB_LEASE_SECONDS: string(JOB_LEASE_SECONDS)
  SHUTDOWN_GRACE_SECONDS: string(SHUTDOWN_GRACE_SECONDS)
  // App Service: run the uploaded zip as it is, read-only, without building it again.
  WEBSITE_RUN_FROM_PACKAGE: '1'
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
}

// The settings above win over extraAppSettings: identities and the database are this file's to set.
resource webAppSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: webApp
  name: 'appsettings'
  properties: union(extraAppSettings, appSettings)
}

// Deployments sign in with Microsoft Entra ID (az webapp deploy does); no publishing password
// exists that could put other code on a bot whose Graph identity can invite guests.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: webApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// The bot's JSON log lines (standard output), HTTP and platform logs, into the Log Analytics
// workspace beside Application Insights: query AppServiceConsoleLogs.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'bot-logs-to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

// Register your web service as a bot with the Bot Framework
module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: resourceBaseName
    identityClientId: botIdentity.properties.clientId
    identityResourceId: botIdentity.id
    identityTenantId: botIdentity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
    botDisplayName: botDisplayName
  }
}

// --- Outputs: `az deployment group show -g <group> -n <deployment> --query properties.outputs` -----

output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output WEB_APP_NAME string = webApp.name
output BOT_DOMAIN string = webApp.properties.defaultHostName
output MESSAGING_ENDPOINT string = azureBotRegistration.outputs.messagingEndpoint

@description('The bot\'s Microsoft App ID: MicrosoftAppId for npm run package (the Teams app\'s botId).')
output MicrosoftAppId string = botIdentity.properties.clientId
output MicrosoftAppTenantId string = botIdentity.properties.tenantId
output AZURE_TENANT_ID string = graphIdentity.properties.tenantId
output AZURE_CLIENT_ID string = graphIdentity.properties.clientId

@description('Object id of the Graph identity\'s service principal: the principal to grant GRAPH_APP_ROLES_TO_GRANT to.')
output GRAPH_IDENTITY_PRINCIPAL_ID string = graphIdentity.properties.principalId

// POST-STEP, which Bicep cannot do: an administrator who may grant admin consent (Privileged Role
// Administrator or Global Administrator) assigns these Microsoft Graph application permissions
// (app roles) to the service principal GRAPH_IDENTITY_PRINCIPAL_ID. Do it before the bot first
// starts: a managed identity's Graph token is cached for hours with the permissions it had when
// issued. docs/deploy-azure.md, step 3, has the Azure CLI and Microsoft Graph PowerShell scripts.
// The catalog offers apps through groups, so AppRoleAssignment.ReadWrite.All, which could grant any
// app role to anyone, the Graph identity included, is not among them: grant it by hand only for a
// catalog that assigns app roles directly (docs/administration.md, "Give it Microsoft Graph", says why not).
var graphAppRolesAlways = [
  'User.Invite.All'
  'User.Read.All'
  'GroupMember.ReadWrite.All'
  'User.ReadWrite.All'
  'Policy.Read.All'
  'Policy.Read.B2BManagementPolicy'
  'CrossTenantInformation.ReadBasic.All'
  'TeamsAppInstallation.ReadWriteSelfForUser.All'
  'AppCatalog.Read.All'
]
// Reading guests' sign-ins (INACTIVE_GUEST_DAYS) is the only use of AuditLog.Read.All: granted only when it is on.
var graphAppRolesForInactiveGuests = INACTIVE_GUEST_DAYS > 0 ? ['AuditLog.Read.All'] : []

@description('Microsoft Graph application permissions to grant the Graph identity after deployment: docs/administration.md, "Give it Microsoft Graph", gives the reason for each.')
output GRAPH_APP_ROLES_TO_GRANT array = concat(graphAppRolesAlways, graphAppRolesForInactiveGuests)

@description('Object id of the bot identity\'s service principal: infra/database/botRole.sql ties the bot\'s PostgreSQL role to it.')
output BOT_IDENTITY_PRINCIPAL_ID string = botIdentity.properties.principalId
output POSTGRES_BOT_ROLE string = postgresBotRole
output POSTGRES_DATABASE string = postgresDatabaseName
output POSTGRES_HOST string = postgres.outputs.fullyQualifiedDomainName
output APPLICATIONINSIGHTS_RESOURCE_ID string = monitoring.outputs.applicationInsightsId
