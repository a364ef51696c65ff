// The function app on the Flex Consumption plan (.NET isolated), running as the user-assigned identity, with its app
// settings (plain values plus Key Vault references) and App Service authentication (Entra ID) in front of every
// route except the ones listed in authExcludedPaths.

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app (globally unique; it is the host name).')
param name string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('URL of the blob container the plan deploys the app package from.')
param deploymentContainerUrl string

@description('Worker runtime version of dotnet-isolated on the Flex Consumption plan (see docs/deployment.md).')
param dotnetVersion string

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Always-ready instances for the http and durable function groups (0 lets both scale to zero).')
@minValue(0)
param alwaysReadyInstances int

@description('App settings with plain values: setting name to value.')
param appSettings object

@description('App settings whose values live in Key Vault: setting name to the name of the vault item.')
param keyVaultReferences object

@description('Plain app settings whose names come from parameters (the notice channels): merged with appSettings.')
param parameterizedAppSettings object = {}

@description('Key Vault app settings whose names come from parameters (the notice channels, the named webhook secrets): merged with keyVaultReferences.')
param parameterizedKeyVaultReferences object = {}

@description('URI of the key vault holding the items named in keyVaultReferences.')
param keyVaultUri string

@description('Client id of the Entra ID app registration that signs users in (App Service authentication).')
param authClientId string

@description('Name of the app setting holding the Entra ID app registration\'s client credential (a Key Vault reference).')
param authCredentialSettingName string

@description('Paths App Service authentication does not guard: routes that verify callers themselves, and health.')
param authExcludedPaths array

@description('Client ids (besides authClientId) whose tokens the app accepts, for example a CLI or a pipeline.')
param authAllowedAudiences array

var secretReferences = toObject(
  items(union(keyVaultReferences, parameterizedKeyVaultReferences)),
  entry => entry.key,
  entry => '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${entry.value}/)'
)
var allSettings = union(appSettings, parameterizedAppSettings, secretReferences)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity (it holds Key Vault Secrets User).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        for setting in items(allSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        // One warm instance for each group, so the first webhook after idle answers within GitHub's 10 s.
        alwaysReady: alwaysReadyInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyInstances
              }
              {
                name: 'durable'
                instanceCount: alwaysReadyInstances
              }
            ]
          : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: authExcludedPaths
    }
    httpSettings: {
      requireHttps: true
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
    login: {
      tokenStore: {
        enabled: true
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          clientSecretSettingName: authCredentialSettingName
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: concat(['api://${authClientId}', authClientId], authAllowedAudiences)
        }
      }
    }
  }
}

output id string = app.id
output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output url string = 'https://${app.properties.defaultHostName}'
