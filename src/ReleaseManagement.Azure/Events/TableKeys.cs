namespace ReleaseManagement.Azure.Events;

/// <summary>
/// Table keys may not hold '/', '\', '#', '?' or control characters: those (and '%') are percent-encoded, reversibly.
/// </summary>
public static class TableKeys
{
    public static string Encode(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
