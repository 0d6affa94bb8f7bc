namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Command-line settings for a <c>mesh-node</c> process in a test.</summary>
public static class NodeArgs
{
    /// <summary>Lets any client connect to the node's embedded broker without credentials. Tests of sync, crashes, policy
    /// and the like say so explicitly; device credentials and ACLs are tested with them on (DeviceAccessTests, the demo).</summary>
    public const string Anonymous = "--Node:Devices:AllowAnonymous=true";

    /// <param name="hubUrl">The hub's address, or one where nothing listens.</param>
    /// <param name="extra">More settings; later ones win (a devices file with <c>--Node:Devices:AllowAnonymous=false</c>).</param>
    public static string[] For(string nodeId, string site, string dataDirectory, string hubUrl, params string[] extra) =>
    [
        $"--Node:NodeId={nodeId}", $"--Node:Site={site}", $"--Node:DataDirectory={dataDirectory}",
        $"--Node:Sync:HubUrl={hubUrl}", "--Node:Sync:MaxBackoff=00:00:01", "--Logging:LogLevel:Default=Warning", Anonymous,
        .. extra,
    ];
}
