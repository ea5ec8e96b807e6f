// The Azure Bot: the bot's registration with the Bot Framework, signing in as a user-assigned
// managed identity (no secret to keep), with the Microsoft Teams channel. Laid out as the
// Microsoft 365 Agents Toolkit's templates lay out infra/botRegistration/azurebot.bicep.

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

@maxLength(42)
param botDisplayName string

param botServiceName string = resourceBaseName

@description('F0 is enough: Microsoft Teams is a standard channel, and standard channels are not metered.')
param botServiceSku string = 'F0'

@description('Resource id of the bot\'s user-assigned managed identity.')
param identityResourceId string

@description('Client id of that identity: the bot\'s Microsoft App ID (MicrosoftAppId), and the botId of the Teams app.')
param identityClientId string

@description('Tenant of that identity (MicrosoftAppTenantId).')
param identityTenantId string

@description('Host name of the web app that runs the bot, without https://.')
param botAppDomain string

// Register your web service as a bot with the Bot Framework
resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  kind: 'azurebot'
  location: 'global'
  name: botServiceName
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
    msaAppType: 'UserAssignedMSI'
  }
  sku: {
    name: botServiceSku
  }
}

// Connect the bot service to Microsoft Teams. Web Chat and Direct Line stay as Azure creates them:
// the bot refuses every channel but Teams (docs/administration.md, "Register the bot").
resource botServiceMsTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  location: 'global'
  name: 'MsTeamsChannel'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output botServiceName string = botService.name
output messagingEndpoint string = botService.properties.endpoint
