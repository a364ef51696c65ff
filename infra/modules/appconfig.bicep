// App Configuration store holding the feature flags releases turn on step by step (docs/deployment-strategies.md,
// "Feature flags"). Access is by Entra ID only (local authentication, the access keys, is off): the app's identity
// has App Configuration Data Owner on this store (roles.bicep), the apps that read the flags get Data Reader.

@description('Name of the App Configuration store (5 to 50 characters, globally unique).')
@minLength(5)
@maxLength(50)
param name string

@description('Azure region of the store.')
param location string

@description('Tags applied to the store.')
param tags object

resource store 'Microsoft.AppConfiguration/configurationStores@2024-05-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'standard'
  }
  properties: {
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    softDeleteRetentionInDays: 7
  }
}

output id string = store.id
output name string = store.name
output endpoint string = store.properties.endpoint
