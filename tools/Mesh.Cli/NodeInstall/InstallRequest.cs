namespace Mesh.Cli.NodeInstall;

/// <summary>One run of <c>mesh node install</c>, its options checked.</summary>
public sealed record InstallRequest(InstallLayout Layout, string Runtime, string PublishedDirectory, string Version, string User)
{
    /// <summary>The new node's settings; needed only when the prefix has no configuration file yet.</summary>
    public NodeConfigSettings? Settings { get; init; }

    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public bool SkipHealthCheck { get; init; }
}
