namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Command-line settings for a <c>mesh-node</c> process in a test.</summary>
public static class NodeArgs
{
    /// <param name="hubUrl">The hub's address, or one where nothing listens.</param>
    public static string[] For(string nodeId, string site, string dataDirectory, string hubUrl, params string[] extra) =>
    [
        $"--Node:NodeId={nodeId}", $"--Node:Site={site}", $"--Node:DataDirectory={dataDirectory}",
        $"--Node:Sync:HubUrl={hubUrl}", "--Node:Sync:MaxBackoff=00:00:01", "--Logging:LogLevel:Default=Warning",
        .. extra,
    ];
}
