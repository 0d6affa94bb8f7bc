using System.Text;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Policy;

/// <summary>
/// Brings the node's policy up at start, before ingest: the policy last activated (from the journal, so a
/// node restarted without its hub keeps the hub's policy), else the built-in one; then the local policy
/// file (<c>Node:Policy:File</c>), if any, which wins when its version is newer. Afterwards it watches the
/// file and offers each change (hot reload); an invalid edit is refused and the running policy stays.
/// </summary>
public sealed class LocalPolicyFile(IOptions<NodeOptions> options, PolicyHost host, AuditJournal journal, ILogger<LocalPolicyFile> logger) : BackgroundService
{
    private readonly PolicyOptions _options = options.Value.Policy;
    private static readonly (DateTime, long) Missing = (DateTime.MinValue, -1);
    private (DateTime Written, long Length)? _seen;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using (var reader = AuditJournalStore.OpenReader(journal.Path))
            await host.StartAsync(AuditJournalStore.ReadLastOfKind(reader, AuditKind.PolicyActivated)).ConfigureAwait(false);
        if (_options.File.Length > 0)
            await CheckAsync().ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.File.Length == 0)
            return;
        using var timer = new PeriodicTimer(_options.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            await CheckAsync().ConfigureAwait(false);
    }

    /// <summary>Offers the file when its time stamp or length changed since the last look.</summary>
    private async Task CheckAsync()
    {
        var path = Path.GetFullPath(_options.File);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            if (_seen != Missing)
                PolicyLog.FileUnreadable(logger, new FileNotFoundException("no such file", path), path);
            _seen = Missing;
            return;
        }
        var stamp = (info.LastWriteTimeUtc, info.Length);
        if (_seen == stamp)
            return;
        _seen = stamp;
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, new UTF8Encoding(false, throwOnInvalidBytes: true)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            PolicyLog.FileUnreadable(logger, ex, path);
            return;
        }
        await host.OfferAsync(text, _options.File, new PolicySource("file", path)).ConfigureAwait(false);
    }
}
