using System.Net;
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
        if (options.MaxBatchRecords is < 1 or > MaxBatchRecordsLimit)
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.MaxBatchRecords)}: {options.MaxBatchRecords} is outside 1..{MaxBatchRecordsLimit}");
        if (options.MaxReceiveMessageBytes is < 64 * 1024 or > 256 * 1024 * 1024)
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.MaxReceiveMessageBytes)}: {options.MaxReceiveMessageBytes} is outside 65536..268435456");
        if (options.WatchQueueCapacity is < 1 or > MaxWatchQueueCapacity)
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.WatchQueueCapacity)}: {options.WatchQueueCapacity} is outside 1..{MaxWatchQueueCapacity}");
        if (options.MaxSyncStreams is < 1 or > MaxSyncStreamsLimit)
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.MaxSyncStreams)}: {options.MaxSyncStreams} is outside 1..{MaxSyncStreamsLimit}");
        if (options.SyncRetryAfter < TimeSpan.FromMilliseconds(100) || options.SyncRetryAfter > TimeSpan.FromMinutes(5))
            failures.Add($"{HubOptions.SectionName}:{nameof(HubOptions.SyncRetryAfter)}: {options.SyncRetryAfter} is outside 00:00:00.1..00:05:00");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Parses <see cref="HubOptions.Url"/> into a loopback endpoint; anything else is refused because
    /// the hub has no TLS or authentication yet.</summary>
    public static bool TryParseListenUrl(string? url, out IPEndPoint endpoint, out string problem)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            problem = $"'{url}' is not an absolute URL such as http://127.0.0.1:5080";
            return false;
        }
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            problem = $"scheme '{uri.Scheme}' is not supported yet; use http:// on a loopback address";
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
