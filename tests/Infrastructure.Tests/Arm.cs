using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace Infrastructure.Tests;

/// <summary>A resource in a compiled ARM template, with the template it sits in (for resolving its expressions).</summary>
public sealed record ArmResource(JsonObject Resource, JsonObject Template)
{
    public string Type => (string)Resource["type"]!;

    public JsonNode? Property(string path)
    {
        JsonNode? node = Resource["properties"];
        foreach (var segment in path.Split('.'))
        {
            node = node?[segment];
        }

        return node;
    }
}

/// <summary>Reads compiled ARM JSON: resources (also inside module deployments), module parameters, simple references.</summary>
public static partial class Arm
{
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON text of a node without escaping quotes and angle brackets, for searching expressions.</summary>
    public static string Text(JsonNode? node) => node?.ToJsonString(Unescaped) ?? "";

    /// <summary>The compiled template of a .bicep file (bicep runs once per file and run).</summary>
    public static JsonObject Compile(string bicepFile) => Bicep.Build(bicepFile);

    public static IEnumerable<JsonObject> ResourcesIn(JsonObject template) =>
        template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };

    /// <summary>Every resource of the template and of the modules it deploys, at any depth.</summary>
    public static IEnumerable<ArmResource> AllResources(JsonObject template)
    {
        foreach (var resource in ResourcesIn(template))
        {
            yield return new ArmResource(resource, template);
            if ((string?)resource["type"] == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in AllResources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    public static IReadOnlyList<ArmResource> OfType(JsonObject template, string type) =>
        AllResources(template).Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The module deployment of main.bicep with this name ('functionApp', 'serviceBus', ...).</summary>
    public static JsonObject Module(JsonObject template, string name) =>
        ResourcesIn(template).Single(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == name);

    /// <summary>The value main.bicep passes to a module parameter, with a plain variables('x')/parameters('x') resolved.</summary>
    public static JsonNode? ModuleParameter(JsonObject template, string module, string parameter) =>
        Resolve(template, Module(template, module)["properties"]!["parameters"]![parameter]!["value"]);

    public static JsonNode? Resolve(JsonObject template, JsonNode? value)
    {
        if (value is JsonValue v && v.TryGetValue<string>(out var text))
        {
            var match = SimpleReference().Match(text);
            if (match.Success)
            {
                return match.Groups["kind"].Value == "variables"
                    ? Resolve(template, template["variables"]![match.Groups["name"].Value])
                    : template["parameters"]![match.Groups["name"].Value]?["defaultValue"];
            }
        }

        return value;
    }

    [GeneratedRegex(@"^\[(?<kind>variables|parameters)\('(?<name>[^']+)'\)\]$")]
    private static partial Regex SimpleReference();
}
