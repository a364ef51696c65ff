using System.Text.Json.Serialization;

namespace ReleaseManagement.Policy;

/// <summary>Who may receive a person's roles by delegation (<see cref="DelegationPolicy.Eligible"/>).</summary>
public enum DelegateEligibility
{
    /// <summary>Only people who already hold every delegated role in the directory (the default).</summary>
    [JsonStringEnumMemberName("roleHolders")]
    RoleHolders,

    /// <summary>Anyone the directory names, in any role.</summary>
    [JsonStringEnumMemberName("directory")]
    Directory,
}

/// <summary>Delegation while away (<c>delegation</c> in the policy; optional): who may be a delegate and for how long at most.</summary>
public sealed record DelegationPolicy
{
    public const int DefaultMaxDays = 30;

    /// <summary>Who may be a delegate. Default <see cref="DelegateEligibility.RoleHolders"/>.</summary>
    public DelegateEligibility Eligible { get; init; } = DelegateEligibility.RoleHolders;

    /// <summary>The longest period of one delegation, in days. Default 30.</summary>
    public int MaxDays { get; init; } = DefaultMaxDays;
}
