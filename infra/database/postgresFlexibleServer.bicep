// Azure Database for PostgreSQL flexible server: the one database the bot keeps everything in
// (requests, audit events, jobs, conversation references, dialog state). Several bot instances
// can share it. The bot creates and migrates its schema at start.

@description('Server name: globally unique, 3 to 63 lowercase letters, digits and hyphens.')
param serverName string

param location string = resourceGroup().location

@description('Administrator login, which the bot signs in with. Not azure_superuser, admin, administrator, root, guest or public, and not starting with pg_.')
param administratorLogin string

@secure()
@description('Administrator password: 8 to 128 characters from three of upper case, lower case, digits and symbols.')
param administratorLoginPassword string

@description('The database the bot uses.')
param databaseName string

@description('A small burstable size is plenty for the bot: Standard_B1ms (1 vCore, 2 GiB).')
param skuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

param postgresVersion string = '16'

@minValue(32)
param storageSizeGB int = 32

@minValue(7)
@maxValue(35)
param backupRetentionDays int = 7

@description('An IP address allowed to connect besides Azure services, e.g. the administrator\'s own for psql; empty for none.')
param clientIpAddress string = ''

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: postgresVersion
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: storageSizeGB
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

// On by default; stated here so that nobody turns it off unnoticed. The bot's DATABASE_URL asks
// for TLS with the server's certificate verified (sslmode=verify-full).
resource requireTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'on'
    source: 'user-override'
  }
}

// The server takes one change at a time, so the children below wait for each other.
resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    requireTls
  ]
}

// 0.0.0.0 to 0.0.0.0 is Azure's "allow public access from any Azure service" rule: the App
// Service's outbound addresses are among them. It also admits other Azure customers' services
// to the login prompt, so the password is what keeps them out (docs/deploy-azure.md, "Tighter").
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    database
  ]
}

resource allowClient 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (!empty(clientIpAddress)) {
  parent: server
  name: 'AllowAdministratorClient'
  properties: {
    startIpAddress: clientIpAddress
    endIpAddress: clientIpAddress
  }
  dependsOn: [
    allowAzureServices
  ]
}

output serverName string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
