// ReleaseFunctions: everything the backend needs in one resource group. Deploy with scripts/deploy.sh <environment>,
// which passes infra/env/<environment>.bicepparam (docs/deployment.md).
targetScope = 'resourceGroup'

@description('Short environment name (dev, prod, ...): part of every resource name.')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Short lower-case name of the system: part of every resource name.')
@minLength(2)
@maxLength(8)
param baseName string = 'relfn'

@description('Azure region of every resource; must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('Durable Functions task hub name; a separate one per environment (letters and digits, 3 to 45).')
@minLength(3)
@maxLength(45)
param taskHubName string

@description('How long a release waits for the pipeline to report a deployment outcome (Releases__DeploymentTimeout, d.hh:mm:ss).')
param deploymentTimeout string = '04:00:00'

@description('How long a release waits for the pipeline to report a rollback outcome (Releases__RollbackTimeout, d.hh:mm:ss).')
param rollbackTimeout string = '02:00:00'

@description('URL the deployment requests are posted to (Deployments__WebhookUrl); empty: requests are only logged and a person deploys.')
param deploymentWebhookUrl string = ''

@description('Where the feature flags releases name are set (FeatureFlags__Provider; docs/deployment-strategies.md): appConfiguration (the store this template creates), webhook (featureFlagsWebhookUrl, with the Key Vault item feature-flags-webhook-secret) or none (a release that names flags then waits with a warning).')
@allowed([
  'none'
  'appConfiguration'
  'webhook'
])
param featureFlagsProvider string = 'appConfiguration'

@description('Label of the feature flags in the App Configuration store (FeatureFlags__Label); empty: the null label.')
param featureFlagsLabel string = ''

@description('URL the feature flag changes are posted to when featureFlagsProvider is webhook (FeatureFlags__WebhookUrl).')
param featureFlagsWebhookUrl string = ''

@description('Chat and JSON webhook channels that webhook:NAME audiences post to (NoticeChannels__Channels__NAME__Kind; docs/communications.md): [{ name: \'releases\', kind: \'Slack\' }], kind Slack, Teams or CloudEvents. Each channel\'s URL is the Key Vault item notice-channel-NAME-url, and a CloudEvents channel\'s HMAC key notice-channel-NAME-secret, set by an operator.')
param noticeChannels array = []

@description('Named webhook senders (docs/pipeline-events.md#named-pipelines): [{ source: \'GitHub\', name: \'ci\' }], source GitHub, AzureDevOps or CDEvents. Each is the app setting Webhooks__SOURCE__Secrets__NAME, whose value is the Key Vault item webhook-SOURCE-NAME-secret (source in lower case, AzureDevOps as azure-devops; its Basic password), set by an operator. The name is the pipeline the policy grants evidence items (reporters) and the audit records.')
param webhookPipelines array = []

@description('Delay before the first retry of a channel post; each next one doubles (NoticeChannels__FirstRetryDelay, hh:mm:ss).')
param noticeChannelFirstRetryDelay string = '00:00:02'

@description('Longest a channel post may take, its retries included; then the release gets a channel-failed warning (NoticeChannels__TotalTimeout, hh:mm:ss).')
param noticeChannelTotalTimeout string = '00:01:00'

@description('Worker runtime version of dotnet-isolated; the app targets net10.0 (see docs/deployment.md).')
param dotnetVersion string = '10.0'

@description('Always-ready instances for the http and durable groups (0 lets both scale to zero).')
@minValue(0)
param alwaysReadyInstances int = 1

@description('Memory of each function app instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of function app instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Storage redundancy SKU.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Turn on Key Vault purge protection (cannot be turned off again).')
param keyVaultPurgeProtection bool = false

@description('Client id of the Entra ID app registration for App Service authentication (docs/deployment.md).')
@minLength(36)
@maxLength(36)
param authClientId string

@description('Further client ids whose tokens the app accepts (a CLI, a pipeline); the registration itself always is.')
param authAllowedAudiences array = []

@description('Object id of the operator who sets Key Vault secrets (Key Vault Secrets Officer); empty for none.')
param operatorPrincipalId string = ''

@description('Type of the operator principal.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@description('E-mail addresses that receive alerts.')
param alertEmails array = []

@description('Percentage of 5xx responses in 15 minutes above which the 5xx alert fires.')
@minValue(1)
@maxValue(100)
param serverErrorRatePercent int = 5


@description('Sender of approval and report emails, e.g. "Release Management <releases@contoso.com>".')
param emailFrom string = 'Release Management <releases@example.com>'

@description('SMTP relay host: smtp.azurecomm.net (Azure Communication Services) or smtp.office365.com.')
param smtpHost string = 'smtp.azurecomm.net'

@description('SMTP port (587 with STARTTLS).')
param smtpPort int = 587

@description('SMTP user name; its password is the Key Vault item smtp-password.')
param smtpUserName string = ''
@description('Tags applied to every resource.')
param tags object = {}

var token = take(uniqueString(subscription().id, resourceGroup().id, environmentName), 6)
var allTags = union(tags, {
  system: 'ReleaseFunctions'
  environment: environmentName
})
var compactName = toLower(replace('${baseName}${environmentName}', '-', ''))
var names = {
  identity: 'id-${baseName}-${environmentName}'
  storage: take('st${compactName}${token}', 24)
  serviceBus: 'sb-${baseName}-${environmentName}-${token}'
  keyVault: take('kv-${compactName}-${token}', 24)
  workspace: 'log-${baseName}-${environmentName}'
  appInsights: 'appi-${baseName}-${environmentName}'
  plan: 'plan-${baseName}-${environmentName}'
  functionApp: 'func-${baseName}-${environmentName}-${token}'
  appConfiguration: 'appcs-${baseName}-${environmentName}-${token}'
}
var deploymentContainerName = 'app-package'
var pipelineEventsPoisonQueue = 'pipeline-events-poison'
var authCredentialSettingName = 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET'
var authCredentialVaultItem = 'auth-client-secret'

// Routes App Service authentication leaves open, exactly the app's own list (AnonymousRoutes.ExcludedPaths in
// src/ReleaseManagement.Api/Auth; SecurityTests compares them): the webhooks verify their own signatures, the emailed
// approval links carry their token (and decisions still need the approver signed in), so do the feedback links (a
// reader needs no account), health is the smoke check.
var authExcludedPaths = [
  '/api/webhooks/github'
  '/api/webhooks/azure-devops'
  '/api/webhooks/cdevents'
  '/api/approvals/*'
  '/api/feedback/*'
  '/api/health'
]

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: allTags
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: allTags
    deploymentContainerName: deploymentContainerName
    skuName: storageSku
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'serviceBus'
  params: {
    namespaceName: names.serviceBus
    location: location
    tags: allTags
    topicName: 'release-events'
    subscriptionName: 'example-audit'
    duplicateDetectionWindow: 'PT10M'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  params: {
    name: names.keyVault
    location: location
    tags: allTags
    enablePurgeProtection: keyVaultPurgeProtection
  }
}

module appConfiguration 'modules/appconfig.bicep' = {
  name: 'appConfiguration'
  params: {
    name: names.appConfiguration
    location: location
    tags: allTags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    serviceBusTopicName: serviceBus.outputs.topicName
    workspaceName: monitoring.outputs.workspaceName
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultName: keyVault.outputs.name
    appConfigurationName: appConfiguration.outputs.name
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

// ---------------------------------------------------------------------------------------------------------------
// App settings: the one list. A setting the code reads goes here (and in local.settings.example.json); a secret goes
// in keyVaultReferences (setting name: vault item name) and its value into the vault. tests/Infrastructure.Tests
// checks both lists against what the built app reads: nothing missing, nothing unused.
// FUNCTIONS_WORKER_RUNTIME is not an app setting on Flex Consumption: it is functionAppConfig.runtime (functionapp.bicep).
// ---------------------------------------------------------------------------------------------------------------
var appSettings = {
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  TaskHubName: taskHubName
  Releases__DeploymentTimeout: deploymentTimeout
  Releases__RollbackTimeout: rollbackTimeout
  Deployments__WebhookUrl: deploymentWebhookUrl
  Deployments__Timeout: '00:00:30'
  // Feature flags of releases (docs/deployment-strategies.md, "Feature flags"): the App Configuration store above
  FeatureFlags__Provider: featureFlagsProvider
  FeatureFlags__Endpoint: appConfiguration.outputs.endpoint
  FeatureFlags__Label: featureFlagsLabel
  FeatureFlags__ClientId: identity.outputs.clientId
  FeatureFlags__WebhookUrl: featureFlagsWebhookUrl
  FeatureFlags__Timeout: '00:00:30'
  // Pipeline events (docs/pipeline-events.md)
  PipelineEvents__Table: 'PipelineEvents'
  PipelineEvents__Queue: 'pipeline-events'
  PipelineEvents__Container: 'pipeline-deliveries'
  Webhooks__MaxBodyBytes: '26214400'
  Webhooks__StorageTimeout: '00:00:07'
  Webhooks__AzureDevOps__Username: 'release-webhooks'
  Webhooks__AzureDevOps__HeaderName: 'X-Release-Webhook-Key'
  Webhooks__CDEvents__Tolerance: '00:05:00'
  Webhooks__Correlation__BranchPrefix: 'release/'
  Webhooks__Correlation__TagPrefix: 'release/'
  Webhooks__Correlation__VersionPattern: '^v?(?<release>\\d+\\.\\d+\\.\\d+)(?:[-+].*)?$'
  ServiceBus__FullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBus__ClientId: identity.outputs.clientId
  ServiceBus__Topic: serviceBus.outputs.topicName
  ServiceBus__EventSource: '/release-functions/${environmentName}'
  // Approvals by emailed link (docs/approvals.md)
  // Identity (docs/security.md): every route but the anonymous ones needs the App Service principal
  Auth__Mode: 'AppService'
  Approvals__PublicBaseUrl: 'https://${names.functionApp}.azurewebsites.net'
  Approvals__RequireSignedInApprover: 'true'
  Approvals__RequesterMayApprove: 'false'
  // The audit trail's HMAC key (docs/api.md, "Audit trail"): its id here, the key itself a vault item; to rotate, add a key
  // beside it (Audit__SigningKeys__k2), point the id at it, keep the old one while the rows it sealed must verify.
  Audit__SigningKeyId: 'k1'
  Email__Transport: 'Smtp'
  // Notice templates (docs/communications.md): empty uses the built-in ones
  Communications__TemplatesPath: ''
  // Chat and JSON webhook channels (docs/communications.md): retries of a post; the channels are noticeChannels
  NoticeChannels__FirstRetryDelay: noticeChannelFirstRetryDelay
  NoticeChannels__MaxRetries: '4'
  NoticeChannels__AttemptTimeout: '00:00:10'
  NoticeChannels__TotalTimeout: noticeChannelTotalTimeout
  Email__From: emailFrom
  Smtp__Host: smtpHost
  Smtp__Port: string(smtpPort)
  Smtp__Security: 'StartTls'
  Smtp__UserName: smtpUserName
  Smtp__Timeout: '00:00:30'
  // Monitoring, metrics and scheduled reports (docs/metrics.md); schedules are NCRONTAB in UTC
  Monitoring__Endpoint: 'https://api.loganalytics.io'
  Monitoring__WorkspaceId: monitoring.outputs.workspaceCustomerId
  Monitoring__ClientId: identity.outputs.clientId
  Monitoring__ServerTimeout: '00:03:00'
  Monitoring__MaxRetries: '3'
  // Canary analysis (docs/deployment-strategies.md): the split between canary and baseline, and the durations sampled per side
  Monitoring__Canary__Dimension: 'AppVersion'
  Monitoring__Canary__SampleSize: '5000'
  Metrics__DoraYear: '2024'
  Metrics__RollupCatchUpDays: '7'
  Metrics__RollupBackfillDays: '250'
  PostReleaseMonitorSchedule: '0 */15 * * * *'
  DailyRollupSchedule: '0 0 6 * * *'
  WeeklyReviewSchedule: '0 0 7 * * 1'
  MonthlyReportSchedule: '0 0 7 1 * *'
  QuarterlyReportSchedule: '0 30 7 1 1,4,7,10 *'
  StrandedReleasesSchedule: '0 */5 * * * *'
  AuditManifestSchedule: '0 30 0 * * *'
  // Ended releases' orchestration history purged from the task hub after the retention (docs/operations.md, "History purge")
  HistoryPurgeSchedule: '0 15 1 * * *'
  History__Retention: '90.00:00:00'
}

// Notice channels: their names come from the noticeChannels parameter, so their settings are passed beside the two
// lists above (the module merges them); each URL and secret is a vault item.
var noticeChannelSettings = toObject(noticeChannels, c => 'NoticeChannels__Channels__${c.name}__Kind', c => c.kind)
var noticeChannelVaultItems = union(
  toObject(noticeChannels, c => 'NoticeChannels__Channels__${c.name}__Url', c => 'notice-channel-${c.name}-url'),
  toObject(filter(noticeChannels, c => c.kind == 'CloudEvents'), c => 'NoticeChannels__Channels__${c.name}__Secret', c => 'notice-channel-${c.name}-secret')
)

// Named webhook secrets: their names come from the webhookPipelines parameter (like the channels); each secret is a vault item.
var webhookPipelineVaultItems = toObject(
  webhookPipelines,
  p => 'Webhooks__${p.source}__Secrets__${p.name}',
  p => 'webhook-${p.source == 'AzureDevOps' ? 'azure-devops' : toLower(p.source)}-${toLower(p.name)}-secret'
)

var keyVaultReferences = {
  MICROSOFT_PROVIDER_AUTHENTICATION_SECRET: authCredentialVaultItem
  Approvals__FormKey: 'approvals-form-key'
  Audit__SigningKeys__k1: 'audit-signing-key-k1'
  Deployments__Secret: 'deployment-webhook-secret'
  FeatureFlags__WebhookSecret: 'feature-flags-webhook-secret'
  Smtp__Password: 'smtp-password'
  Webhooks__AzureDevOps__HeaderValues__0: 'webhook-azure-devops-header'
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  dependsOn: [
    // The host needs its storage, vault and telemetry roles before it starts.
    roles
  ]
  params: {
    planName: names.plan
    name: names.functionApp
    location: location
    tags: allTags
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    dotnetVersion: dotnetVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyInstances: alwaysReadyInstances
    appSettings: appSettings
    keyVaultReferences: keyVaultReferences
    parameterizedAppSettings: noticeChannelSettings
    parameterizedKeyVaultReferences: union(noticeChannelVaultItems, webhookPipelineVaultItems)
    keyVaultUri: keyVault.outputs.uri
    authClientId: authClientId
    authCredentialSettingName: authCredentialSettingName
    authExcludedPaths: authExcludedPaths
    authAllowedAudiences: authAllowedAudiences
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    namePrefix: '${baseName}-${environmentName}'
    location: location
    tags: allTags
    workspaceId: monitoring.outputs.workspaceId
    roleName: functionApp.outputs.name
    poisonQueueName: pipelineEventsPoisonQueue
    serverErrorRatePercent: serverErrorRatePercent
    serverErrorMinimumRequests: 20
    alertEmails: alertEmails
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppUrl string = functionApp.outputs.url
output keyVaultName string = keyVault.outputs.name
output keyVaultItemNames array = map(items(union(keyVaultReferences, noticeChannelVaultItems, webhookPipelineVaultItems)), entry => entry.value)
output storageAccountName string = storage.outputs.name
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output serviceBusTopic string = serviceBus.outputs.topicName
output logAnalyticsWorkspaceId string = monitoring.outputs.workspaceCustomerId
output taskHubName string = taskHubName
output appConfigurationEndpoint string = appConfiguration.outputs.endpoint
