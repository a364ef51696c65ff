// Alerts on the app's telemetry in the Log Analytics workspace, sent to an action group:
//  - a pipeline event reached the poison queue (the Functions host logs it when it moves the message there);
//  - an orchestration failed;
//  - a release is stranded (Active, its orchestration failed, terminated or missing: docs/operations.md);
//  - a release waits on a dependency past resilience.maxOutage (docs/operations.md);
//  - a release has waited on a dependency for longer than an hour (the OpenTelemetry gauge, docs/operations.md);
//  - pipeline events are processed late (the processing-lag histogram, docs/operations.md);
//  - the share of 5xx responses crossed a threshold.
// The metrics are the app's OpenTelemetry instruments (ReleaseTelemetry, meter "ReleaseFunctions"), exported by the Azure
// Monitor exporter to the AppMetrics table; the logs go to AppTraces.

@description('Prefix of the alert and action group names.')
param namePrefix string

@description('Azure region of the alert rules.')
param location string

@description('Tags applied to the alert rules and the action group.')
param tags object

@description('Resource id of the Log Analytics workspace the rules query.')
param workspaceId string

@description('Cloud role name of the function app in telemetry (the app name), so a shared workspace does not mix apps.')
param roleName string

@description('Name of the poison queue of the pipeline event queue.')
param poisonQueueName string

@description('Percentage of 5xx responses in the window above which the 5xx alert fires.')
@minValue(1)
@maxValue(100)
param serverErrorRatePercent int

@description('Fewest requests in the window before the 5xx rate is judged (avoids alerts on one failed request).')
@minValue(1)
param serverErrorMinimumRequests int

@description('Processing lag (seconds from a webhook delivery\'s acknowledgement to the end of its processing) above which the processing-lag alert fires.')
@minValue(1)
param processingLagSeconds int = 300

@description('How long (seconds) a release may wait out an outage of a dependency before the dependency-outage-hour alert fires.')
@minValue(60)
param dependencyOutageSeconds int = 3600

@description('E-mail addresses that receive the alerts; empty for none (the rules still show in the portal).')
param alertEmails array

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-alerts'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take(replace(namePrefix, '-', ''), 12)
    enabled: true
    emailReceivers: [
      for (email, i) in alertEmails: {
        name: 'email-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

var rules = [
  {
    name: 'poison-queue'
    displayName: 'Pipeline event moved to ${poisonQueueName}'
    description: 'A pipeline event failed on every attempt and the Functions host moved it to the poison queue ${poisonQueueName}, so the queue is not empty. Inspect and replay or delete the message.'
    severity: 2
    query: 'AppTraces | where AppRoleName == \'${roleName}\' | where Message contains \'${poisonQueueName}\' and Message contains \'MaxDequeueCount\''
  }
  {
    name: 'failed-orchestrations'
    displayName: 'Release orchestration failed'
    description: 'An orchestration ended in the Failed state. Look up the instance id in the trace and the release record.'
    severity: 1
    // Category: the Functions host's logger; CategoryName: the same logs through OpenTelemetry (telemetryMode OpenTelemetry).
    query: 'AppTraces | where AppRoleName == \'${roleName}\' | where tostring(coalesce(Properties.Category, Properties.CategoryName)) == \'Host.Triggers.DurableTask\' | where Message contains \'(Orchestrator)\' and Message contains \'failed with an error\''
  }
  {
    name: 'stranded-releases'
    displayName: 'Release stranded'
    description: 'A release is Active but its orchestration failed, was terminated or is missing (the stranded-release check, every 5 minutes): nothing moves it on. docs/operations.md, "Stranded release": a release manager resumes it (POST /api/releases/{id}/resume or the release page).'
    severity: 1
    // The gauge (every check, while any release stays stranded) or the check's error log (once, when it flags one).
    query: 'union (AppMetrics | where AppRoleName == \'${roleName}\' | where Name == \'releasefunctions.releases.stranded\' and Max > 0), (AppTraces | where AppRoleName == \'${roleName}\' | where Message startswith \'ALERT: release \' and Message contains \' is stranded\')'
  }
  {
    name: 'dependency-outage'
    displayName: 'Release waits on a dependency past resilience.maxOutage'
    description: 'An effect of a release (email, deployment request, health reading, event, storage write) has failed for longer than resilience.maxOutage; the release waits for a release manager to retry or skip it. docs/operations.md, "Dependency outage".'
    severity: 2
    query: 'AppTraces | where AppRoleName == \'${roleName}\' | where Message contains \' needs a release manager: The \' and Message contains \'resilience.maxOutage\''
  }
  {
    name: 'dependency-outage-hour'
    displayName: 'Release waits on a dependency for over ${dependencyOutageSeconds / 60} minutes'
    description: 'A release has waited out an outage of a dependency (mail server, deployment pipeline, health source, event sink, storage) for longer than ${dependencyOutageSeconds / 60} minutes; the dependency tag says which. docs/operations.md, "Dependency outage longer than an hour".'
    severity: 3
    query: 'AppMetrics | where AppRoleName == \'${roleName}\' | where Name == \'releasefunctions.dependency.outage.longest\' and Max > ${dependencyOutageSeconds}'
  }
  {
    name: 'processing-lag'
    displayName: 'Pipeline events processed more than ${processingLagSeconds} s after acknowledgement'
    description: 'A pipeline event was processed more than ${processingLagSeconds} s after its webhook delivery was acknowledged: the queue is backed up or the processor is failing and retrying. docs/operations.md, "Processing lag".'
    severity: 2
    query: 'AppMetrics | where AppRoleName == \'${roleName}\' | where Name == \'releasefunctions.pipeline_events.processing_lag\' and Max > ${processingLagSeconds}'
  }
  {
    name: 'server-errors'
    displayName: 'HTTP 5xx rate above ${serverErrorRatePercent}%'
    description: 'More than ${serverErrorRatePercent}% of at least ${serverErrorMinimumRequests} requests in 15 minutes answered 5xx.'
    severity: 2
    query: 'AppRequests | where AppRoleName == \'${roleName}\' | summarize total = count(), failed = countif(toint(ResultCode) >= 500) | where total >= ${serverErrorMinimumRequests} and failed * 100.0 / total > ${serverErrorRatePercent}'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        workspaceId
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
output alertRuleNames array = [for (rule, i) in rules: alerts[i].name]
