// The private network between the bot and its database: the App Service reaches PostgreSQL through
// a private endpoint in this virtual network, so the server needs no public network access. One
// subnet carries the web app's outbound traffic (regional virtual network integration, Basic plan
// or higher), the other the private endpoint; the private DNS zone, linked here, makes the server's
// usual host name resolve to the endpoint's private address inside the network.

@description('Name of the virtual network; the DNS link is named after it.')
param name string

param location string = resourceGroup().location

@description('The network\'s address range: a /24 holds both subnets. Change it only if it overlaps a network you peer this one with.')
param addressPrefix string = '10.20.0.0/24'

@description('For the web app\'s outbound traffic: one App Service plan per subnet, /26 as Microsoft recommends, so that scaling out never runs out of addresses.')
param appSubnetPrefix string = '10.20.0.0/26'

@description('For the database\'s private endpoint.')
param privateEndpointSubnetPrefix string = '10.20.0.64/28'

resource network 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'app-service'
              properties: {
                serviceName: 'Microsoft.Web/serverFarms'
              }
            }
          ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
        }
      }
    ]
  }
}

// The zone name Azure Database for PostgreSQL documents for private endpoints; with it the server's
// host name (a CNAME into this zone) resolves privately, and TLS still checks that same name.
resource postgresZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: 'privatelink.postgres.database.azure.com'
  location: 'global'
}

resource postgresZoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: postgresZone
  name: '${name}-link'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: network.id
    }
  }
}

output appSubnetId string = network.properties.subnets[0].id
output privateEndpointSubnetId string = network.properties.subnets[1].id
output postgresPrivateDnsZoneId string = postgresZone.id
