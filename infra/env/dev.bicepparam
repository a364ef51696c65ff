// Development: scales to zero between bursts except one always-ready instance per group, cheapest redundancy.
// Values from the environment are set by scripts/deploy.sh (docs/deployment.md).
using '../main.bicep'

param environmentName = 'dev'
param taskHubName = 'ReleaseFunctionsDev'
param deploymentTimeout = '04:00:00'
param alwaysReadyInstances = 1
param maximumInstanceCount = 40
param storageSku = 'Standard_LRS'
param logRetentionInDays = 30
param keyVaultPurgeProtection = false
param authClientId = readEnvironmentVariable('RELEASES_AUTH_CLIENT_ID', '00000000-0000-0000-0000-000000000000')
param operatorPrincipalId = readEnvironmentVariable('RELEASES_OPERATOR_PRINCIPAL_ID', '')
param alertEmails = empty(readEnvironmentVariable('RELEASES_ALERT_EMAILS', ''))
  ? []
  : split(readEnvironmentVariable('RELEASES_ALERT_EMAILS', ''), ',')
// The pipelines that may send webhooks, one named secret each (Webhooks__SOURCE__Secrets__NAME from the vault item
// webhook-SOURCE-NAME-secret): the name is the identity the policy's reporters grant and the audit records. Name every
// sender here; there is no unnamed secret (docs/pipeline-events.md, "Named pipelines").
param webhookPipelines = [
  { source: 'GitHub', name: 'ci' }
  { source: 'AzureDevOps', name: 'ci' }
  { source: 'CDEvents', name: 'ci' }
]
param tags = {
  costCenter: 'release-engineering'
}
