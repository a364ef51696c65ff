using System.Reflection;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReleaseFunctions.LocalHost;

namespace ReleaseFunctions.Tests.Support;

/// <summary>
/// The local host's composition as <c>Program.cs</c> builds it (<see cref="LocalHostApplication.CreateBuilder"/> and
/// <see cref="LocalHostApplication.Build"/>: its defaults, <see cref="LocalHostExtensions.AddLocalHost"/> and
/// <see cref="Endpoints.MapReleaseEndpoints"/>), built but not started: nothing connects to storage or to a Durable sidecar,
/// so what it serves and registers can be read without Azurite.
/// </summary>
public sealed class LocalHostComposition : IAsyncDisposable
{
    private LocalHostComposition(WebApplication app, IServiceCollection services)
    {
        App = app;
        Services = services;
    }

    public WebApplication App { get; }

    /// <summary>The registrations, as written (before the container is built).</summary>
    public IServiceCollection Services { get; }

    /// <param name="settings">Settings over the local host's own defaults (e.g. a storage connection string, <c>urls</c>).</param>
    /// <param name="environment">The host environment (the local host runs as Development on a developer's machine).</param>
    /// <param name="configureServices">Registrations a test adds before the composition (e.g. an in-memory telemetry exporter).</param>
    public static LocalHostComposition Build(
        IReadOnlyDictionary<string, string?>? settings = null, string? environment = null, Action<IServiceCollection>? configureServices = null)
    {
        // The entry point's own builder and defaults (LocalHostApplication.CreateBuilder), as Program.cs makes them.
        var builder = LocalHostApplication.CreateBuilder(environment is null ? [] : ["--environment", environment]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["TaskHubName"] = "parity" });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // A channel to nowhere: gRPC connects on first call, and nothing here calls.
        var services = builder.Services;
        configureServices?.Invoke(services);
        var app = LocalHostApplication.Build(builder, GrpcChannel.ForAddress("http://127.0.0.1:9"));
        return new LocalHostComposition(app, services);
    }

    /// <summary>Every HTTP endpoint: its route pattern (no leading slash) and its methods.</summary>
    public IEnumerable<(string Route, IReadOnlyList<string> Methods)> HttpEndpoints() =>
        ((IEndpointRouteBuilder)App).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => (e.RoutePattern.RawText!.Trim('/'), e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []));

    /// <summary>The hosted services registered (the local host's stand-ins for the Functions host's triggers).</summary>
    public IEnumerable<Type> HostedServices() =>
        Services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType).OfType<Type>();

    /// <summary>The registry the local host's Durable worker is built from (the default, unnamed worker).</summary>
    public DurableTaskRegistry Registry() =>
        App.Services.GetRequiredService<IOptionsMonitor<DurableTaskRegistry>>().Get(Options.DefaultName);

    /// <summary>Names of the registered orchestrators.</summary>
    public IEnumerable<string> Orchestrators() => Names(Registry(), "Orchestrators");

    /// <summary>Names of the registered activities.</summary>
    public IEnumerable<string> Activities() => Names(Registry(), "Activities");

    /// <summary>
    /// The registry keeps its registrations in internal collections of pairs keyed by task name (Microsoft.DurableTask.Abstractions
    /// exposes no public enumeration); read them by reflection. A change in a later package version fails here, not silently.
    /// </summary>
    private static IEnumerable<string> Names(DurableTaskRegistry registry, string property)
    {
        var member = typeof(DurableTaskRegistry).GetProperty(property, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException($"DurableTaskRegistry has no '{property}' property in this package version.");
        var entries = (System.Collections.IEnumerable)member.GetValue(registry)!;
        return entries.Cast<object>()
            .Select(e => e.GetType().GetProperty("Key")?.GetValue(e) ?? throw new InvalidOperationException($"DurableTaskRegistry.{property} holds no key/value pairs."))
            .Select(NameOf)
            .ToList();
    }

    private static string NameOf(object key) => key switch
    {
        TaskName name => name.Name,
        _ => (key.GetType().GetProperty("Name")?.GetValue(key) is TaskName n ? n.Name : key.GetType().GetProperty("Name")?.GetValue(key)?.ToString())
            ?? key.ToString()!,
    };

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
