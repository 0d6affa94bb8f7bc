using Mesh.Node.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Telemetry;

/// <summary>Makes this node's counters observable (<see cref="NodeTelemetry.Register"/>) while the host runs.</summary>
internal sealed class NodeTelemetryRegistration(IOptions<NodeOptions> options, NodeStats stats, AuditJournal journal) : IHostedService
{
    private IDisposable? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = NodeTelemetry.Register(options.Value.NodeId, stats, journal);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration?.Dispose();
        return Task.CompletedTask;
    }
}
