// Application Insights on a Log Analytics workspace. The bot's telemetry goes to Application
// Insights through APPLICATIONINSIGHTS_CONNECTION_STRING; the App Service's console output (the
// bot's JSON log lines) goes to the same workspace through a diagnostic setting in azure.bicep.

@description('Name of the Application Insights component; the workspace is named after it.')
param name string

param location string = resourceGroup().location

@minValue(30)
@maxValue(730)
@description('How long the workspace keeps logs and telemetry, in days.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: name
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

output logAnalyticsWorkspaceId string = workspace.id
output applicationInsightsId string = appInsights.id
// Not a credential: it lets a client send telemetry to this component, nothing more.
output connectionString string = appInsights.properties.ConnectionString
