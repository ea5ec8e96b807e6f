// Azure Database for PostgreSQL flexible server: the one database the bot keeps everything in
// (requests, audit events, jobs, conversation references, dialog state). Several bot instances
// can share it. The bot creates and migrates its schema at start.
//
// Nobody signs in with a password: the server accepts Microsoft Entra tokens only. The bot signs
// in as a plain role of its own (not an administrator) with its managed identity, and reaches the
// server through a private endpoint; public network access is off unless an administrator's own
// address is given, and then open to that address alone.

@description('Server name: globally unique, 3 to 63 lowercase letters, digits and hyphens.')
param serverName string

param location string = resourceGroup().location

@description('Object id of the Microsoft Entra user or group that administers the server: who runs the one-time SQL of docs/deploy-azure.md, step 4.')
param entraAdministratorObjectId string

@description('Its user principal name (a user) or display name (a group): the name it signs in to PostgreSQL with.')
param entraAdministratorName string

@allowed([
  'User'
  'Group'
])
param entraAdministratorType string = 'User'

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

@description('The subnet the private endpoint goes in.')
param privateEndpointSubnetId string

@description('The private DNS zone privatelink.postgres.database.azure.com, linked to the bot\'s network.')
param privateDnsZoneId string

@description('An administrator\'s own public IP address, for psql from outside Azure (the one-time role setup, the audit trail); empty keeps public network access off.')
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
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
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
      // With no firewall rule, public access admits nobody; off, it cannot be opened by a rule either.
      publicNetworkAccess: empty(clientIpAddress) ? 'Disabled' : 'Enabled'
    }
  }
}

// On by default; stated here so that nobody turns it off unnoticed. A token is the password, sent
// in the clear inside TLS: the bot's DATABASE_URL asks for TLS with the certificate verified.
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

// The only administrator there is. The bot is not one: an administrator makes its role once.
resource entraAdministrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: entraAdministratorObjectId
  properties: {
    principalName: entraAdministratorName
    principalType: entraAdministratorType
    tenantId: subscription().tenantId
  }
  dependsOn: [
    database
  ]
}

resource allowAdministratorClient 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (!empty(clientIpAddress)) {
  parent: server
  name: 'AllowAdministratorClient'
  properties: {
    startIpAddress: clientIpAddress
    endIpAddress: clientIpAddress
  }
  dependsOn: [
    entraAdministrator
  ]
}

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: '${serverName}-endpoint'
  location: location
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: '${serverName}-endpoint'
        properties: {
          privateLinkServiceId: server.id
          groupIds: [
            'postgresqlServer'
          ]
        }
      }
    ]
  }
  dependsOn: [
    entraAdministrator
    allowAdministratorClient
  ]
}

resource privateEndpointDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'postgres'
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

output serverName string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
