using System.Text.Json;
using System.Text.Json.Nodes;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.FeatureFlags;

/// <summary>
/// The value of an App Configuration feature flag (the Microsoft feature flag schema: <c>id</c>, <c>description</c>,
/// <c>enabled</c>, <c>conditions.client_filters</c>) changed the way <see cref="AppConfigurationFeatureFlags"/> changes it:
/// <c>enabled</c> and the <c>Microsoft.Targeting</c> filter's <c>Audience.DefaultRolloutPercentage</c> are this adapter's;
/// everything else the flag holds is kept as it is.
/// </summary>
public static class FeatureFlagValue
{
    /// <summary>
    /// <paramref name="current"/> (null or not JSON: a new flag) with <paramref name="change"/> applied. On between 1 and 99 %:
    /// enabled, with a targeting filter at that percentage (its users, groups and exclusions kept). On at 100 %: enabled,
    /// without a targeting filter. Off: not enabled, the filters left as they are.
    /// </summary>
    public static JsonObject Apply(string? current, FeatureFlagChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var flag = Parse(current) ?? new JsonObject();
        flag["id"] ??= change.Flag;
        flag["enabled"] = change.Enabled;
        if (flag["conditions"] is not JsonObject conditions)
        {
            conditions = new JsonObject();
            flag["conditions"] = conditions;
        }

        if (conditions["client_filters"] is not JsonArray filters)
        {
            filters = [];
            conditions["client_filters"] = filters;
        }

        if (!change.Enabled)
        {
            return flag;
        }

        var targeting = filters.OfType<JsonObject>().Where(IsTargeting).ToList();
        if (change.Percentage >= 100)
        {
            targeting.ForEach(t => filters.Remove(t));
            return flag;
        }

        var filter = targeting.FirstOrDefault();
        if (filter is null)
        {
            filter = new JsonObject { ["name"] = AppConfigurationFeatureFlags.TargetingFilter };
            filters.Add(filter);
        }

        if (filter["parameters"] is not JsonObject parameters)
        {
            parameters = new JsonObject();
            filter["parameters"] = parameters;
        }

        if (parameters["Audience"] is not JsonObject audience)
        {
            audience = new JsonObject();
            parameters["Audience"] = audience;
        }

        audience["DefaultRolloutPercentage"] = change.Percentage;
        return flag;
    }

    /// <summary>Whether the stored value already says what <paramref name="wanted"/> says (then nothing is written).</summary>
    public static bool SameState(string? current, JsonObject wanted) =>
        Parse(current) is { } stored && JsonNode.DeepEquals(stored, wanted);

    /// <summary>The targeting filter, by its full name or its short alias.</summary>
    public static bool IsTargeting(JsonObject filter) =>
        (string?)filter["name"] is { } name
        && (string.Equals(name, AppConfigurationFeatureFlags.TargetingFilter, StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, "Targeting", StringComparison.OrdinalIgnoreCase));

    private static JsonObject? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(value) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
