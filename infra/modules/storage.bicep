// The app's storage account: blobs (host leases, the deployment package), queues and tables (the Durable task hub,
// the release store, the pipeline event queues). Identity-only: shared key access is disabled, so every client,
// the Functions host included, signs in with Entra ID.

@description('Name of the storage account (3 to 24 lower-case letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Blob container the Flex Consumption plan deploys the app package to.')
param deploymentContainerName string

@description('Storage redundancy SKU, for example Standard_LRS (dev) or Standard_ZRS (prod).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Days each audit checkpoint stays immutable (time-based retention of container audit-checkpoints).')
@minValue(1)
param auditRetentionDays int = 2555

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Audit checkpoints (docs/api.md, "Audit trail"): write-once copies of each release's audit head. The time-based
// retention policy makes every blob immutable for auditRetentionDays: nobody, the app included, can change or delete a
// checkpoint, so deleting the audit table's last rows is found. The policy is created unlocked; an operator locks it
// ('az storage container immutability-policy lock') once the retention is agreed, after which it can only be extended.
resource auditCheckpointsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'audit-checkpoints'
  properties: {
    publicAccess: 'None'
  }
}

resource auditCheckpointsRetention 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: auditCheckpointsContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditRetentionDays
    allowProtectedAppendWrites: false
  }
}

// Policy snapshots (docs/architecture.md, "Which policy applies"): the policy each release was requested under, one
// write-once blob per policy named by its SHA-256. The app creates the container too; declared here so it is not left to it.
resource policySnapshotsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'policy-snapshots'
  properties: {
    publicAccess: 'None'
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'
