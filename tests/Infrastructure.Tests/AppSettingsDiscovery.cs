using System.Reflection;
using System.Runtime.InteropServices;

namespace Infrastructure.Tests;

/// <summary>How a setting the code reads is matched by the keys that infra/ or local.settings set.</summary>
public enum SettingShape
{
    /// <summary>Exactly this key.</summary>
    Exact,

    /// <summary>This key or any key under it (<c>Name__*</c>): a connection or a list/dictionary of options.</summary>
    Group,
}

/// <summary>A setting the app reads, where the reading was found, and whether it must be set.</summary>
public sealed record ReadSetting(string Name, SettingShape Shape, bool Required, string Source)
{
    public bool IsSetBy(string key) =>
        string.Equals(key, Name, StringComparison.Ordinal)
        || (Shape == SettingShape.Group && key.StartsWith(Name + "__", StringComparison.Ordinal));
}

/// <summary>
/// Finds the settings the built app reads from options classes: every class with <c>public const string Section</c>
/// is bound from <c>Section__Property</c> for each public settable property (nested option classes of the app give
/// <c>Section__Property__Inner</c>; list and dictionary properties give a group <c>Section__Property__*</c>, which may
/// be empty and so is not required). <c>[ConfigurationKeyName]</c> renames a key. Reads the assemblies with
/// MetadataLoadContext, so nothing of the app is loaded or run.
/// </summary>
public static class AppSettingsDiscovery
{
    private static readonly HashSet<string> LeafTypes = new(StringComparer.Ordinal)
    {
        "System.String", "System.Decimal", "System.TimeSpan", "System.DateTime", "System.DateTimeOffset", "System.Guid",
        "System.Uri", "System.DateOnly", "System.TimeOnly", "System.Version",
    };

    public static IReadOnlyList<ReadSetting> FromOptionsClasses(IEnumerable<string> assemblyPaths, string probeDirectory)
    {
        var paths = assemblyPaths.Select(Path.GetFullPath).ToList();
        using var context = new MetadataLoadContext(new PathAssemblyResolver(ResolverPaths(paths, probeDirectory)));
        var assemblies = paths.Select(context.LoadFromAssemblyPath).ToList();
        var own = assemblies.Select(a => a.GetName().Name!).ToHashSet(StringComparer.Ordinal);
        var settings = new List<ReadSetting>();
        foreach (var type in assemblies.SelectMany(LoadableTypes))
        {
            var section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static);
            if (section is not { IsLiteral: true } || section.FieldType.FullName != "System.String")
            {
                continue;
            }

            if (IsLocalOnly(type.GetCustomAttributesData()))
            {
                continue;
            }

            var prefix = ((string)section.GetRawConstantValue()!).Replace(":", "__", StringComparison.Ordinal);
            Walk(type, prefix, type.FullName!, own, settings, []);
        }

        return settings;
    }

    private static void Walk(Type type, string prefix, string source, HashSet<string> own, List<ReadSetting> settings, HashSet<string> visiting)
    {
        if (!visiting.Add(type.FullName!))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            if (IsLocalOnly(property.GetCustomAttributesData()))
            {
                continue;
            }

            var key = $"{prefix}__{KeyName(property)}";
            var propertyType = Nullable(property.PropertyType);
            var settable = property.SetMethod is { IsPublic: true };
            if (IsLeaf(propertyType))
            {
                if (settable)
                {
                    settings.Add(new ReadSetting(key, SettingShape.Exact, Required: true, $"{source}.{property.Name}"));
                }
            }
            else if (IsCollection(propertyType))
            {
                settings.Add(new ReadSetting(key, SettingShape.Group, Required: false, $"{source}.{property.Name}"));
            }
            else if (own.Contains(propertyType.Assembly.GetName().Name!))
            {
                Walk(propertyType, key, $"{source}.{property.Name}", own, settings, visiting);
            }
            else if (settable)
            {
                settings.Add(new ReadSetting(key, SettingShape.Exact, Required: true, $"{source}.{property.Name}"));
            }
        }

        visiting.Remove(type.FullName!);
    }

    /// <summary>Options marked [LocalOnlySetting] are read only by the local host: not app settings of the Functions app.</summary>
    private static bool IsLocalOnly(IEnumerable<CustomAttributeData> attributes) =>
        attributes.Any(a => a.AttributeType.Name == "LocalOnlySettingAttribute");

    private static string KeyName(PropertyInfo property) =>
        property.GetCustomAttributesData()
            .Where(a => a.AttributeType.Name == "ConfigurationKeyNameAttribute")
            .Select(a => a.ConstructorArguments[0].Value as string)
            .FirstOrDefault() ?? property.Name;

    private static Type Nullable(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : type;

    private static bool IsLeaf(Type type) => type.IsPrimitive || type.IsEnum || LeafTypes.Contains(type.FullName ?? "");

    private static bool IsCollection(Type type) =>
        type.IsArray || type.GetInterfaces().Any(i => i.FullName == "System.Collections.IEnumerable");

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    // The app's own folder first, then the shared frameworks it runs on (.NET and ASP.NET Core of this runtime's version).
    private static IEnumerable<string> ResolverPaths(IEnumerable<string> assemblies, string probeDirectory)
    {
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var version = new DirectoryInfo(runtime).Name;
        var aspnetRoot = Path.GetFullPath(Path.Combine(runtime, "..", "..", "Microsoft.AspNetCore.App"));
        var aspnet = Path.Combine(aspnetRoot, version);
        if (!Directory.Exists(aspnet) && Directory.Exists(aspnetRoot))
        {
            aspnet = Directory.EnumerateDirectories(aspnetRoot, version.Split('.')[0] + ".*").Order(StringComparer.Ordinal).LastOrDefault() ?? aspnet;
        }

        var folders = new[] { probeDirectory, runtime, aspnet }.Where(Directory.Exists);
        return assemblies
            .Concat(folders.SelectMany(f => Directory.EnumerateFiles(f, "*.dll")))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
    }
}
