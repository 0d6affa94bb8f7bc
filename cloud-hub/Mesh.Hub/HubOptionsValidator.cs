using System.Net;
using Mesh.Hub.Storage;
using Microsoft.Extensions.Options;

namespace Mesh.Hub;

/// <summary>Checks <see cref="HubOptions"/> at start-up; every failure names the configuration key.</summary>
public sealed class HubOptionsValidator : IValidateOptions<HubOptions>
{
    public const int MaxBatchRecordsLimit = 100_000;
    public const int MaxWatchQueueCapacity = 10_000;
    public const int MaxSyncStreamsLimit = 100_000;

    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        var failures = new List<string>();
        if (!TryParseListenUrl(options.Url, out _, out var urlProblem))
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.Url)}: {urlProblem}");
        if (!string.IsNullOrEmpty(options.ApiUrl))
        {
            if (!TryParseListenUrl(options.ApiUrl, out var api, out var apiProblem))
                failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.ApiUrl)}: {apiProblem}");
            else if (api.Port != 0 && TryParseListenUrl(options.Url, out var main, out _) && main.Equals(api))
                failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.ApiUrl)}: must differ from {HubOptions.SectionName}:{nameof(HubOptions.Url)} ({options.Url})");
        }
        if (string.IsNullOrWhiteSpace(options.DataPath))
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.DataPath)}: must name a SQLite file");
        ValidateStore(options.Store, failures);
        if (options.MaxBatchRecords is < 1 or > MaxBatchRecordsLimit)
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.MaxBatchRecords)}: {options.MaxBatchRecords} is outside 1..{MaxBatchRecordsLimit}");
        if (options.MaxReceiveMessageBytes is < 64 * 1024 or > 256 * 1024 * 1024)
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.MaxReceiveMessageBytes)}: {options.MaxReceiveMessageBytes} is outside 65536..268435456");
        if (options.WatchQueueCapacity is < 1 or > MaxWatchQueueCapacity)
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.WatchQueueCapacity)}: {options.WatchQueueCapacity} is outside 1..{MaxWatchQueueCapacity}");
        ValidateNats(options.Nats, failures);
        ValidateEnrollment(options.Enrollment, failures);
        Access.AccessOptionsValidator.Validate(options.Access, failures);
        if (options.MaxSyncStreams is < 1 or > MaxSyncStreamsLimit)
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.MaxSyncStreams)}: {options.MaxSyncStreams} is outside 1..{MaxSyncStreamsLimit}");
        if (options.SyncRetryAfter < TimeSpan.FromMilliseconds(100) || options.SyncRetryAfter > TimeSpan.FromMinutes(5))
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.SyncRetryAfter)}: {options.SyncRetryAfter} is outside 00:00:00.1..00:05:00");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateEnrollment(Enrollment.EnrollmentOptions o, List<string> failures)
    {
        const string s = Enrollment.EnrollmentOptions.SectionName;
        if (o.Url.Length > 0 && !TryParseListenUrl(o.Url, Uri.UriSchemeHttps, out _, out var problem))
            failures.Add($"{s}:{nameof(o.Url)}: {problem}");
        if ((o.CaCertificatePath.Length == 0) != (o.CaKeyPath.Length == 0))
            failures.Add($"{s}: set both {nameof(o.CaCertificatePath)} and {nameof(o.CaKeyPath)}, or neither (the hub then makes its CA beside Hub:DataPath)");
        if (o.CertificateLifetime < TimeSpan.FromSeconds(10) || o.CertificateLifetime > TimeSpan.FromDays(825))
            failures.Add($"{s}:{nameof(o.CertificateLifetime)}: {o.CertificateLifetime} is outside 00:00:10..825.00:00:00");
        if (o.TokenLifetime < TimeSpan.FromMinutes(1) || o.TokenLifetime > TimeSpan.FromDays(30))
            failures.Add($"{s}:{nameof(o.TokenLifetime)}: {o.TokenLifetime} is outside 00:01:00..30.00:00:00");
        if (o.RevocationRefresh < TimeSpan.FromMilliseconds(100) || o.RevocationRefresh > TimeSpan.FromHours(1))
            failures.Add($"{s}:{nameof(o.RevocationRefresh)}: {o.RevocationRefresh} is outside 00:00:00.1..01:00:00");
        for (var i = 0; i < o.ServerNames.Count; i++)
            if (Uri.CheckHostName(o.ServerNames[i]) != UriHostNameType.Dns)
                failures.Add($"{s}:{nameof(o.ServerNames)}:{i}: '{o.ServerNames[i]}' is not a DNS name");
    }

    private static void ValidateNats(NatsHubOptions nats, List<string> failures)
    {
        const string s = NatsHubOptions.SectionName;
        if (nats.Url.Length == 0)
            return;
        if (!nats.Url.Split(',', StringSplitOptions.TrimEntries).All(u =>
                Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "nats" or "tls" or "ws" or "wss" && uri.Host.Length > 0))
            failures.Add($"{s}:{nameof(NatsHubOptions.Url)}: '{nats.Url}' is not a nats://, tls://, ws:// or wss:// address with a host (several: comma-separated)");
        for (var i = 0; i < nats.Domains.Count; i++)
            if (!IsNatsName(nats.Domains[i]))
                failures.Add($"{s}:{nameof(NatsHubOptions.Domains)}:{i}: '{nats.Domains[i]}' is not a JetStream domain (1-64 characters; no spaces, '.', '*', '>', '/' or '\\')");
        if (!IsNatsName(nats.Durable))
            failures.Add($"{s}:{nameof(NatsHubOptions.Durable)}: '{nats.Durable}' is not a consumer name (1-64 characters; no spaces, '.', '*', '>', '/' or '\\')");
        if (nats.FetchBatch is < 1 or > MaxBatchRecordsLimit)
            failures.Add($"{s}:{nameof(NatsHubOptions.FetchBatch)}: {nats.FetchBatch} is outside 1..{MaxBatchRecordsLimit}");
        if (nats.MaxAckPending < nats.FetchBatch || nats.MaxAckPending > 1_000_000)
            failures.Add($"{s}:{nameof(NatsHubOptions.MaxAckPending)}: {nats.MaxAckPending} is outside {nats.FetchBatch}..1000000 (at least {s}:{nameof(NatsHubOptions.FetchBatch)})");
        if (nats.FetchWait < TimeSpan.FromSeconds(1) || nats.FetchWait > TimeSpan.FromSeconds(30))
            failures.Add($"{s}:{nameof(NatsHubOptions.FetchWait)}: {nats.FetchWait} is outside 1 s .. 30 s");
        if (nats.AckWait < TimeSpan.FromSeconds(5) || nats.AckWait > TimeSpan.FromHours(12))
            failures.Add($"{s}:{nameof(NatsHubOptions.AckWait)}: {nats.AckWait} is outside 5 s .. 12 h");
        if (nats.GapRetryDelay < TimeSpan.FromMilliseconds(10) || nats.GapRetryDelay > TimeSpan.FromMinutes(10))
            failures.Add($"{s}:{nameof(NatsHubOptions.GapRetryDelay)}: {nats.GapRetryDelay} is outside 10 ms .. 10 min");
        if (nats.DiscoverInterval < TimeSpan.FromMilliseconds(100) || nats.DiscoverInterval > TimeSpan.FromHours(1))
            failures.Add($"{s}:{nameof(NatsHubOptions.DiscoverInterval)}: {nats.DiscoverInterval} is outside 100 ms .. 1 h");
    }

    private static void ValidateStore(HubStoreOptions store, List<string> failures)
    {
        const string s = HubStoreOptions.SectionName;
        if (!store.IsPostgreSql && !string.Equals(store.Provider, HubStoreOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{s}:{nameof(HubStoreOptions.Provider)}: '{store.Provider}' is not a store provider; use '{HubStoreOptions.Sqlite}' or '{HubStoreOptions.PostgreSql}'");
            return;
        }
        if (store.IsPostgreSql && PostgresHubDatabase.CheckConnectionString(store.ConnectionString) is { } problem)
            failures.Add($"{s}:{nameof(HubStoreOptions.ConnectionString)}: {problem}");
    }

    private static bool IsNatsName(string name) =>
        name.Length is > 0 and <= 64 && name.AsSpan().IndexOfAny(".*>/\\") < 0 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>Parses <see cref="HubOptions.Url"/> into a loopback endpoint; anything else is refused because
    /// the hub has no TLS yet (and nodes no mutual TLS).</summary>
    public static bool TryParseListenUrl(string? url, out IPEndPoint endpoint, out string problem) => TryParseListenUrl(url, Uri.UriSchemeHttp, out endpoint, out problem);

    /// <summary>As above for a listener of <paramref name="scheme"/> (<c>https</c> for the node endpoint).</summary>
    public static bool TryParseListenUrl(string? url, string scheme, out IPEndPoint endpoint, out string problem)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            problem = $"'{url}' is not an absolute URL such as {scheme}://127.0.0.1:5080";
            return false;
        }
        if (uri.Scheme != scheme)
        {
            problem = scheme == Uri.UriSchemeHttp
                ? $"scheme '{uri.Scheme}' is not supported here; use http:// on a loopback address (nodes get TLS on Hub:Enrollment:Url)"
                : $"scheme '{uri.Scheme}' is not supported here; use {scheme}:// on a loopback address";
            return false;
        }
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            problem = $"'{url}' must not have a path or query";
            return false;
        }
        IPAddress? address = uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback
            : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed : null;
        if (address is null || !IPAddress.IsLoopback(address))
        {
            problem = $"host '{uri.Host}' is not a loopback address; the hub binds 127.0.0.1 or [::1] only until mutual TLS exists";
            return false;
        }
        endpoint = new IPEndPoint(address, uri.Port);
        problem = "";
        return true;
    }
}
