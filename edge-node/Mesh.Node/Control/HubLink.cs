namespace Mesh.Node.Control;

/// <summary>Whether the node can reach its hub right now: true while its control stream is open.
/// The approval gate's offline rule applies while it is false.</summary>
public sealed class HubLink
{
    private volatile bool _connected;

    public bool IsConnected => _connected;

    public void Set(bool connected) => _connected = connected;
}
