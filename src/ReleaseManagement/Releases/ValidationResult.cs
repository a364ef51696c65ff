namespace ReleaseManagement.Releases;

/// <summary>Either a value or the complete list of problems, keyed by field (as RFC 7807 validation problems are).</summary>
public sealed class ValidationResult<T>
    where T : class
{
    private ValidationResult(T? value, IReadOnlyDictionary<string, string[]> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }

    public IReadOnlyDictionary<string, string[]> Errors { get; }

    public bool IsValid => Value is not null && Errors.Count == 0;

    public static ValidationResult<T> Success(T value) => new(value, new Dictionary<string, string[]>());

    public static ValidationResult<T> Failure(IReadOnlyDictionary<string, string[]> errors) => new(null, errors);
}
