using Mesh.Hub.Control;
using Mesh.Hub.Storage;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Enrollment;

/// <summary>
/// Carries revocations to where they must act. Every <see cref="EnrollmentOptions.RevocationRefresh"/> it reads the
/// revoked certificates from the store into <see cref="NodeGate"/>, so a revocation another hub on the same database
/// made is refused here too and ends its node's open streams here; and whenever the gate learns a revocation (from here
/// or from this hub's own <c>mesh node revoke</c>) it sends the fleet's list to every watching node, which refuses
/// those certificates between peers (docs/SECURITY.md).
/// </summary>
public sealed class RevocationRefresh : BackgroundService
{
    private readonly NodeGate _gate;
    private readonly HubStore _store;
    private readonly ControlBroadcast _broadcast;
    private readonly TimeSpan _every;
    private readonly TimeProvider _time;
    private readonly ILogger<RevocationRefresh> _logger;

    public RevocationRefresh(NodeGate gate, HubStore store, ControlBroadcast broadcast, IOptions<HubOptions> options, TimeProvider time,
        ILogger<RevocationRefresh> logger)
    {
        _gate = gate;
        _store = store;
        _broadcast = broadcast;
        _every = options.Value.Enrollment.RevocationRefresh;
        _time = time;
        _logger = logger;
        _gate.RevocationsChanged += Publish;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_every, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            Refresh();
    }

    /// <summary>Reads the store once; returns how many revocations were new to this hub.</summary>
    public int Refresh()
    {
        IReadOnlyList<RevokedCertificate> stored;
        try
        {
            stored = _store.ReadRevokedCertificates();
        }
        catch (HubStorageException ex)
        {
            EnrollmentLog.RevocationRefreshFailed(_logger, _every, ex);
            return 0;
        }
        var learned = _gate.Learn(stored);
        foreach (var c in learned)
            EnrollmentLog.RevocationLearned(_logger, c.NodeId, c.Serial);
        return learned.Count;
    }

    private void Publish(IReadOnlyList<string> serials) => _broadcast.PublishToAll(ControlMessages.Revocations(serials));

    public override void Dispose()
    {
        _gate.RevocationsChanged -= Publish;
        base.Dispose();
    }
}
